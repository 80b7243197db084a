//! What a model says about a text, and the trait a model implements to say it.
//!
//! A model answers with [`LabelScores`]: a score in `[0, 1]` for each label it knows and
//! nothing for the others, so a model that only knows "hate or not" can leave incitement to the
//! rules. Scores are of two shapes. Independent scores (a sigmoid per label) are combined with
//! the rules label by label. A probability distribution (a softmax, marked with
//! [`LabelScores::distribution`]) spreads one belief over the labels, so a model sure a text is
//! harmful but torn between incitement and hate would look unsure of both; the cascade
//! therefore gives the whole harmful mass to the likeliest harmful label and the others in
//! proportion ([`LabelScores::harmful_evidence`]) before combining.
//!
//! [`TextModel`] is the whole contract a model signs: a name for reports and a batch call that
//! returns one `LabelScores` per text, the same scores whatever else is in the batch.
use std::sync::Arc;

use super::error::ModelError;
use crate::classify::Label;

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
