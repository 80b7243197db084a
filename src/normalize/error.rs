//! The normalization stage's error: a malformed line in one of its data files.

/// A malformed line in a normalization data file (`models/normalize/*.tsv`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct DataError {
    /// The data file's name.
    pub file: String,
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}
