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
//! One module per stage, in the order a text goes through them. [`Tagger`] wires them together;
//! [`batch`] runs a tagger over a stream of records.
//!
//! 1. [`normalize`]: fold the text (compatibility forms, case, marks, Arabic-script letters,
//!    invisible characters, homoglyphs, leetspeak, spaced letters, repeats) with an
//!    [`OffsetMap`](normalize::OffsetMap) back to the original bytes.
//! 2. [`lexicon`]: the terms to find, loaded from TOML and validated; its variants are folded
//!    by the same normalizer as the text.
//! 3. [`matcher`]: one Aho-Corasick automaton over every folded variant, then script-aware word
//!    boundaries with each language's prefixes and suffixes, and the entries' exclusion rules.
//!    It has no public items; its page explains how matching works.
//! 4. [`context`]: each hit's [`Role`] (use, mention, negated, counter) from the cues around
//!    it, document cues, and composite rules (a violence verb near a target; a hostile
//!    predicate).
//! 5. [`classify`]: a [`Verdict`] with scores per label and the reasons behind them; weights
//!    are data (`models/context/weights.toml`).
//! 6. [`report`]: the serde output record ([`Report`], [`Record`]).
//! 7. [`model`] (optional): learned stages. [`model::ngram`], a linear model over character
//!    n-grams of the folded text, trained on labelled data and embedded
//!    (`models/ngram/`), adds its evidence to every text's verdict at about the rules' cost
//!    ([`TaggerBuilder::ngram`]). A cascade sends the rules' uncertain reports to a larger
//!    model (rust-bert with the `transformer` feature) and combines both stages' scores.
//!
//! ## Dependencies
//! Imports run one way, down the pipeline: a module may import the modules listed before it,
//! never one after it, and no two source files import each other, directly or in a circle.
//! `scripts/deps.py` checks this in CI.
//!
//! ```text
//!  script, toml_path        utilities: script classes and the language guess, TOML paths
//!  normalize                <- script
//!  lexicon                  <- normalize, script
//!  matcher (internal)       <- lexicon, normalize, script
//!  context                  <- lexicon, normalize, script
//!  classify                 <- context, lexicon, toml_path
//!  report                   <- classify, context           (re-exports their record types)
//!  model                    <- report, classify, context, normalize, toml_path
//!  error                    <- model, matcher, lexicon, normalize   (wraps each stage's error)
//!  Tagger (tagger.rs)       <- every stage and error
//!  batch                    <- Tagger, report
//! ```
//!
//! Each stage owns its error type ([`normalize::DataError`], [`LexiconError`],
//! [`model::ModelError`]) and the record types it produces ([`Hit`] and [`CueHit`] in
//! [`context`], [`Verdict`] in [`classify`]); [`Error`] wraps the stage errors at the top.
//!
//! The data lives in `models/`: the lexicon (`models/lexicon/*.toml`, see [`lexicon`]), the
//! folding tables (`models/normalize/*.tsv`), the context cues and weights
//! (`models/context/`), the cascade policy (`models/cascade/`) and the n-gram model's weights
//! (`models/ngram/`). The default data is embedded
//! in the crate.

#![warn(missing_docs)]

pub mod batch;
pub mod classify;
pub mod context;
pub mod error;
pub mod lexicon;
pub mod matcher;
pub mod model;
pub mod normalize;
pub mod report;
pub mod script;
mod tagger;
mod toml_path;

pub use error::{Error, LexiconError};
pub use report::{CueHit, Hit, Label, ModelOpinion, Record, Report, Role, RuleHit, Verdict};
pub use tagger::{Explanation, Tagger, TaggerBuilder};
