//! The one error type of the model stage.
//!
//! Everything that can go wrong between a policy file and a model's answer is a
//! [`ModelError`]: a file that cannot be read ([`Io`](ModelError::Io)), a configuration that
//! parses but says something impossible ([`Config`](ModelError::Config), whose message always
//! names the file and, where there is one, the field), weights or a tokenizer the loader
//! rejects ([`Load`](ModelError::Load)), and a model that fails on a batch
//! ([`Inference`](ModelError::Inference)). The cascade never lets an inference error escape: it
//! writes it into the `reasons` of the texts in that batch and keeps the rules' verdicts. Load
//! and configuration errors surface when a policy or a model is built, before any text is
//! tagged.
use std::path::PathBuf;

/// Errors from loading or running a model, or from a cascade policy file.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// A file could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A configuration file (policy, model descriptor, `config.json`, label map) is invalid.
    #[error("{file}: {message}")]
    Config {
        /// The file.
        file: String,
        /// What is wrong, naming the field.
        message: String,
    },
    /// Model weights or a tokenizer could not be loaded.
    #[error("{path}: cannot load: {message}")]
    Load {
        /// The file or directory.
        path: PathBuf,
        /// The loader's message.
        message: String,
    },
    /// The model failed on a batch.
    #[error("inference failed: {0}")]
    Inference(String),
}
