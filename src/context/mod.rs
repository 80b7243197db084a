//! Stage 4: context. Tells use from mention, finds document-level signals, and applies the
//! composite rules (a violence verb near a target, a hostile predicate about a group).
//!
//! The matcher finds terms; this stage decides what the text does with them. Each [`Hit`] gets
//! a [`Role`] from the context cues around it, every cue found is reported as a [`CueHit`] of
//! its [`CueKind`], and composite rules report, as [`RuleHit`]s, harm that no single term
//! carries.
//!
//! ```
//! use tahrid::context::{CueKind, Role};
//! use tahrid::Tagger;
//!
//! let tagger = Tagger::default();
//! let report = tagger.tag("We condemn those who say: kill the Shia");
//! // the condemnation near it makes the incitement phrase a counter-statement
//! assert_eq!(report.hits[0].role, Role::Counter);
//! assert_eq!(report.cues[0].kind, CueKind::Condemnation);
//! assert_eq!(report.cues[0].text, "We condemn");
//! // a violence verb and a group name: the composite rule fires, with the same role
//! assert_eq!(report.rules[0].rule, "incitement");
//! assert_eq!(report.rules[0].text, "kill the Shia");
//! assert_eq!(report.rules[0].role, Role::Counter);
//!
//! let report = tagger.tag("The report said the militants called them rafidah.");
//! assert_eq!(report.hits[0].entry, "rafidah");
//! assert_eq!(report.hits[0].role, Role::Mention); // attributed: "said", "called them"
//!
//! // the speaker names their own group: tagged, and not counted as harm
//! let report = tagger.tag("Yes, I am a rafidi.");
//! assert_eq!(report.hits[0].entry, "rafidah");
//! assert_eq!(report.rules[0].rule, "self_designation");
//! assert_eq!(report.verdict.label, tahrid::Label::Neutral);
//! // ...unlike a first person who names others
//! let report = tagger.tag("I am sick of the rafidah.");
//! assert_eq!(report.verdict.label, tahrid::Label::SectarianHate);
//! // a first person is reported as a cue only where it makes a self-designation
//! assert!(report.cues.iter().all(|c| c.kind != CueKind::FirstPerson));
//! assert!(tagger.tag("I am going home").cues.is_empty());
//! ```
//!
//! # How it works
//! 1. **Cues.** Context cues are data (`models/context/cues.toml`, see [`Cues`]): phrases per
//!    kind and language, folded like the text and found with one Aho-Corasick automaton in the
//!    folded text the matcher saw. A document reads the cues of the languages its letters allow:
//!    Persian text does not read Urdu or Arabic cues that are other words in Persian. A cue
//!    must stand on word boundaries, Arabic-script clitics allowed (`وبحسب`).
//! 2. **Words.** The folded text is cut into words and sentences (`.`, `!`, `?`, `؟`, `۔`, `;`,
//!    `؛`, line breaks), and every cue and hit gets a word index, so that "near" means "in the
//!    same sentence, within N words" whatever the script. Quotation marks are paired into
//!    quoted spans.
//! 3. **Roles.** A hit's [`Role`] is
//!    - `counter` if a condemnation cue is near ("we condemn", ندين, осуждаем);
//!    - `negated` if it is an incitement term with a negation just before it ("don't kill");
//!    - `mention` if an attribution or definition cue is near ("said", بحسب, по данным,
//!      "a derogatory term"), or it stands inside quotation marks in a document that reports
//!      (reporting-register words such as "militants" or "propaganda" count for the document,
//!      not for the roles of the hits near them);
//!    - `use` otherwise.
//! 4. **Composite rules.** A violence cue (an imperative such as "kill", اقتلوا, убивайте) with
//!    a target within a few words (a group name such as "Shia" or a slur hit) is incitement; a
//!    hate verb followed by a target ("I hate X"), or a target followed by an insult ("X are
//!    dogs") or, within a few words, by a takfir predicate ("X are apostates"), is a hostile
//!    predicate. Composites get roles by the same rules. A group name alone is never harmful.
//!    A first-person subject right before a slur that ends its clause ("I am a rafidi", انا
//!    رافضي, я рафидит), with nothing between them but group names, other slurs and an
//!    article, is a `self_designation`: the speaker names their own group with the outsiders'
//!    word, and the classifier counts the slurs inside it as no harm (nor as support for
//!    ambiguous terms). Persian, Urdu, Turkish and Latin
//!    Uzbek have no first-person cue: their pronouns (من, میں, ben, men) are other words in
//!    languages whose documents read those lists.
//!
//! Every lookup reads only the cues in a window of words around the position it asks about, so
//! the stage is linear in the number of hits and cues; a document with neither hits nor a cue
//! that starts a composite rule is not cut into words at all.
mod analysis;
mod cues;
mod hits;
mod words;

pub(crate) use analysis::{analyze, HitIn, Reach};
pub use cues::Cues;
pub use hits::{CueHit, CueKind, Hit, Role, RuleHit};
