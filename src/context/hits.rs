//! What the matcher and the context stage find in a text, as it appears in the output record:
//! [`Hit`]s with their [`Role`], [`CueHit`]s of each [`CueKind`] and [`RuleHit`]s. All spans are byte offsets into the
//! original text.
use serde::{Deserialize, Serialize};

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

/// A composite rule that fired: a violence verb near a target (`incitement`), a hostile
/// predicate about a group (`hostile_predicate`), or a first-person subject right before a
/// slur (`self_designation`: the speaker names their own group, which counts as no harm). An
/// extension of the design's record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleHit {
    /// `incitement`, `hostile_predicate` or `self_designation`.
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

/// Kinds of context cue; see `models/context/cues.toml`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CueKind {
    /// Someone else is said to say it.
    Attribution,
    /// News or analysis register.
    Reporting,
    /// How opponents name IS.
    Outsider,
    /// A term is defined or labelled a slur.
    Definition,
    /// The text condemns.
    Condemnation,
    /// A negation.
    Negation,
    /// Self-designation and devotion of IS.
    Honorific,
    /// An imperative or exhortation to violence.
    Violence,
    /// A neutral name of a religious or ethnic group (a target).
    Group,
    /// A dehumanizing or hostile predicate.
    Insult,
    /// An excommunicating predicate ("infidels", "apostates", "not Muslims").
    Takfir,
    /// "I hate".
    HateVerb,
    /// A first-person subject ("I am", "we are", انا, نحن): right before a slur, the speaker
    /// names their own group (a `self_designation` rule, which is not counted as harm).
    FirstPerson,
}

impl CueKind {
    /// Every kind, in file order.
    pub const ALL: [CueKind; 13] = [
        CueKind::Attribution,
        CueKind::Reporting,
        CueKind::Outsider,
        CueKind::Definition,
        CueKind::Condemnation,
        CueKind::Negation,
        CueKind::Honorific,
        CueKind::Violence,
        CueKind::Group,
        CueKind::Insult,
        CueKind::Takfir,
        CueKind::HateVerb,
        CueKind::FirstPerson,
    ];

    /// The kind's name in `cues.toml` and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            CueKind::Attribution => "attribution",
            CueKind::Reporting => "reporting",
            CueKind::Outsider => "outsider",
            CueKind::Definition => "definition",
            CueKind::Condemnation => "condemnation",
            CueKind::Negation => "negation",
            CueKind::Honorific => "honorific",
            CueKind::Violence => "violence",
            CueKind::Group => "group",
            CueKind::Insult => "insult",
            CueKind::Takfir => "takfir",
            CueKind::HateVerb => "hate_verb",
            CueKind::FirstPerson => "first_person",
        }
    }
}
