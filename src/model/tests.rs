//! Cascade routing, windows and combination, with stand-in models (no libtorch needed).
use super::policy::POLICY_TOML;
use super::*;
use crate::classify::{Label, Weights};
use crate::{Report, Tagger};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Gives fixed scores and records what it saw.
#[derive(Debug, Default)]
struct Fixed {
    scores: LabelScores,
    seen: Mutex<Vec<Vec<String>>>,
}

impl TextModel for Fixed {
    fn name(&self) -> &str {
        "fixed"
    }
    fn score_batch(&self, texts: &[&str]) -> Result<Vec<LabelScores>, ModelError> {
        self.seen
            .lock()
            .unwrap()
            .push(texts.iter().map(|t| t.to_string()).collect());
        Ok(vec![self.scores; texts.len()])
    }
}

#[derive(Debug)]
struct Broken(AtomicUsize);

impl TextModel for Broken {
    fn name(&self) -> &str {
        "broken"
    }
    fn score_batch(&self, texts: &[&str]) -> Result<Vec<LabelScores>, ModelError> {
        match self.0.fetch_add(1, Ordering::SeqCst) {
            0 => Err(ModelError::Inference("out of memory".into())),
            1 => panic!("tensor shape mismatch"),
            _ => Ok(vec![LabelScores::new(); texts.len() + 1]),
        }
    }
}

#[test]
fn embedded_policy_parses() {
    let p = CascadePolicy::embedded();
    assert!(!p.any_hit && !p.all);
    assert!(p.max_batch > 0 && p.window_chars > 0);
    assert!((0.0..=1.0).contains(&p.model_weight));
}

#[test]
fn policy_errors_name_the_field() {
    let text = POLICY_TOML.replace("model_weight = 0.5", "model_weight = 1.5");
    let e = CascadePolicy::from_toml_str("p.toml", &text).unwrap_err();
    assert_eq!(
        e.to_string(),
        "p.toml: field `combine.model_weight`: expected a number in [0, 1], got 1.5"
    );
    let text = POLICY_TOML.replace("max_batch = 16", "max_batch = 0");
    let e = CascadePolicy::from_toml_str("p.toml", &text).unwrap_err();
    assert_eq!(
        e.to_string(),
        "p.toml: field `batch.max_batch`: expected a positive integer"
    );
    let text = POLICY_TOML
        .replace("[input]\n", "[input]\nx = 1\n")
        .replace("window_chars = 800", "");
    let e = CascadePolicy::from_toml_str("p.toml", &text).unwrap_err();
    assert_eq!(
        e.to_string(),
        "p.toml: field `input.window_chars` is missing"
    );
    let e = CascadePolicy::from_path("no/such/policy.toml").unwrap_err();
    assert!(e
        .to_string()
        .starts_with("no/such/policy.toml: cannot read"));
}

fn harm(r: &Report) -> f32 {
    let s = r.verdict.scores;
    s.sectarian_hate
        .max(s.incitement)
        .max(s.extremist_propaganda)
}

#[test]
fn routing_follows_the_policy() {
    let w = Weights::embedded();
    let texts = [
        "the weather is fine",
        "the rafidah are here",
        "a long day",
        "the nawasib",
        "kill them all",
    ];
    let rules: Vec<Report> = Tagger::default().tag_batch(&texts);
    // the default: the uncertain band only
    let model = Arc::new(Fixed {
        scores: LabelScores::new().with(Label::SectarianHate, 0.9),
        ..Fixed::default()
    });
    let tagger = Tagger::builder().model(model.clone()).build().unwrap();
    let reports = tagger.tag_batch(&texts);
    let (low, high) = CascadePolicy::embedded().band(w);
    for (r, rule) in reports.iter().zip(&rules) {
        let h = harm(rule);
        assert_eq!(
            r.verdict.model.is_some(),
            h >= low - 1e-6 && h < high - 1e-6,
            "{h}"
        );
    }
    let routed: Vec<bool> = reports.iter().map(|r| r.verdict.model.is_some()).collect();
    assert_eq!(
        routed,
        [false, false, false, true, true],
        "{:?}",
        rules.iter().map(harm).collect::<Vec<_>>()
    );
    // any_hit: every text with a hit, in one batch sorted by length
    let model = Arc::new(Fixed::default());
    let policy = CascadePolicy {
        any_hit: true,
        ..CascadePolicy::default()
    };
    let tagger = Tagger::builder()
        .model(model.clone())
        .cascade(policy)
        .build()
        .unwrap();
    let routed: Vec<bool> = tagger
        .tag_batch(&texts)
        .iter()
        .map(|r| r.verdict.model.is_some())
        .collect();
    assert_eq!(routed, [false, true, false, true, true]);
    let seen = model.seen.lock().unwrap().clone();
    // sorted by length; the longest would make 27% of the batch padding (> 25%)
    assert_eq!(
        seen,
        vec![
            vec!["the nawasib", "kill them all"],
            vec!["the rafidah are here"]
        ]
    );
    // route.all: everything, in batches of max_batch
    let model = Arc::new(Fixed::default());
    let policy = CascadePolicy {
        max_batch: 3,
        ..CascadePolicy::everything()
    };
    let tagger = Tagger::builder()
        .model(model.clone())
        .cascade(policy)
        .build()
        .unwrap();
    let reports = tagger.tag_batch(&texts);
    assert!(reports.iter().all(|r| r.verdict.model.is_some()));
    let sizes: Vec<usize> = model.seen.lock().unwrap().iter().map(|b| b.len()).collect();
    assert_eq!(sizes, [3, 2]);
}

#[test]
fn the_band_is_where_the_model_can_change_the_verdict() {
    let w = Weights::embedded();
    for (weight, confidence) in [(0.5, 0.8), (0.3, 0.9), (0.7, 0.6), (0.5, 1.0)] {
        let p = CascadePolicy {
            model_weight: weight,
            confidence,
            ..CascadePolicy::default()
        };
        let (low, high) = p.band(w);
        let combined = |r: f32, m: f32| (1.0 - weight) * r + weight * m;
        // at the band's edges, a model exactly `confidence` sure lands on the threshold
        assert!((combined(low, confidence) - w.threshold).abs() < 1e-5);
        assert!((combined(high, 1.0 - confidence) - w.threshold).abs() < 1e-5);
        // inside, such a model flips the verdict one way or the other; outside it cannot
        for r in [0.0f32, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 1.0] {
            let can_flip = if r < w.threshold {
                combined(r, confidence) >= w.threshold - 1e-6
            } else {
                combined(r, 1.0 - confidence) < w.threshold - 1e-6
            };
            let inside = r >= low && r < high;
            assert_eq!(
                inside, can_flip,
                "w {weight} c {confidence} r {r}: band [{low}, {high})"
            );
        }
    }
    let none = CascadePolicy {
        model_weight: 0.0,
        ..CascadePolicy::default()
    };
    assert!(!none.routes(&Tagger::default().tag("the nawasib"), w));
    let all = CascadePolicy {
        model_weight: 1.0,
        ..CascadePolicy::default()
    };
    assert!(all.routes(&Tagger::default().tag("hello"), w));
}

#[test]
fn the_model_can_confirm_or_overrule() {
    let w = Weights::embedded();
    let tagger = Tagger::default();
    // a medium-ambiguity term alone: neutral by the rules
    let rules = tagger.tag("the nawasib are back");
    assert_eq!(rules.verdict.label, Label::Neutral);
    let policy = CascadePolicy::default();
    let mut confirmed = rules.clone();
    let hate = LabelScores::new()
        .with(Label::SectarianHate, 0.95)
        .with(Label::Neutral, 0.05);
    policy.combine(&mut confirmed, "m", &hate, w);
    assert_eq!(confirmed.verdict.label, Label::SectarianHate);
    let expect = 0.5 * rules.verdict.scores.sectarian_hate + 0.5 * 0.95;
    assert!((confirmed.verdict.scores.sectarian_hate - expect).abs() < 1e-6);
    let opinion = confirmed.verdict.model.as_ref().unwrap();
    assert_eq!(opinion.rules_label, Label::Neutral);
    assert_eq!(opinion.scores["sectarian_hate"], 0.95);
    assert!(confirmed
        .verdict
        .reasons
        .iter()
        .any(|r| r.starts_with("model `m` (weight 0.50): sectarian_hate 0.95, neutral 0.05")));
    // a plain slur: hate by the rules; a model that reads reporting pulls it down
    let rules = tagger.tag("death to the rafidah");
    assert!(rules.verdict.label.is_harmful());
    let mut overruled = rules.clone();
    let calm = LabelScores::new()
        .with(Label::SectarianHate, 0.0)
        .with(Label::Incitement, 0.0)
        .with(Label::ExtremistPropaganda, 0.0)
        .with(Label::Reporting, 0.0)
        .with(Label::Neutral, 1.0);
    let zero_weight = CascadePolicy {
        model_weight: 0.0,
        ..CascadePolicy::default()
    };
    zero_weight.combine(&mut overruled, "m", &calm, w);
    assert_eq!(
        overruled.verdict.label, rules.verdict.label,
        "weight 0 changes nothing"
    );
    assert_eq!(overruled.verdict.scores, rules.verdict.scores);
    let mut overruled = rules.clone();
    let full = CascadePolicy {
        model_weight: 1.0,
        ..CascadePolicy::default()
    };
    full.combine(&mut overruled, "m", &calm, w);
    assert_eq!(overruled.verdict.label, Label::Neutral);
    // hits and spans are untouched
    assert_eq!(overruled.hits, rules.hits);
    // the rules' own "neutral for lack of evidence" conclusion does not survive a flip
    let weak = tagger.tag("the nawasib are back");
    assert!(weak
        .verdict
        .reasons
        .iter()
        .any(|r| r.starts_with("no score reaches")));
    let mut flipped = weak.clone();
    policy.combine(&mut flipped, "m", &hate, w);
    assert_eq!(flipped.verdict.label, Label::SectarianHate);
    assert!(!flipped
        .verdict
        .reasons
        .iter()
        .any(|r| r.starts_with("no score reaches")));
    let mut kept = weak.clone();
    policy.combine(&mut kept, "m", &calm, w);
    let conclusions = kept
        .verdict
        .reasons
        .iter()
        .filter(|r| r.starts_with("no score reaches"))
        .count();
    assert_eq!(conclusions, 1, "{:?}", kept.verdict.reasons);
}

#[test]
fn failures_keep_the_rules_verdict() {
    let tagger = Tagger::builder()
        .model(Broken(AtomicUsize::new(0)))
        .cascade(CascadePolicy::everything())
        .build()
        .unwrap();
    let plain = Tagger::default();
    for (i, text) in ["the rafidah", "the nawasib", "the rafidah again"]
        .iter()
        .enumerate()
    {
        let report = tagger.tag(text);
        let rules = plain.tag(text);
        assert_eq!(report.verdict.label, rules.verdict.label);
        assert_eq!(report.verdict.scores, rules.verdict.scores);
        assert!(report.verdict.model.is_none());
        let last = report.verdict.reasons.last().unwrap();
        let expect = [
            "model `broken` failed: inference failed: out of memory",
            "model `broken` failed: inference failed: tensor shape mismatch",
            "model `broken` failed: inference failed: 2 scores for 1 texts",
        ][i];
        assert!(last.starts_with(expect), "{last}");
    }
}

#[test]
fn windows_are_char_aligned_and_contain_the_focus() {
    let tagger = Tagger::default();
    let policy = CascadePolicy {
        window_chars: 30,
        ..CascadePolicy::default()
    };
    let pad = "ж".repeat(100);
    for text in [
        format!("rafidah {pad}"),
        format!("{pad} rafidah"),
        format!("{pad} rafidah {pad}"),
        format!("{pad} {pad}"),
        "short rafidah".to_string(),
    ] {
        let report = tagger.tag(&text);
        let w = policy.window(&text, &report);
        assert!(w.chars().count() <= 30);
        assert!(text.contains(w));
        if text.chars().count() <= 30 {
            assert_eq!(w, text);
        } else {
            assert_eq!(w.chars().count(), 30);
        }
        if !report.hits.is_empty() {
            assert!(w.contains("rafidah"), "{w}");
        }
    }
}

#[test]
fn batches_respect_size_and_padding() {
    let p = CascadePolicy {
        max_batch: 4,
        max_padding: 0.25,
        ..CascadePolicy::default()
    };
    assert!(p.batches(&[]).is_empty());
    assert_eq!(p.batches(&[0, 0]), vec![0..2]);
    assert_eq!(p.batches(&[5; 9]), vec![0..4, 4..8, 8..9]);
    // every text lands in exactly one batch, in order, and no batch breaks the limits
    let lengths: Vec<usize> = (0..200).map(|i| 1 + (i * i) % 97).collect::<Vec<_>>();
    let mut sorted = lengths.clone();
    sorted.sort();
    let batches = p.batches(&sorted);
    let mut next = 0;
    for b in &batches {
        assert_eq!(b.start, next);
        next = b.end;
        assert!(b.len() <= 4);
        let longest = sorted[b.end - 1];
        let real: usize = sorted[b.clone()].iter().sum();
        let padded = longest * b.len();
        assert!(b.len() == 1 || (padded - real) as f32 <= 0.25 * padded as f32);
    }
    assert_eq!(next, sorted.len());
    let e = CascadePolicy::from_toml_str(
        "p.toml",
        &POLICY_TOML.replace("max_padding = 0.25", "max_padding = 1"),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "p.toml: field `batch.max_padding`: expected a number in [0, 1), got 1"
    );
}

#[test]
fn the_builder_refuses_an_invalid_policy() {
    let bad = CascadePolicy {
        confidence: f32::NAN,
        ..CascadePolicy::default()
    };
    let e = Tagger::builder().cascade(bad).build().unwrap_err();
    assert!(e.to_string().contains("field `route.confidence`"), "{e}");
    // unsorted lengths and huge ones: still one batch per range, in order, no overflow
    let p = CascadePolicy::default();
    let b = p.batches(&[usize::MAX, 1, usize::MAX / 2, 3]);
    assert_eq!(b.first().unwrap().start, 0);
    assert_eq!(b.last().unwrap().end, 4);
}

#[test]
fn a_distribution_counts_its_harmful_mass() {
    let w = Weights::embedded();
    let rules = Tagger::default().tag("the nawasib are back");
    // a model 90% sure the text is harmful, torn between incitement and hate
    let torn = LabelScores::new()
        .with(Label::Incitement, 0.45)
        .with(Label::SectarianHate, 0.45)
        .with(Label::Neutral, 0.1);
    let policy = CascadePolicy::default();
    // read as independent scores, neither label reaches the threshold with the rules' 0.3
    let mut independent = rules.clone();
    policy.combine(&mut independent, "m", &torn, w);
    assert_eq!(independent.verdict.label, Label::Neutral);
    // read as one distribution, the harmful mass counts
    let mut joint = rules.clone();
    policy.combine(&mut joint, "m", &torn.distribution(), w);
    assert!(joint.verdict.label.is_harmful(), "{:?}", joint.verdict);
    assert!(joint
        .verdict
        .reasons
        .iter()
        .any(|r| r.contains("harmful mass 0.90 to the likeliest harmful label")));
    // the model's own scores are reported as it gave them
    assert_eq!(
        joint.verdict.model.as_ref().unwrap().scores["incitement"],
        0.45
    );
    // no harmful mass: nothing changes
    let calm = LabelScores::new().with(Label::Neutral, 1.0).distribution();
    assert_eq!(calm.harmful_evidence(), calm);
}

#[test]
fn label_scores_clamp_and_drop_nan() {
    let s = LabelScores::new()
        .with(Label::Incitement, 1.5)
        .with(Label::Reporting, f32::NAN)
        .with(Label::Neutral, -1.0);
    assert_eq!(s.get(Label::Incitement), Some(1.0));
    assert_eq!(s.get(Label::Reporting), None);
    assert_eq!(s.get(Label::Neutral), Some(0.0));
    assert_eq!(s.iter().count(), 2);
}
