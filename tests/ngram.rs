//! The learned n-gram stage: its file format and errors, its features, and how its evidence
//! joins the rules' verdict.
use std::path::PathBuf;

use tahrid::classify::Weights;
use tahrid::model::{ngram, NgramModel, TextModel};
use tahrid::{Label, Tagger};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tahrid-ngram-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn with_ngram() -> Tagger {
    Tagger::builder()
        .ngram(NgramModel::embedded().clone())
        .build()
        .unwrap()
}

#[test]
fn the_embedded_model_says_where_it_came_from() {
    let m = NgramModel::embedded();
    assert!(m.provenance().contains("train_ngram"), "{}", m.provenance());
    assert!((8..=24).contains(&m.bits()));
    assert!(m.threshold() > 0.0 && m.threshold() < 1.0);
}

#[test]
fn a_model_written_and_read_back_scores_the_same() {
    let dir = scratch("roundtrip");
    let m = NgramModel::embedded().clone().with_provenance("test copy");
    m.write_dir(&dir).unwrap();
    let back = NgramModel::from_dir(&dir).unwrap();
    assert_eq!(back.provenance(), "test copy");
    assert_eq!(back.threshold(), m.threshold());
    for text in ["kill the rafidah", "روافض", "a quiet day", ""] {
        assert_eq!(back.probabilities(text), m.probabilities(text));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn broken_model_files_are_clear_errors() {
    let dir = scratch("broken");
    let m = NgramModel::from_parts("t", 8, 0.5, [0.0; 5], vec![0.1; 256 * 5]).unwrap();
    m.write_dir(&dir).unwrap();
    let bin = dir.join("weights.bin");
    let good = std::fs::read(&bin).unwrap();

    std::fs::write(&bin, &good[..good.len() - 4]).unwrap();
    let e = NgramModel::from_dir(&dir).unwrap_err().to_string();
    assert!(e.contains("bytes, expected"), "{e}");

    let mut bad = good.clone();
    bad[..4].copy_from_slice(b"XXXX");
    std::fs::write(&bin, &bad).unwrap();
    let e = NgramModel::from_dir(&dir).unwrap_err().to_string();
    assert!(e.contains("magic TNG1"), "{e}");

    let mut nan = good.clone();
    let at = nan.len() - 4;
    nan[at..].copy_from_slice(&f32::NAN.to_le_bytes());
    std::fs::write(&bin, &nan).unwrap();
    let e = NgramModel::from_dir(&dir).unwrap_err().to_string();
    assert!(e.contains("not a finite number"), "{e}");

    std::fs::write(&bin, &good).unwrap();
    let toml = dir.join("model.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, text.replace("bits = 8", "bits = 9")).unwrap();
    let e = NgramModel::from_dir(&dir).unwrap_err().to_string();
    assert!(e.contains("the file has 8 bits"), "{e}");
    std::fs::write(&toml, text.replace("threshold = 0.5", "threshold = 1.5")).unwrap();
    let e = NgramModel::from_dir(&dir).unwrap_err().to_string();
    assert!(
        e.contains("`threshold` must be a number between 0 and 1"),
        "{e}"
    );
    std::fs::write(&toml, text.replace("weights.bin", "../weights.bin")).unwrap();
    let e = NgramModel::from_dir(&dir).unwrap_err().to_string();
    assert!(e.contains("field `weights` must name a file"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn features_see_through_evasion_and_skip_links() {
    let m = NgramModel::embedded();
    // the folded text is what the model reads: a homoglyph and leetspeak spelling of a word
    // gets the plain word's probabilities
    assert_eq!(m.probabilities("rаfіdаh"), m.probabilities("rafidah"));
    assert_eq!(m.probabilities("r4f1d4h"), m.probabilities("rafidah"));
    // links and handles carry no features
    let (mut a, mut b) = (Vec::new(), Vec::new());
    ngram::features("see https://example.com/x and @someone", 16, &mut a);
    ngram::features("see and", 16, &mut b);
    assert_eq!(a, b);
    ngram::features("", 16, &mut a);
    assert!(a.is_empty());
}

#[test]
fn the_model_scores_a_batch_as_one_distribution_per_text() {
    let m = NgramModel::embedded();
    let s = m.score_batch(&["one", "two three", ""]).unwrap();
    assert_eq!(s.len(), 3);
    for x in &s {
        assert!(x.is_distribution());
        let sum: f32 = x.iter().map(|(_, p)| p).sum();
        assert!((sum - 1.0).abs() < 1e-4);
    }
}

#[test]
fn evidence_is_monotone_and_damped_by_reporting() {
    let m = NgramModel::embedded();
    let w = Weights::embedded();
    let mut last = -1.0;
    for k in 0..=100 {
        let e = m.evidence(k as f32 / 100.0, 0.0, w);
        assert!(e >= last && (0.0..=1.0).contains(&e));
        last = e;
    }
    assert_eq!(m.evidence(1.0, 0.0, w), 1.0);
    assert!(m.evidence(0.9, 0.8, w) < m.evidence(0.9, 0.0, w));
}

#[test]
fn the_stage_never_lowers_what_the_rules_found_and_says_what_it_did() {
    let rules = Tagger::default();
    let both = with_ngram();
    for text in [
        "kill the rafidah",
        "الرافضة أنجاس",
        "The group's statement called on followers to \"kill the rafidah\", officials said.",
        "a quiet day at the market",
        "",
    ] {
        let (r, b) = (rules.tag(text), both.tag(text));
        assert_eq!(r.hits, b.hits, "{text}");
        for l in [
            Label::SectarianHate,
            Label::Incitement,
            Label::ExtremistPropaganda,
        ] {
            assert!(b.verdict.scores.get(l) >= r.verdict.scores.get(l), "{text}");
        }
        if r.verdict.label.is_harmful() {
            assert!(b.verdict.label.is_harmful(), "{text}");
        }
        assert!(
            b.verdict
                .reasons
                .iter()
                .any(|x| x.starts_with("n-gram model `")),
            "{text}: {:?}",
            b.verdict.reasons
        );
    }
}

#[test]
fn a_report_that_quotes_a_slur_stays_reporting() {
    let text = "Analysts say the group positions itself against the 'American-Zionist enemies' \
                but also the 'rafidah', a slur for Shia Muslims, according to the report.";
    let r = with_ngram().tag(text);
    assert_eq!(r.verdict.label, Label::Reporting, "{:?}", r.verdict.reasons);
}

#[test]
fn hate_without_a_lexicon_term_is_found_and_explained() {
    let both = with_ngram();
    let rules = Tagger::default();
    let text = "Muslims have no place in a civilised nation.";
    assert!(!rules.tag(text).verdict.label.is_harmful());
    let r = both.tag(text);
    assert!(r.verdict.label.is_harmful(), "{:?}", r.verdict.reasons);
    assert!(r.hits.is_empty());
    assert!(r
        .verdict
        .reasons
        .iter()
        .any(|x| x.starts_with("the rules alone said neutral")));
}

#[test]
fn tag_batch_and_tag_agree_with_the_stage() {
    let t = with_ngram();
    let texts = [
        "kill the rafidah",
        "hello there",
        "Muslims are vermin",
        "روافض",
    ];
    let batch = t.tag_batch(&texts);
    for (text, r) in texts.iter().zip(batch) {
        assert_eq!(r, t.tag(text));
    }
}
