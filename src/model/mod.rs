//! Stage 4b (optional): a model cascade that rescores what the rules flag.
//!
//! A transformer reads about 150 sentences a second on two cores, the lexicon stage tens of
//! megabytes: thousands of times faster. So the model runs as a **cascade**: the rules stage
//! tags every text, a [`CascadePolicy`] picks the texts worth a second opinion, and only those
//! reach the model. The policy is data (`models/cascade/policy.toml`):
//!
//! 1. **Route.** A text goes to the model when the model could change its verdict: when its
//!    highest harmful rules score `r` lies in the *uncertain band* where
//!    `(1 − w)·r + w·m` crosses the threshold `t` for a model score `m` between
//!    `1 − route.confidence` and `route.confidence` (`w` = `combine.model_weight`). With the
//!    embedded `t = 0.5`, `w = 0.5` and confidence 0.8, the band is `[0.2, 0.8)`: see
//!    [`CascadePolicy::band`]. Optionally also every text with a lexicon hit (`route.any_hit`),
//!    or every text (`route.all`, the baseline a cascade is measured against).
//! 2. **Window.** The model sees all of a short text, else `input.window_chars` characters
//!    centred on the most severe hit (or the first rule or cue): the part the rules found.
//! 3. **Batch.** Routed texts are sorted by length and sent at most `batch.max_batch` at a
//!    time, a batch ending early when more than `batch.max_padding` of its positions would be
//!    padding (see [`CascadePolicy::batches`]): few routed texts of scattered lengths would
//!    otherwise pay for much padding. Models must give each text the scores it would get
//!    alone (the transformer backends mask padding; their tests check it).
//! 4. **Combine.** For each label the model scores,
//!    `combined = (1 − combine.model_weight) · rules + combine.model_weight · model`, where a
//!    softmax model's harmful probability mass counts for its likeliest harmful label (see
//!    [`LabelScores::harmful_evidence`]); then the
//!    rules' decision (threshold, severity order; see [`crate::classify`]) runs on the combined
//!    scores. The verdict names the model and its scores in `reasons` and in
//!    [`Verdict::model`](crate::Verdict::model), with the rules' own scores and label beside
//!    them, so a reviewer sees what each stage said.
//!
//! A model is anything that implements [`TextModel`]. With the cargo feature `transformer`,
//! `tahrid::model::transformer` provides rust-bert models (sentence-embedding
//! exemplars, sequence classifiers and zero-shot NLI) loaded from local files. A model that
//! fails (or panics) on a batch leaves the rules' verdicts of that batch standing, with the
//! failure in `reasons`: nothing is lost.
//!
//! ```
//! use tahrid::model::{LabelScores, ModelError, TextModel};
//! use tahrid::{Label, Tagger};
//!
//! /// A stand-in model that calls everything neutral.
//! #[derive(Debug)]
//! struct Calm;
//! impl TextModel for Calm {
//!     fn name(&self) -> &str { "calm" }
//!     fn score_batch(&self, texts: &[&str]) -> Result<Vec<LabelScores>, ModelError> {
//!         Ok(texts.iter().map(|_| LabelScores::new().with(Label::Neutral, 1.0)
//!             .with(Label::SectarianHate, 0.0)).collect())
//!     }
//! }
//!
//! let tagger = Tagger::builder().model(Calm).build().unwrap();
//! // one medium-ambiguity term: the rules are unsure, so the model is asked
//! let report = tagger.tag("the nawasib are back");
//! let model = report.verdict.model.as_ref().unwrap();
//! assert_eq!(model.name, "calm");
//! assert!(report.verdict.scores.sectarian_hate < model.rules.sectarian_hate);
//! assert!(tagger.tag("a quiet day").verdict.model.is_none()); // nothing to be unsure of
//! ```
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use toml::{Table, Value};

use crate::classify::{self, Label, ModelOpinion, Weights};
use crate::context::CueKind;
use crate::report::Report;
use crate::toml_path::{lookup, PathError};

#[cfg(feature = "transformer")]
mod fused_bert;
#[cfg(feature = "transformer")]
pub mod transformer;

const POLICY_TOML: &str = include_str!("../../models/cascade/policy.toml");

/// Errors from loading or running a model, or from a cascade policy file.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// A file could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A configuration file (policy, model descriptor, `config.json`, label map) is invalid.
    #[error("{file}: {message}")]
    Config {
        /// The file.
        file: String,
        /// What is wrong, naming the field.
        message: String,
    },
    /// Model weights or a tokenizer could not be loaded.
    #[error("{path}: cannot load: {message}")]
    Load {
        /// The file or directory.
        path: PathBuf,
        /// The loader's message.
        message: String,
    },
    /// The model failed on a batch.
    #[error("inference failed: {0}")]
    Inference(String),
}

/// A model's scores for one text: a probability per label it knows, `None` for the others.
///
/// ```
/// use tahrid::model::LabelScores;
/// use tahrid::Label;
/// let s = LabelScores::new().with(Label::Incitement, 0.8);
/// assert_eq!(s.get(Label::Incitement), Some(0.8));
/// assert_eq!(s.get(Label::Reporting), None);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LabelScores([Option<f32>; 5], bool);

impl LabelScores {
    /// No scores.
    pub fn new() -> LabelScores {
        LabelScores::default()
    }

    /// Sets a label's score (clamped to `[0, 1]`; NaN counts as no score).
    pub fn set(&mut self, label: Label, score: f32) {
        self.0[slot(label)] = (!score.is_nan()).then(|| score.clamp(0.0, 1.0));
    }

    /// Builder form of [`set`](LabelScores::set).
    pub fn with(mut self, label: Label, score: f32) -> LabelScores {
        self.set(label, score);
        self
    }

    /// Marks the scores as one probability distribution over the labels (a softmax), not
    /// independent per-label scores. The cascade then weighs the harmful labels together: see
    /// [`harmful_evidence`](LabelScores::harmful_evidence).
    pub fn distribution(mut self) -> LabelScores {
        self.1 = true;
        self
    }

    /// Whether the scores are one distribution (see [`distribution`](LabelScores::distribution)).
    pub fn is_distribution(&self) -> bool {
        self.1
    }

    /// The model's evidence for each harmful label, as the cascade combines it. For
    /// independent scores, the scores themselves. For a distribution, the harmful mass
    /// `H = P(hate) + P(incitement) + P(propaganda)` goes to the likeliest harmful label, and
    /// the others in proportion (`H · P(l) / max P`): a model 90% sure a text is harmful, torn
    /// 0.6 / 0.3 between incitement and hate, counts 0.9 for incitement and 0.45 for hate,
    /// not 0.6 and 0.3.
    ///
    /// ```
    /// use tahrid::model::LabelScores;
    /// use tahrid::Label;
    /// let s = LabelScores::new()
    ///     .with(Label::Incitement, 0.6)
    ///     .with(Label::SectarianHate, 0.3)
    ///     .with(Label::Neutral, 0.1)
    ///     .distribution();
    /// let e = s.harmful_evidence();
    /// assert!((e.get(Label::Incitement).unwrap() - 0.9).abs() < 1e-6);
    /// assert!((e.get(Label::SectarianHate).unwrap() - 0.45).abs() < 1e-6);
    /// assert_eq!(e.get(Label::Neutral), Some(0.1)); // other labels unchanged
    /// ```
    pub fn harmful_evidence(&self) -> LabelScores {
        if !self.1 {
            return *self;
        }
        let harmful: Vec<(Label, f32)> = self.iter().filter(|(l, _)| l.is_harmful()).collect();
        let mass: f32 = harmful.iter().map(|(_, p)| p).sum();
        let top = harmful.iter().map(|(_, p)| *p).fold(0.0f32, f32::max);
        let mut out = *self;
        if top > 0.0 {
            for (l, p) in harmful {
                out.set(l, mass * p / top);
            }
        }
        out
    }

    /// A label's score, if the model gives one.
    pub fn get(&self, label: Label) -> Option<f32> {
        self.0[slot(label)]
    }

    /// The labels with a score, in [`Label::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Label, f32)> + '_ {
        Label::ALL
            .into_iter()
            .filter_map(|l| self.get(l).map(|s| (l, s)))
    }
}

fn slot(label: Label) -> usize {
    Label::ALL.iter().position(|&l| l == label).unwrap_or(0)
}

/// A text classifier the cascade can call: scores per label for a batch of texts.
///
/// Implementations must give a text the same scores whatever else is in its batch (the
/// cascade batches by length), and must return exactly one [`LabelScores`] per text. They may
/// fail with an error; a panic is caught and treated as one (the process's panic hook still
/// prints it to standard error). A model that scores only some labels leaves the rules'
/// scores of the others as they are; the routing band still looks at the highest harmful
/// rules score, so such a model may be sent texts it cannot change.
pub trait TextModel: Send + Sync + std::fmt::Debug {
    /// A short name for reasons and reports.
    fn name(&self) -> &str;
    /// Scores a batch of texts.
    fn score_batch(&self, texts: &[&str]) -> Result<Vec<LabelScores>, ModelError>;
}

impl<M: TextModel + ?Sized> TextModel for Arc<M> {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn score_batch(&self, texts: &[&str]) -> Result<Vec<LabelScores>, ModelError> {
        (**self).score_batch(texts)
    }
}

/// Which texts reach the model, how they are cut and batched, and how the scores combine; see
/// the [module docs](self) and `models/cascade/policy.toml`.
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
        let subject = !report.hits.is_empty()
            || !report.rules.is_empty()
            || report
                .cues
                .iter()
                .any(|c| matches!(c.kind, CueKind::Group | CueKind::Outsider));
        let mut verdict = classify::decide(combined, subject, w, reasons);
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

/// A model and the policy that feeds it; owned by a [`Tagger`](crate::Tagger).
#[derive(Clone)]
pub(crate) struct ModelStage {
    pub(crate) model: Arc<dyn TextModel>,
    pub(crate) policy: CascadePolicy,
}

impl std::fmt::Debug for ModelStage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelStage")
            .field("model", &self.model.name())
            .field("policy", &self.policy)
            .finish()
    }
}

impl ModelStage {
    /// Runs the cascade over rules reports, in place: routes, windows, batches by length,
    /// scores and combines. Returns the number of texts the model saw.
    pub(crate) fn run<S: AsRef<str>>(
        &self,
        texts: &[S],
        reports: &mut [Report],
        w: &Weights,
    ) -> usize {
        let policy = &self.policy;
        let routed: Vec<(usize, &str)> = reports
            .iter()
            .zip(texts)
            .enumerate()
            .filter(|(_, (r, _))| policy.routes(r, w))
            .map(|(i, (r, t))| (i, policy.window(t.as_ref(), r)))
            .collect();
        let mut routed: Vec<(usize, &str, usize)> = routed
            .into_iter()
            .map(|(i, t)| (i, t, t.chars().count()))
            .collect();
        routed.sort_by_key(|&(i, _, chars)| (chars, i));
        let lengths: Vec<usize> = routed.iter().map(|&(_, _, chars)| chars).collect();
        for range in policy.batches(&lengths) {
            let chunk = &routed[range];
            let inputs: Vec<&str> = chunk.iter().map(|&(_, t, _)| t).collect();
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.model.score_batch(&inputs)
            }))
            .unwrap_or_else(|panic| {
                let msg = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "the model panicked".into());
                Err(ModelError::Inference(msg))
            })
            .and_then(|scores| {
                if scores.len() == inputs.len() {
                    Ok(scores)
                } else {
                    Err(ModelError::Inference(format!(
                        "{} scores for {} texts",
                        scores.len(),
                        inputs.len()
                    )))
                }
            });
            match result {
                Ok(scores) => {
                    for (&(i, _, _), s) in chunk.iter().zip(&scores) {
                        policy.combine(&mut reports[i], self.model.name(), s, w);
                    }
                }
                Err(e) => {
                    let line = format!(
                        "model `{}` failed: {}; the rules' verdict stands",
                        self.model.name(),
                        e.to_string().replace('\n', " ")
                    );
                    for &(i, _, _) in chunk {
                        reports[i].verdict.reasons.push(line.clone());
                    }
                }
            }
        }
        routed.len()
    }
}

#[cfg(test)]
mod tests;
