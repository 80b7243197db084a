//! Stage 6: the output record, exactly as in the design's contract (serde).
//!
//! ```
//! use tahrid::{Record, Tagger};
//!
//! let text = "والـــروافض";
//! let report = Tagger::default().tag(text);
//! assert!(report.validate(text).is_ok()); // every span points at the original bytes
//! let json = serde_json::to_string(&Record::ok("post-1", report)).unwrap();
//! assert!(json.starts_with(r#"{"id":"post-1","lang":"ar","verdict":{"label":"#));
//! assert!(json.contains(r#""entry":"rafidah""#) && json.ends_with(r#""error":null}"#));
//! ```
//!
//! A [`Report`] gathers what the stages before it found: the hits, cues and composite rules of
//! [`context`](crate::context), and the [`Verdict`] of [`classify`](crate::classify). A
//! [`Record`] is one line of a batch run's output: an id and a report, or an error. The types of
//! the earlier stages are re-exported here, so that everything in the output record can be named
//! from one module.
use serde::{Deserialize, Serialize};

pub use crate::classify::{Label, ModelOpinion, Scores, Verdict};
pub use crate::context::{CueHit, Hit, Role, RuleHit};

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
    /// Whether the text has something to report on: a hit, a composite rule, or a group name
    /// or outsider naming among its cues (what lets a verdict be `reporting`; see
    /// [`classify`](crate::classify)). The model stages decide again with it.
    pub(crate) fn has_subject(&self) -> bool {
        !self.hits.is_empty()
            || !self.rules.is_empty()
            || self.cues.iter().any(|c| {
                matches!(
                    c.kind,
                    crate::context::CueKind::Group | crate::context::CueKind::Outsider
                )
            })
    }

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
