//! The verdict as it appears in the output record: a [`Label`], a score per label ([`Scores`]),
//! the reasons, and, when the cascade ran, the model's part in it ([`ModelOpinion`]).
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The five document labels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    /// Hate against a religious or sectarian group.
    SectarianHate,
    /// A call to violence.
    Incitement,
    /// Propaganda of an extremist group.
    ExtremistPropaganda,
    /// Reporting, analysis or counter-speech that mentions such terms.
    Reporting,
    /// None of the above.
    Neutral,
}

impl Label {
    /// Every label, in the order of [`Scores`].
    pub const ALL: [Label; 5] = [
        Label::SectarianHate,
        Label::Incitement,
        Label::ExtremistPropaganda,
        Label::Reporting,
        Label::Neutral,
    ];

    /// The label's name in the output record.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::SectarianHate => "sectarian_hate",
            Label::Incitement => "incitement",
            Label::ExtremistPropaganda => "extremist_propaganda",
            Label::Reporting => "reporting",
            Label::Neutral => "neutral",
        }
    }

    /// Whether the label calls for moderation (the first three).
    pub fn is_harmful(self) -> bool {
        matches!(
            self,
            Label::SectarianHate | Label::Incitement | Label::ExtremistPropaganda
        )
    }
}

/// A score in `[0, 1]` per label.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    /// Score for [`Label::SectarianHate`].
    pub sectarian_hate: f32,
    /// Score for [`Label::Incitement`].
    pub incitement: f32,
    /// Score for [`Label::ExtremistPropaganda`].
    pub extremist_propaganda: f32,
    /// Score for [`Label::Reporting`].
    pub reporting: f32,
    /// Score for [`Label::Neutral`].
    pub neutral: f32,
}

impl Scores {
    /// Sets the score of one label.
    pub fn set(&mut self, label: Label, value: f32) {
        match label {
            Label::SectarianHate => self.sectarian_hate = value,
            Label::Incitement => self.incitement = value,
            Label::ExtremistPropaganda => self.extremist_propaganda = value,
            Label::Reporting => self.reporting = value,
            Label::Neutral => self.neutral = value,
        }
    }

    /// The score of one label.
    pub fn get(&self, label: Label) -> f32 {
        match label {
            Label::SectarianHate => self.sectarian_hate,
            Label::Incitement => self.incitement,
            Label::ExtremistPropaganda => self.extremist_propaganda,
            Label::Reporting => self.reporting,
            Label::Neutral => self.neutral,
        }
    }
}

/// A document's verdict: the top label, all scores, and the reasons behind them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// The top label.
    pub label: Label,
    /// The top label's score.
    pub score: f32,
    /// Every label's score.
    pub scores: Scores,
    /// Human-readable reasons, naming the hits (by index) behind the scores.
    pub reasons: Vec<String>,
    /// What the model stage said, when the cascade sent the text to a model (extension; absent
    /// from the record otherwise). `scores` above are then the combined scores.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelOpinion>,
}

/// The model stage's contribution to a verdict; see [`crate::model`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelOpinion {
    /// The model's name.
    pub name: String,
    /// The model's weight in the combination (`combined = (1 − w)·rules + w·model`).
    pub weight: f32,
    /// The model's own score per label it knows.
    pub scores: BTreeMap<String, f32>,
    /// The rules' scores before the combination.
    pub rules: Scores,
    /// The rules' label before the combination.
    pub rules_label: Label,
}
