//! The options a [`Transformer`] is built with, before anything is read from disk.
//!
//! [`TransformerBuilder`] only records choices; [`build`](TransformerBuilder::build) reads the
//! model directory and decides. Every option is an `Option` (or an empty list) so that the
//! builder can tell "not set" from "set to the default": an unset option falls back to the
//! model's own `tahrid-model.toml`, then to `models/transformer/defaults.toml`, and only a
//! value given here overrides both. Exemplars are the exception that adds rather than
//! overrides: those given here join the default bank and the descriptor's file. Fused BERT is
//! the one plain `bool`, on unless turned off, since it changes speed and not the numbers.
use std::path::PathBuf;

use super::embed::Exemplar;
use super::net::{ModelKind, Transformer};
use crate::classify::Label;
use crate::model::error::ModelError;

/// Builds a [`Transformer`]; see [`Transformer::builder`].
#[derive(Clone, Debug)]
pub struct TransformerBuilder {
    pub(super) dir: PathBuf,
    pub(super) kind: Option<ModelKind>,
    pub(super) name: Option<String>,
    pub(super) max_length: Option<usize>,
    pub(super) labels: Option<Vec<(String, Label)>>,
    pub(super) multi_label: Option<bool>,
    pub(super) exemplars: Vec<Exemplar>,
    pub(super) exemplar_paths: Vec<PathBuf>,
    pub(super) default_bank: Option<bool>,
    pub(super) head: Option<PathBuf>,
    pub(super) hypotheses: Option<Vec<(Label, String)>>,
    pub(super) k: Option<usize>,
    pub(super) temperature: Option<f32>,
    pub(super) fused: bool,
    pub(super) prefix: Option<String>,
}

impl TransformerBuilder {
    /// BERT models: run our own forward pass with libtorch's fused GELU and attention kernels
    /// (default) instead of rust-bert's; both give the same numbers to 1e-5 (tested).
    pub fn fused(mut self, yes: bool) -> Self {
        self.fused = yes;
        self
    }
    /// The kind of model (else the descriptor's `kind`, else inferred).
    pub fn kind(mut self, kind: ModelKind) -> Self {
        self.kind = Some(kind);
        self
    }
    /// The name in reports (else the descriptor's `name`, else the directory's name).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
    /// Tokens a text is cut to (the model's own limit, if lower, wins).
    pub fn max_length(mut self, n: usize) -> Self {
        self.max_length = Some(n);
        self
    }
    /// Text put before every text the model reads (in a zero-shot pair, before the text, not
    /// the hypothesis), e.g. e5's `"query: "`; else the descriptor's `prefix`, else none. A
    /// text cut to the token limit keeps its prefix.
    ///
    /// ```no_run
    /// use tahrid::model::transformer::Transformer;
    /// let model = Transformer::builder(".cache/multilingual-e5-small")
    ///     .prefix("query: ")
    ///     .build()?;
    /// # Ok::<(), tahrid::model::ModelError>(())
    /// ```
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }
    /// Classifier: map the model's label names (`id2label`) to tahrid labels. Model labels
    /// left out are ignored.
    pub fn labels<S: Into<String>>(mut self, map: impl IntoIterator<Item = (S, Label)>) -> Self {
        self.labels = Some(map.into_iter().map(|(s, l)| (s.into(), l)).collect());
        self
    }
    /// Classifier: independent sigmoid scores instead of a softmax.
    pub fn multi_label(mut self, yes: bool) -> Self {
        self.multi_label = Some(yes);
        self
    }
    /// Embedding: add exemplars to the bank.
    pub fn exemplars(mut self, exemplars: impl IntoIterator<Item = Exemplar>) -> Self {
        self.exemplars.extend(exemplars);
        self
    }
    /// Embedding: add exemplars from a JSONL file (see [`Exemplar::from_jsonl`]).
    pub fn exemplars_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.exemplar_paths.push(path.into());
        self
    }
    /// Embedding: include the default bank (tahrid's fixtures); on unless turned off.
    pub fn default_exemplars(mut self, yes: bool) -> Self {
        self.default_bank = Some(yes);
        self
    }
    /// Embedding: exemplars per label that a text's similarity averages over.
    pub fn k(mut self, k: usize) -> Self {
        self.k = Some(k);
        self
    }
    /// Embedding: softmax temperature of the exemplar similarities.
    pub fn temperature(mut self, t: f32) -> Self {
        self.temperature = Some(t);
        self
    }
    /// Embedding: a linear head (`weight` `[5, hidden]` and `bias` `[5]` in a safetensors
    /// file, rows in [`Label::ALL`] order) instead of nearest exemplars.
    pub fn head_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.head = Some(path.into());
        self
    }
    /// Zero-shot: the hypothesis of each label (labels left out are not scored).
    pub fn hypotheses<S: Into<String>>(
        mut self,
        hypotheses: impl IntoIterator<Item = (Label, S)>,
    ) -> Self {
        self.hypotheses = Some(hypotheses.into_iter().map(|(l, s)| (l, s.into())).collect());
        self
    }
}

impl Transformer {
    /// A builder for the model in `dir`.
    pub fn builder(dir: impl Into<PathBuf>) -> TransformerBuilder {
        TransformerBuilder {
            dir: dir.into(),
            kind: None,
            name: None,
            max_length: None,
            labels: None,
            multi_label: None,
            exemplars: Vec::new(),
            exemplar_paths: Vec::new(),
            default_bank: None,
            head: None,
            hypotheses: None,
            k: None,
            temperature: None,
            fused: true,
            prefix: None,
        }
    }

    /// Loads the model in `dir` with its descriptor and the defaults.
    pub fn load(dir: impl Into<PathBuf>) -> Result<Transformer, ModelError> {
        Transformer::builder(dir).build()
    }

    /// Whether our fused BERT forward pass runs instead of rust-bert's (see
    /// [`TransformerBuilder::fused`]).
    pub fn is_fused(&self) -> bool {
        self.lock().fused.is_some()
    }
}
