//! The lexicon's error type, also used by the context and classify stages for their own TOML data
//! files (cues, weights): every error names its file, and where it can, the entry and the field.
use std::path::PathBuf;

/// An invalid lexicon: reported when the lexicon is loaded, never at match time.
///
/// ```
/// use tahrid::lexicon::Lexicon;
///
/// let toml = r#"
/// [[entry]]
/// id = "x"
/// category = "slurs"
/// severity = 2
/// ambiguity = "low"
/// canonical = "x"
/// variants.en = ["xyz"]
/// "#;
/// let err = Lexicon::from_toml_str("mine.toml", toml).unwrap_err();
/// assert_eq!(err.to_string(),
///     "mine.toml: entry `x`: field `category`: unknown category `slurs` (expected one of sectarian_slur, takfir, incitement, slogan, organization, glorification, dehumanization)");
/// ```
#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    /// A file could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A file is not valid TOML or does not have the lexicon's shape.
    #[error("{file}: {message}")]
    Parse {
        /// The file.
        file: String,
        /// The parser's message, with line and column.
        message: String,
    },
    /// An entry breaks a rule of the schema.
    #[error("{file}: entry `{entry}`: field `{field}`: {message}")]
    Invalid {
        /// The file.
        file: String,
        /// The entry id (or `#N` for the N-th entry when the id itself is missing or invalid).
        entry: String,
        /// The field, as a path (`variants.ar[2]`).
        field: String,
        /// What is wrong.
        message: String,
    },
    /// The lexicon has no entries at all.
    #[error("{0}: the lexicon has no entries")]
    Empty(String),
}
