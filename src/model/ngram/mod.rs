//! A learned stage that runs on every text: a linear model over hashed character n-grams.
//!
//! The rules find terms; they miss hate written without one ("X are vermin", a Roman Urdu
//! insult, a propaganda tweet in the group's own words). A transformer reads such text but
//! costs thousands of times more than the rules. An [`NgramModel`] sits between: a softmax
//! over the five labels, computed from the **folded** text (the same folding the lexicon
//! sees, so homoglyphs, leetspeak and diacritics are already undone):
//!
//! 1. **Features.** The words of the lexicon's hits are blanked out ([`mask`]): the model
//!    learns and reads what the rules do not know, not the terms' spellings, which it would
//!    confuse with look-alike words the rules tell apart. Links, e-mail addresses and
//!    @-handles are skipped (in labelled data they tell which collection a text came from,
//!    not what it says). Each word (a run of letters
//!    and digits) of the rest of the folded text counts once as
//!    a whole word, and once for each character 1-, 2-, 3- and 4-gram of the word padded with
//!    a space on each side. Each feature is hashed (FNV-1a) into one of `2^bits` buckets; the
//!    vector has an equal value for each bucket the text touches (presence, not counts),
//!    scaled to unit length. See [`features`].
//! 2. **Scores.** `softmax(b + W·x)`, one row of `W` per bucket: a few multiply-adds per
//!    bucket the text touches, no allocation after the first text on a thread.
//! 3. **Evidence.** The harmful probability mass `H` (hate + incitement + propaganda) is
//!    mapped so the model's own operating threshold `t` lands on the verdict threshold `T`:
//!    `e = T·H/t` below `t`, `T + (1 − T)(H − t)/(1 − t)` from `t` on. The same reporting
//!    damping as the rules' evidence applies, `e · (1 − damping · reporting)`, and each harmful
//!    label gets `e` in proportion to its probability (`e · P(l) / max P`), as in
//!    [`LabelScores::harmful_evidence`](super::LabelScores::harmful_evidence). See
//!    [`NgramModel::evidence`].
//! 4. **Combination.** When the rules find a text benign (neutral or reporting), each harmful
//!    label's score becomes the larger of the rules' score and the model's evidence, and the
//!    rules' decision runs again: the model can make a text harmful on its own, a reporting
//!    or counter-speech context damps it as it damps the rules, and it never lowers a score.
//!    When the rules find a text harmful, their verdict stands: the model adds what the rules
//!    miss and does not relabel what they found, so it is not even run on such a text. Nor is
//!    it run on a text in a language outside `languages` (those whose benign text it was
//!    trained on, so that its false-alarm rate is known), and it has no say on texts shorter
//!    than `min_words` words. The verdict's `reasons` always carry one line from the model:
//!    why it was not run, or its harmful mass and threshold, or, when it changed the scores,
//!    its probabilities and evidence.
//!
//! The model is data: `models/ngram/model.toml` (name, bits, threshold, provenance) and
//! `models/ngram/weights.bin` (see [`NgramModel::from_dir`] for the format), written by
//! `examples/train_ngram.rs`, which trains it on the labelled dev data and benign corpus lines
//! and cross-validates it. Switch it on with
//! [`TaggerBuilder::ngram`](crate::TaggerBuilder::ngram).
//!
//! ```
//! use tahrid::model::NgramModel;
//! let m = NgramModel::embedded();
//! let p = m.probabilities("a quiet day at the market");
//! assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-4);
//! ```
use std::sync::OnceLock;

use super::error::ModelError;
use super::scores::{LabelScores, TextModel};
use crate::classify::push_fixed2;
use crate::classify::{self, Label, Weights};
use crate::normalize::Normalizer;
use crate::report::Report;
use features::{features_with, softmax, Scratch};

mod features;
mod file;

pub use features::{features, mask};

const MODEL_TOML: &str = include_str!("../../../models/ngram/model.toml");
const WEIGHTS_BIN: &[u8] = include_bytes!("../../../models/ngram/weights.bin");
/// Labels in the order of the weights' columns: [`Label::ALL`].
const CLASSES: usize = 5;

/// A softmax classifier over hashed character n-grams of the folded text; see the
/// [module docs](self).
#[derive(Clone, PartialEq)]
pub struct NgramModel {
    name: String,
    bits: u32,
    threshold: f32,
    bias: [f32; CLASSES],
    /// `2^bits` rows of [`CLASSES`] weights.
    weights: Vec<f32>,
    provenance: String,
    /// Language codes whose benign text the model was trained on; empty: every language.
    languages: Vec<String>,
    /// Texts of fewer words get no say.
    min_words: usize,
}

impl std::fmt::Debug for NgramModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NgramModel")
            .field("name", &self.name)
            .field("bits", &self.bits)
            .field("threshold", &self.threshold)
            .field("languages", &self.languages)
            .field("min_words", &self.min_words)
            .finish_non_exhaustive()
    }
}

impl NgramModel {
    /// The model embedded in the crate (`models/ngram/`).
    ///
    /// ```
    /// let m = tahrid::model::NgramModel::embedded();
    /// assert!(m.threshold() > 0.0 && m.threshold() < 1.0);
    /// assert!(!m.provenance().is_empty());
    /// ```
    pub fn embedded() -> &'static NgramModel {
        static M: OnceLock<NgramModel> = OnceLock::new();
        M.get_or_init(|| {
            NgramModel::from_bytes("models/ngram", MODEL_TOML, WEIGHTS_BIN)
                .expect("the embedded n-gram model is valid (checked by tests)")
        })
    }

    /// A model from trained parameters: `weights` has `2^bits` rows of 5 (labels in
    /// [`Label::ALL`] order). For trainers; see `examples/train_ngram.rs`.
    ///
    /// ```
    /// use tahrid::model::NgramModel;
    /// let m = NgramModel::from_parts("zero", 8, 0.5, [0.0; 5], vec![0.0; 256 * 5]).unwrap();
    /// assert_eq!(m.probabilities("anything"), [0.2; 5]);
    /// assert!(NgramModel::from_parts("bad", 8, 0.5, [0.0; 5], vec![0.0; 3]).is_err());
    /// ```
    pub fn from_parts(
        name: &str,
        bits: u32,
        threshold: f32,
        bias: [f32; 5],
        weights: Vec<f32>,
    ) -> Result<NgramModel, ModelError> {
        let bad = |message: String| ModelError::Config {
            file: name.to_string(),
            message,
        };
        if !(8..=24).contains(&bits) {
            return Err(bad("`bits` must be from 8 to 24".into()));
        }
        if !(threshold > 0.0 && threshold < 1.0) {
            return Err(bad("`threshold` must be between 0 and 1".into()));
        }
        if weights.len() != (1usize << bits) * CLASSES {
            return Err(bad(format!(
                "{} weights for {} bits, expected {}",
                weights.len(),
                bits,
                (1usize << bits) * CLASSES
            )));
        }
        Ok(NgramModel {
            name: name.to_string(),
            bits,
            threshold,
            bias,
            weights,
            provenance: String::new(),
            languages: Vec::new(),
            min_words: 1,
        })
    }

    /// The same model with another provenance note (written into `model.toml` by
    /// [`write_dir`](NgramModel::write_dir)).
    pub fn with_provenance(mut self, provenance: &str) -> NgramModel {
        self.provenance = provenance.to_string();
        self
    }

    /// The same model, counted only for texts in these languages (codes as in
    /// [`Report::lang`](crate::Report::lang)): those whose benign text it was trained on, so
    /// that its false-alarm rate is known. An empty list (the default of
    /// [`from_parts`](NgramModel::from_parts)) means every language.
    ///
    /// ```
    /// use tahrid::model::NgramModel;
    /// let m = NgramModel::from_parts("m", 8, 0.5, [0.0; 5], vec![0.0; 256 * 5]).unwrap();
    /// assert!(m.covers("tr"));
    /// let m = m.with_languages(&["en", "ar"]);
    /// assert!(m.covers("ar") && !m.covers("tr"));
    /// ```
    pub fn with_languages(mut self, languages: &[&str]) -> NgramModel {
        self.languages = languages.iter().map(|l| l.to_string()).collect();
        self
    }

    /// Whether the model counts for a text in language `lang` (see
    /// [`with_languages`](NgramModel::with_languages)).
    pub fn covers(&self, lang: &str) -> bool {
        self.languages.is_empty() || self.languages.iter().any(|l| l == lang)
    }

    /// The same model, counted only for texts of at least `n` words (at least 1): a word or
    /// two is too little for a bag of n-grams to judge a text by.
    ///
    /// ```
    /// use tahrid::model::NgramModel;
    /// let m = NgramModel::from_parts("m", 8, 0.5, [0.0; 5], vec![0.0; 256 * 5]).unwrap();
    /// assert_eq!(m.with_min_words(3).min_words(), 3);
    /// ```
    pub fn with_min_words(mut self, n: usize) -> NgramModel {
        self.min_words = n.max(1);
        self
    }

    /// The fewest words a text needs for the model to count.
    pub fn min_words(&self) -> usize {
        self.min_words
    }

    /// The languages the model counts for; empty: every language.
    pub fn languages(&self) -> &[String] {
        &self.languages
    }

    /// The same model with another operating threshold on the harmful mass, a value strictly
    /// between 0 and 1; any other value (0, 1, NaN, …) leaves the threshold as it was.
    ///
    /// ```
    /// let m = tahrid::model::NgramModel::embedded().clone().with_threshold(0.9);
    /// assert_eq!(m.threshold(), 0.9);
    /// assert_eq!(m.clone().with_threshold(1.5).threshold(), 0.9); // out of range: unchanged
    /// ```
    pub fn with_threshold(mut self, threshold: f32) -> NgramModel {
        if threshold > 0.0 && threshold < 1.0 {
            self.threshold = threshold;
        }
        self
    }

    /// The model's name, for reasons and reports.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Hash buckets: `2^bits`.
    pub fn bits(&self) -> u32 {
        self.bits
    }

    /// The operating threshold on the harmful probability mass: where the model's evidence
    /// reaches the verdict threshold.
    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    /// Where the weights came from and how they were measured.
    pub fn provenance(&self) -> &str {
        &self.provenance
    }

    /// The label probabilities of a text (folded with the default [`Normalizer`] first), in
    /// [`Label::ALL`] order. This reads every word; the tagger's stage blanks out the words of
    /// the lexicon's hits first (see [`mask`]).
    pub fn probabilities(&self, text: &str) -> [f32; 5] {
        let folded = Normalizer::default().fold_str(text);
        self.probabilities_folded(&folded)
    }

    /// The label probabilities of an already folded text, in [`Label::ALL`] order.
    ///
    /// ```
    /// use tahrid::model::NgramModel;
    /// let m = NgramModel::embedded();
    /// let folded = tahrid::normalize::Normalizer::default().fold_str("Some Text");
    /// assert_eq!(m.probabilities_folded(&folded), m.probabilities("Some Text"));
    /// ```
    pub fn probabilities_folded(&self, folded: &str) -> [f32; 5] {
        self.read(folded).0
    }

    /// The probabilities and the number of words of a folded text.
    fn read(&self, folded: &str) -> ([f32; 5], usize) {
        Scratch::with(|s| self.probabilities_with(folded, s))
    }

    fn probabilities_with(&self, folded: &str, s: &mut Scratch) -> ([f32; 5], usize) {
        let words = features_with(folded, self.bits, s);
        let mut logits = self.bias;
        for &(b, v) in &s.out {
            let row = &self.weights[b as usize * CLASSES..][..CLASSES];
            for (l, w) in logits.iter_mut().zip(row) {
                *l += v * w;
            }
        }
        (softmax(logits), words)
    }

    /// The model's evidence for its likeliest harmful label: the harmful mass `mass` mapped
    /// so that the model's threshold lands on the verdict threshold, damped by the text's
    /// `reporting` score as the rules' evidence is (see the [module docs](self)).
    ///
    /// ```
    /// use tahrid::classify::Weights;
    /// use tahrid::model::NgramModel;
    /// let m = NgramModel::embedded();
    /// let w = Weights::embedded();
    /// let at = m.evidence(m.threshold(), 0.0, w);
    /// assert!((at - w.threshold).abs() < 1e-6);
    /// assert!(m.evidence(m.threshold(), 0.5, w) < w.threshold); // reported: damped
    /// ```
    pub fn evidence(&self, mass: f32, reporting: f32, w: &Weights) -> f32 {
        let (t, big_t) = (self.threshold, w.threshold);
        let mass = mass.clamp(0.0, 1.0);
        let e = if mass < t {
            big_t * mass / t
        } else {
            big_t + (1.0 - big_t) * (mass - t) / (1.0 - t)
        };
        (e * (1.0 - w.damping * reporting)).clamp(0.0, 1.0)
    }

    /// Adds the model's opinion of `folded` to a rules report, in place (see the
    /// [module docs](self), step 4); `hits` are the folded spans of the report's hits, which
    /// the model does not read (see [`mask`]).
    pub(crate) fn combine(
        &self,
        report: &mut Report,
        folded: &str,
        hits: &[std::ops::Range<usize>],
        w: &Weights,
    ) {
        let rules_label = report.verdict.label;
        // where the model cannot count, it is not run
        let skip = if rules_label.is_harmful() {
            Some("the rules' verdict stands".to_string())
        } else if !self.covers(&report.lang) {
            Some(format!("trained on no benign `{}` text", report.lang))
        } else {
            None
        };
        if let Some(why) = skip {
            report
                .verdict
                .reasons
                .push(format!("n-gram model `{}`: not run: {why}", self.name));
            return;
        }
        let (p, words) = if hits.is_empty() {
            self.read(folded)
        } else {
            self.read(&mask(folded, hits))
        };
        let rules = report.verdict.scores;
        let mass: f32 = p[..3].iter().sum();
        let top = p[..3].iter().copied().fold(0.0f32, f32::max);
        let e = self.evidence(mass, rules.reporting, w);
        let long_enough = words >= self.min_words;
        let mut combined = rules;
        let mut raised = false;
        // the model adds what the rules miss; it does not relabel what they found
        if top > 0.0 && long_enough {
            for (l, &pl) in Label::ALL[..3].iter().zip(&p[..3]) {
                let el = e * pl / top;
                if el > combined.get(*l) {
                    combined.set(*l, el);
                    raised = true;
                }
            }
        }
        if !raised {
            // one short line: this runs on every text
            let why = if long_enough {
                String::new()
            } else {
                format!(
                    "; not counted: {words} words, fewer than {}",
                    self.min_words
                )
            };
            // (written by hand: `format!` with float precision was a visible share of a run)
            let mut line = String::with_capacity(64 + self.name.len() + why.len());
            line.push_str("n-gram model `");
            line.push_str(&self.name);
            line.push_str("`: harmful mass ");
            push_fixed2(&mut line, mass);
            line.push_str(" (threshold ");
            push_fixed2(&mut line, self.threshold);
            line.push(')');
            line.push_str(&why);
            report.verdict.reasons.push(line);
            return;
        }
        // the probabilities, the mass and the evidence (written by hand, as above)
        let mut line = String::with_capacity(200 + self.name.len());
        line.push_str("n-gram model `");
        line.push_str(&self.name);
        line.push_str("`: ");
        for (i, (l, x)) in Label::ALL.iter().zip(p).enumerate() {
            if i > 0 {
                line.push_str(", ");
            }
            line.push_str(l.as_str());
            line.push(' ');
            push_fixed2(&mut line, x);
        }
        line.push_str("; harmful mass ");
        push_fixed2(&mut line, mass);
        line.push_str(" (threshold ");
        push_fixed2(&mut line, self.threshold);
        line.push_str(") → evidence ");
        push_fixed2(&mut line, e);
        if rules.reporting > 0.0 {
            line.push_str(" after reporting damping (");
            push_fixed2(&mut line, rules.reporting);
            line.push(')');
        }
        let mut reasons: Vec<String> = std::mem::take(&mut report.verdict.reasons)
            .into_iter()
            .filter(|r| !r.starts_with(classify::NO_SCORE))
            .collect();
        reasons.push(line);
        let mut verdict = classify::decide(combined, report.has_subject(), w, reasons);
        if verdict.label != rules_label {
            verdict.reasons.push(format!(
                "the rules alone said {} {:.2}",
                rules_label.as_str(),
                report.verdict.score
            ));
        }
        verdict.model = report.verdict.model.take();
        report.verdict = verdict;
    }
}

impl TextModel for NgramModel {
    fn name(&self) -> &str {
        &self.name
    }

    /// Softmax probabilities per label (a [distribution](LabelScores::distribution)).
    fn score_batch(&self, texts: &[&str]) -> Result<Vec<LabelScores>, ModelError> {
        let norm = Normalizer::default();
        Ok(texts
            .iter()
            .map(|t| {
                let p = self.probabilities_folded(&norm.fold_str(t));
                Label::ALL
                    .iter()
                    .zip(p)
                    .fold(LabelScores::new(), |s, (l, x)| s.with(*l, x))
                    .distribution()
            })
            .collect())
    }
}
