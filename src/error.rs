//! The crate's top-level error, [`Error`], returned by [`TaggerBuilder::build`](crate::TaggerBuilder::build).
//!
//! Each stage owns its own error type: [`DataError`] (normalization tables, in
//! [`normalize`](crate::normalize)), [`LexiconError`] (lexicon, cue and weight files, in
//! [`lexicon`](crate::lexicon)) and [`ModelError`](crate::model::ModelError) (the cascade and its
//! models, in [`model`](crate::model)). This module sits at the top of the dependency graph and
//! wraps them; no stage imports it. Every error names where it comes from: a data file and line,
//! or a lexicon file, entry id and field.

pub use crate::lexicon::LexiconError;
pub use crate::normalize::DataError;

/// Errors from building a [`Tagger`](crate::Tagger).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The lexicon is invalid.
    #[error(transparent)]
    Lexicon(#[from] LexiconError),
    /// A normalization table is invalid.
    #[error(transparent)]
    Data(#[from] DataError),
    /// The cascade policy or the model stage is invalid.
    #[error(transparent)]
    Model(#[from] crate::model::ModelError),
    /// The matching automaton could not be built (for instance, too many patterns).
    #[error("cannot build the matcher: {0}")]
    Automaton(String),
}

impl From<crate::matcher::AutomatonError> for Error {
    fn from(e: crate::matcher::AutomatonError) -> Self {
        Error::Automaton(e.0)
    }
}
