//! # tahrid
//!
//! tahrid (Arabic تحريض, "incitement") finds sectarian and incitement terminology in
//! multilingual text (English, Arabic, Persian/Dari, Pashto, Urdu, Russian, Tajik, Uzbek in
//! Latin and Cyrillic, Kyrgyz, Turkish) and classifies the text around it. Every hit carries its
//! lexicon entry, category, severity, ambiguity, language and byte offsets into the *original*
//! text, whatever evasion the text used.
//!
//! ```
//! use tahrid::Tagger;
//!
//! let tagger = Tagger::default();
//! let text = "الرَّافِضَةُ والـــروافض وr4f1d4h و ر ا ف ض ة";
//! let report = tagger.tag(text);
//! assert_eq!(report.hits.len(), 4);
//! for hit in &report.hits {
//!     assert_eq!(hit.entry, "rafidah");
//!     assert_eq!(&text[hit.start..hit.end], hit.text); // spans point at the original bytes
//! }
//! assert_eq!(report.hits[2].text, "r4f1d4h");
//! ```
//!
//! ## The pipeline
//! One module per stage; lower stages know nothing of higher ones.
//!
//! 1. [`normalize`]: fold the text (compatibility forms, case, marks, Arabic-script letters,
//!    invisible characters, homoglyphs, leetspeak, spaced letters, repeats) with an
//!    [`OffsetMap`](normalize::OffsetMap) back to the original bytes.
//! 2. `matcher` (internal): one Aho-Corasick automaton over every folded variant, then
//!    script-aware word boundaries with each language's prefixes and suffixes, and the entries'
//!    exclusion rules.
//! 3. [`context`]: each hit's role (use, mention, negated, counter) from cues around it,
//!    document cues, and composite rules (a violence verb near a target; a hostile predicate).
//! 4. [`classify`]: a verdict with scores per label and the reasons behind them; weights are
//!    data (`models/context/weights.toml`).
//! 5. [`model`] (optional): a cascade that sends the texts the rules flag to a model
//!    (rust-bert with the `transformer` feature) and combines both stages' scores.
//! 6. [`report`]: the serde output record.
//!
//! The data lives in `models/`: the lexicon (`models/lexicon/*.toml`, see [`lexicon`]) and the
//! folding tables (`models/normalize/*.tsv`). The default lexicon is embedded in the crate.

#![warn(missing_docs)]

pub mod batch;
pub mod classify;
pub mod context;
pub mod error;
pub mod lexicon;
mod matcher;
pub mod model;
pub mod normalize;
pub mod report;
pub mod script;
mod tagger;
mod toml_path;

pub use error::{Error, LexiconError};
pub use report::{CueHit, Hit, Label, ModelOpinion, Record, Report, Role, RuleHit, Verdict};
pub use tagger::{Explanation, Tagger, TaggerBuilder};
