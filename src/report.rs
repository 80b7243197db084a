//! Stage 5: the output record, exactly as in the design's contract (serde).
use serde::{Deserialize, Serialize};

use crate::context::CueKind;
use crate::lexicon::{Ambiguity, Category, Lang};

/// How a term is used in its text; decided by the context stage from the cues around it (see
/// [`context`](crate::context)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The text uses the term.
    Use,
    /// The text reports, quotes, attributes or defines the term.
    Mention,
    /// The term is negated.
    Negated,
    /// The text condemns the term or what it stands for.
    Counter,
}

/// One term found in a text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hit {
    /// The lexicon entry's id.
    pub entry: String,
    /// The entry's category.
    pub category: Category,
    /// The entry's severity, 1 to 3.
    pub severity: u8,
    /// The entry's ambiguity.
    pub ambiguity: Ambiguity,
    /// Language of the variant that matched.
    pub lang: Lang,
    /// Byte offset of the hit in the original text (a char boundary).
    pub start: usize,
    /// Byte offset of the end of the hit in the original text (a char boundary).
    pub end: usize,
    /// `original[start..end]`: the word(s) as the user wrote them, affixes included.
    pub text: String,
    /// How the term is used.
    pub role: Role,
    /// The lexicon variant that matched, as written in the lexicon (an extension of the
    /// design's record, for explanations).
    pub variant: String,
}

/// A context cue found in the text (an extension of the design's record, for explanations).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CueHit {
    /// What kind of cue.
    pub kind: CueKind,
    /// Byte offset in the original text.
    pub start: usize,
    /// Byte offset of the end in the original text.
    pub end: usize,
    /// `original[start..end]`.
    pub text: String,
}

/// A composite rule that fired: a violence verb near a target (`incitement`), or a hostile
/// predicate about a group (`hostile_predicate`). An extension of the design's record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleHit {
    /// `incitement` or `hostile_predicate`.
    pub rule: String,
    /// Byte offset in the original text.
    pub start: usize,
    /// Byte offset of the end in the original text.
    pub end: usize,
    /// `original[start..end]`.
    pub text: String,
    /// The role of the whole construction, like a hit's.
    pub role: Role,
}

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
    pub scores: std::collections::BTreeMap<String, f32>,
    /// The rules' scores before the combination.
    pub rules: Scores,
    /// The rules' label before the combination.
    pub rules_label: Label,
}

/// Everything tahrid says about one text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The text's language, guessed from its letters and its hits (BCP 47, `und` if unknown).
    pub lang: String,
    /// The verdict.
    pub verdict: Verdict,
    /// Every hit, ordered by start offset.
    pub hits: Vec<Hit>,
    /// Composite rules that fired (extension).
    #[serde(default)]
    pub rules: Vec<RuleHit>,
    /// Context cues found (extension).
    #[serde(default)]
    pub cues: Vec<CueHit>,
}

impl Report {
    /// Checks that this report belongs to `text`: every hit, cue and rule span is non-empty, on
    /// char boundaries inside the text, with `text == original[start..end]`; hits are ordered by
    /// start; scores lie in `[0, 1]`. tahrid's own tests and fuzz targets use it; a pipeline can
    /// use it to catch a report paired with the wrong text.
    ///
    /// ```
    /// use tahrid::Tagger;
    /// let text = "kill the r4f1d4h";
    /// let report = Tagger::default().tag(text);
    /// assert!(report.validate(text).is_ok());
    /// assert!(report.validate("another text").is_err());
    /// ```
    pub fn validate(&self, text: &str) -> Result<(), String> {
        let span = |what: String, start: usize, end: usize, span_text: &str| {
            if start >= end
                || end > text.len()
                || !text.is_char_boundary(start)
                || !text.is_char_boundary(end)
            {
                Err(format!(
                    "{what} {start}..{end} is empty or off the text's char boundaries (length {})",
                    text.len()
                ))
            } else if span_text != &text[start..end] {
                Err(format!("{what} text differs from original[{start}..{end}]"))
            } else {
                Ok(())
            }
        };
        let mut prev = 0;
        for h in &self.hits {
            span(format!("hit `{}`", h.entry), h.start, h.end, &h.text)?;
            if h.start < prev {
                return Err(format!("hit `{}` at {} is out of order", h.entry, h.start));
            }
            prev = h.start;
        }
        for c in &self.cues {
            span(format!("cue {}", c.kind.as_str()), c.start, c.end, &c.text)?;
        }
        for r in &self.rules {
            span(format!("rule `{}`", r.rule), r.start, r.end, &r.text)?;
        }
        let v = &self.verdict;
        let scores = [
            v.score,
            v.scores.sectarian_hate,
            v.scores.incitement,
            v.scores.extremist_propaganda,
            v.scores.reporting,
            v.scores.neutral,
        ];
        if scores.iter().any(|s| !(0.0..=1.0).contains(s)) {
            return Err(format!("a score is outside [0, 1]: {scores:?}"));
        }
        Ok(())
    }
}

/// One output record of a batch run: an id, and a report or an error.
///
/// Serializes as the design's record: `{"id":…,"lang":…,"verdict":…,"hits":[…],"error":null}`,
/// or `{"id":…,"error":"…"}` for a record that could not be processed.
///
/// ```
/// use tahrid::{Record, Tagger};
/// let tagger = Tagger::default();
/// let ok = Record::ok("7", tagger.tag("hello"));
/// let json = serde_json::to_string(&ok).unwrap();
/// assert!(json.starts_with(r#"{"id":"7","lang":"en","verdict":{"label":"neutral""#));
/// let bad = Record::error(3, "line 3: invalid JSON");
/// assert_eq!(serde_json::to_string(&bad).unwrap(), r#"{"id":3,"error":"line 3: invalid JSON"}"#);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The input record's id, as given (a string or a number), or a position when it had none.
    pub id: serde_json::Value,
    /// The report, absent when the record could not be processed.
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub report: Option<Report>,
    /// Why the record could not be processed; `null` when it was.
    pub error: Option<String>,
}

impl Record {
    /// A record for a processed input.
    pub fn ok(id: impl Into<serde_json::Value>, report: Report) -> Record {
        Record {
            id: id.into(),
            report: Some(report),
            error: None,
        }
    }

    /// A record for an input that could not be processed.
    pub fn error(id: impl Into<serde_json::Value>, message: impl Into<String>) -> Record {
        Record {
            id: id.into(),
            report: None,
            error: Some(message.into()),
        }
    }
}
