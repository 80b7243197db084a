//! The cascade policy: which texts the model sees, how much of them, in what batches, and how
//! its scores meet the rules'.
//!
//! A [`CascadePolicy`] is read from `models/cascade/policy.toml` (embedded) or a file of the
//! same shape; every field is required and checked, and errors name the field. The decisions it
//! makes, in the order the cascade asks them:
//!
//! - **Routing** ([`CascadePolicy::routes`]) solves the combination rule for the rules score:
//!   with threshold `t`, model weight `w` and a model at most `c` sure, only a highest harmful
//!   rules score inside `[(t − w·c) / (1 − w), (t − w·(1 − c)) / (1 − w))` can end on either side
//!   of the threshold ([`CascadePolicy::band`]); texts outside that band keep the rules'
//!   verdict without a model call, unless the policy routes every text or every text with a hit.
//! - **Windowing** ([`CascadePolicy::window`]) keeps short texts whole and cuts long ones to
//!   `window_chars` characters centred on the most severe lexicon hit (else the first rule, the
//!   first cue, the start), counting characters, never splitting one.
//! - **Batching** ([`CascadePolicy::batches`]) walks length-sorted texts greedily, closing a
//!   batch when it is full or when adding the next text would make more than `max_padding` of
//!   the batch's positions padding; a batch of one is always allowed.
//! - **Combining** ([`CascadePolicy::combine`]) mixes rules and model scores linearly per label
//!   the model scores, then lets the rules' own decision (threshold, severity order) run on the
//!   mix, and records both opinions in the verdict.
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use toml::{Table, Value};

use super::error::ModelError;
use super::scores::LabelScores;
use crate::classify::{self, Label, ModelOpinion, Weights};
use crate::report::Report;
use crate::toml_path::{lookup, PathError};

pub(super) const POLICY_TOML: &str = include_str!("../../models/cascade/policy.toml");

/// Which texts reach the model, how they are cut and batched, and how the scores combine; see
/// the [module docs](crate::model) and `models/cascade/policy.toml`.
#[derive(Clone, Debug, PartialEq)]
pub struct CascadePolicy {
    /// Send every text.
    pub all: bool,
    /// Send every text with a lexicon hit.
    pub any_hit: bool,
    /// Send texts whose verdict a model at least this sure could change (in `[0.5, 1]`); see
    /// [`band`](CascadePolicy::band).
    pub confidence: f32,
    /// The model sees at most this many characters of a text.
    pub window_chars: usize,
    /// Texts per model call, at most.
    pub max_batch: usize,
    /// Largest share of a batch's positions that may be padding.
    pub max_padding: f32,
    /// The model's weight in the combined scores.
    pub model_weight: f32,
}

impl Default for CascadePolicy {
    fn default() -> Self {
        CascadePolicy::embedded().clone()
    }
}

impl CascadePolicy {
    /// The policy embedded in the crate (`models/cascade/policy.toml`).
    ///
    /// ```
    /// use tahrid::model::CascadePolicy;
    /// let p = CascadePolicy::embedded();
    /// assert!(!p.all && p.confidence == 0.8);
    /// ```
    pub fn embedded() -> &'static CascadePolicy {
        static P: OnceLock<CascadePolicy> = OnceLock::new();
        P.get_or_init(|| {
            CascadePolicy::from_toml_str("policy.toml", POLICY_TOML)
                .expect("the embedded policy is valid (checked by tests)")
        })
    }

    /// The embedded policy with `route.all` set: the model sees every text. The baseline a
    /// cascade is measured against.
    pub fn everything() -> CascadePolicy {
        CascadePolicy {
            all: true,
            ..CascadePolicy::embedded().clone()
        }
    }

    /// Reads a policy file.
    pub fn from_path(path: impl AsRef<Path>) -> Result<CascadePolicy, ModelError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| ModelError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        CascadePolicy::from_toml_str(&path.display().to_string(), &text)
    }

    /// Parses a policy in the format of `models/cascade/policy.toml`; every field is required.
    ///
    /// ```
    /// use tahrid::model::CascadePolicy;
    /// let err = CascadePolicy::from_toml_str("p.toml", "[route]\nall = 1").unwrap_err();
    /// assert_eq!(err.to_string(), "p.toml: field `route.confidence` is missing");
    /// ```
    pub fn from_toml_str(file: &str, text: &str) -> Result<CascadePolicy, ModelError> {
        let err = |message: String| ModelError::Config {
            file: file.to_string(),
            message,
        };
        let t: Table = toml::from_str(text).map_err(|e| err(e.to_string().trim().into()))?;
        let get = |path: &str| -> Result<&Value, ModelError> {
            lookup(&t, path).map_err(|e| match e {
                PathError::Missing => err(format!("field `{path}` is missing")),
                PathError::NotATable => err(format!("field `{path}`: expected a table")),
            })
        };
        let boolean = |path: &str| {
            get(path)?
                .as_bool()
                .ok_or_else(|| err(format!("field `{path}`: expected a boolean")))
        };
        let number = |v: &Value, path: &str| -> Result<f32, ModelError> {
            v.as_float()
                .or_else(|| v.as_integer().map(|i| i as f64))
                .map(|f| f as f32)
                .ok_or_else(|| err(format!("field `{path}`: expected a number")))
        };
        let count = |path: &str| -> Result<usize, ModelError> {
            get(path)?
                .as_integer()
                .filter(|&n| n > 0)
                .map(|n| n as usize)
                .ok_or_else(|| err(format!("field `{path}`: expected a positive integer")))
        };
        let confidence = number(get("route.confidence")?, "route.confidence")?;
        let max_padding = number(get("batch.max_padding")?, "batch.max_padding")?;
        let model_weight = number(get("combine.model_weight")?, "combine.model_weight")?;
        let policy = CascadePolicy {
            all: boolean("route.all")?,
            any_hit: boolean("route.any_hit")?,
            confidence,
            window_chars: count("input.window_chars")?,
            max_batch: count("batch.max_batch")?,
            max_padding,
            model_weight,
        };
        policy.validate().map_err(|e| match e {
            ModelError::Config { message, .. } => err(message),
            other => other,
        })?;
        Ok(policy)
    }

    /// The uncertain band `[low, high)` of harmful rules scores whose verdict a model score
    /// in `[1 − confidence, confidence]` can change, under threshold `w.threshold` and weight
    /// `model_weight`: `low = (t − w·c) / (1 − w)`, `high = (t − w·(1 − c)) / (1 − w)`. Empty
    /// when the model has no weight; everything when it has all of it.
    ///
    /// ```
    /// use tahrid::classify::Weights;
    /// use tahrid::model::CascadePolicy;
    /// let (low, high) = CascadePolicy::embedded().band(Weights::embedded());
    /// assert!((low - 0.2).abs() < 1e-6 && (high - 0.8).abs() < 1e-6);
    /// ```
    pub fn band(&self, w: &Weights) -> (f32, f32) {
        let (t, m, c) = (w.threshold, self.model_weight, self.confidence);
        if m <= 0.0 {
            return (f32::INFINITY, f32::INFINITY);
        }
        if m >= 1.0 {
            return (f32::NEG_INFINITY, f32::INFINITY);
        }
        ((t - m * c) / (1.0 - m), (t - m * (1.0 - c)) / (1.0 - m))
    }

    /// Whether a text with this rules report goes to the model (`w`: the tagger's weights,
    /// for the threshold).
    ///
    /// ```
    /// use tahrid::classify::Weights;
    /// use tahrid::model::CascadePolicy;
    /// use tahrid::Tagger;
    /// let (p, w) = (CascadePolicy::embedded(), Weights::embedded());
    /// let tagger = Tagger::default();
    /// // one medium-ambiguity term: a rules score of 0.3, uncertain
    /// assert!(p.routes(&tagger.tag("the nawasib are back"), w));
    /// // a plain slur in a call to violence: certain, the model could not change it
    /// assert!(!p.routes(&tagger.tag("kill the rafidah"), w));
    /// assert!(!p.routes(&tagger.tag("the weather is fine"), w));
    /// assert!(CascadePolicy::everything().routes(&tagger.tag("the weather is fine"), w));
    /// ```
    pub fn routes(&self, report: &Report, w: &Weights) -> bool {
        if self.all || (self.any_hit && !report.hits.is_empty()) {
            return true;
        }
        let s = &report.verdict.scores;
        let harm = s
            .sectarian_hate
            .max(s.incitement)
            .max(s.extremist_propaganda);
        let (low, high) = self.band(w);
        // scores are sums of f32 weights: allow for rounding at the edges
        harm >= low - 1e-6 && harm < high - 1e-6
    }

    /// The part of `text` the model sees: all of it when it has at most `window_chars`
    /// characters, else a window of that many characters centred on the most severe hit (or
    /// the first rule, or the first cue, or the start).
    ///
    /// ```
    /// use tahrid::model::CascadePolicy;
    /// use tahrid::Tagger;
    /// let policy = CascadePolicy { window_chars: 20, ..CascadePolicy::default() };
    /// let text = format!("{} the rafidah {}", "a ".repeat(50), "b ".repeat(50));
    /// let window = policy.window(&text, &Tagger::default().tag(&text));
    /// assert_eq!(window.chars().count(), 20);
    /// assert!(window.contains("rafidah"));
    /// ```
    pub fn window<'t>(&self, text: &'t str, report: &Report) -> &'t str {
        if text.len() <= self.window_chars || text.chars().count() <= self.window_chars {
            return text;
        }
        let focus = report
            .hits
            .iter()
            .enumerate()
            .max_by_key(|(i, h)| (h.severity, std::cmp::Reverse(*i)))
            .map(|(_, h)| (h.start, h.end))
            .or_else(|| report.rules.first().map(|r| (r.start, r.end)))
            .or_else(|| report.cues.first().map(|c| (c.start, c.end)))
            .filter(|&(s, e)| s <= e && e <= text.len() && text.is_char_boundary(s))
            .unwrap_or((0, 0));
        // characters before the focus, and the focus's own length in characters
        let before = text[..focus.0].chars().count();
        let len = text
            .get(focus.0..focus.1)
            .map(|s| s.chars().count())
            .unwrap_or(0);
        let total = text.chars().count();
        let lead = self.window_chars.saturating_sub(len) / 2;
        let start_char = before.saturating_sub(lead).min(total - self.window_chars);
        let mut idx = text.char_indices().map(|(i, _)| i).skip(start_char);
        let start = idx.next().unwrap_or(text.len());
        let end = text[start..]
            .char_indices()
            .nth(self.window_chars)
            .map(|(i, _)| start + i)
            .unwrap_or(text.len());
        &text[start..end]
    }

    /// Splits texts (best sorted by length, ascending) into consecutive batches: at most
    /// `max_batch` texts each, and no more than `max_padding` of a batch's positions padding
    /// (the longest text times the batch size, against the sum of lengths). A batch of one is
    /// always allowed.
    ///
    /// ```
    /// use tahrid::model::CascadePolicy;
    /// let p = CascadePolicy { max_batch: 3, max_padding: 0.25, ..CascadePolicy::default() };
    /// // three 10s fill a batch; 11 and 12 pad little; 40 beside them would be 47% padding
    /// let b = p.batches(&[10, 10, 10, 11, 12, 40]);
    /// assert_eq!(b, vec![0..3, 3..5, 5..6]);
    /// ```
    pub fn batches(&self, lengths: &[usize]) -> Vec<std::ops::Range<usize>> {
        let mut out = Vec::new();
        let (mut start, mut sum, mut longest) = (0usize, 0f64, 0usize);
        for (i, &len) in lengths.iter().enumerate() {
            let len = len.max(1);
            let n = (i - start + 1) as f64;
            let padded = n * longest.max(len) as f64;
            let padding = padded - (sum + len as f64);
            if i > start
                && (i - start + 1 > self.max_batch
                    || padding > f64::from(self.max_padding) * padded)
            {
                out.push(start..i);
                (start, sum, longest) = (i, 0.0, 0);
            }
            sum += len as f64;
            longest = longest.max(len);
        }
        if start < lengths.len() {
            out.push(start..lengths.len());
        }
        out
    }

    /// Checks the ranges that [`from_toml_str`](CascadePolicy::from_toml_str) checks, for a
    /// policy built in code ([`TaggerBuilder::build`](crate::TaggerBuilder::build) calls it).
    ///
    /// ```
    /// use tahrid::model::CascadePolicy;
    /// let bad = CascadePolicy { window_chars: 0, ..CascadePolicy::default() };
    /// assert_eq!(bad.validate().unwrap_err().to_string(),
    ///     "cascade policy: field `input.window_chars`: expected a positive integer");
    /// ```
    pub fn validate(&self) -> Result<(), ModelError> {
        let err = |message: String| ModelError::Config {
            file: "cascade policy".into(),
            message,
        };
        if !(0.5..=1.0).contains(&self.confidence) {
            return Err(err(format!(
                "field `route.confidence`: expected a number in [0.5, 1], got {}",
                self.confidence
            )));
        }
        if self.window_chars == 0 {
            return Err(err(
                "field `input.window_chars`: expected a positive integer".into(),
            ));
        }
        if self.max_batch == 0 {
            return Err(err(
                "field `batch.max_batch`: expected a positive integer".into()
            ));
        }
        if !(0.0..1.0).contains(&self.max_padding) {
            return Err(err(format!(
                "field `batch.max_padding`: expected a number in [0, 1), got {}",
                self.max_padding
            )));
        }
        if !(0.0..=1.0).contains(&self.model_weight) {
            return Err(err(format!(
                "field `combine.model_weight`: expected a number in [0, 1], got {}",
                self.model_weight
            )));
        }
        Ok(())
    }

    /// Combines a model's scores with a rules report, in place: the verdict's scores become
    /// the combined scores, its label is decided again, and [`Verdict::model`](crate::Verdict)
    /// records the model's scores and the rules' own.
    pub fn combine(&self, report: &mut Report, model: &str, scores: &LabelScores, w: &Weights) {
        let rules = report.verdict.scores;
        let rules_label = report.verdict.label;
        let mw = self.model_weight;
        let mut combined = rules;
        for (label, s) in scores.harmful_evidence().iter() {
            if label != Label::Neutral {
                combined.set(label, (1.0 - mw) * rules.get(label) + mw * s);
            }
        }
        // the rules' own conclusion ("no score reaches ...") is replaced by the combined one
        let mut reasons: Vec<String> = std::mem::take(&mut report.verdict.reasons)
            .into_iter()
            .filter(|r| !r.starts_with(classify::NO_SCORE))
            .collect();
        let listed: Vec<String> = scores
            .iter()
            .map(|(l, s)| format!("{} {s:.2}", l.as_str()))
            .collect();
        let mass: f32 = scores
            .iter()
            .filter(|(l, _)| l.is_harmful())
            .map(|(_, p)| p)
            .sum();
        let how = if scores.is_distribution() && mass > 0.0 {
            format!(" (harmful mass {mass:.2} to the likeliest harmful label)")
        } else {
            String::new()
        };
        reasons.push(format!(
            "model `{model}` (weight {mw:.2}): {}{how}; rules said {} {:.2}",
            listed.join(", "),
            rules_label.as_str(),
            report.verdict.score
        ));
        let mut verdict = classify::decide(combined, report.has_subject(), w, reasons);
        verdict.model = Some(ModelOpinion {
            name: model.to_string(),
            weight: mw,
            scores: scores
                .iter()
                .map(|(l, s)| (l.as_str().to_string(), s))
                .collect::<BTreeMap<_, _>>(),
            rules,
            rules_label,
        });
        report.verdict = verdict;
    }
}
