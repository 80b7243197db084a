//! What a loaded model is: the network, the variables it runs on, and the [`Transformer`] that
//! holds them with everything needed to turn its output into label scores.
//!
//! One type serves all three [`ModelKind`]s, because what differs between them is small: an
//! embedding model keeps a bare encoder ([`Net::Encoder`]) and pools its hidden states, while a
//! classifier or an NLI model keeps rust-bert's sequence-classification network
//! ([`Net::Classifier`]) and reads its logits. The per-kind state (the exemplar bank or head,
//! the output-to-label map, the hypotheses) sits in plain fields beside the network, and
//! [`TextModel::score_batch`] dispatches on the kind.
//!
//! libtorch tensors are `Send` but not `Sync`, so the network and its [`VarStore`] live behind
//! a mutex ([`Loaded`]); one model call holds the lock for its whole forward pass and lets
//! libtorch's own threads ([`set_threads`]) do the parallel work. tch reports libtorch failures
//! by panicking, so every forward pass runs inside [`guard`], which turns a panic into
//! [`ModelError::Inference`]: a bad batch costs that batch, not the process.
use std::sync::Mutex;

use rust_bert::bert::{BertEmbeddings, BertModel};
use rust_bert::distilbert::DistilBertModel;
use rust_bert::pipelines::sequence_classification::SequenceClassificationOption;
use rust_bert::roberta::RobertaEmbeddings;
use tch::{nn::VarStore, Kind, Tensor};
use tokenizers::Tokenizer;

use super::fused_bert::FusedBert;
use crate::classify::Label;
use crate::model::error::ModelError;
use crate::model::scores::{LabelScores, TextModel};

/// Sets the number of threads libtorch uses inside one model call (a process-wide setting).
pub fn set_threads(n: usize) {
    tch::set_num_threads(n.clamp(1, i32::MAX as usize) as i32);
}

/// What a [`Transformer`] does with its network; see the [module docs](crate::model::transformer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelKind {
    /// Sentence embeddings scored against labelled exemplars (or a linear head).
    Embedding,
    /// A fine-tuned sequence classifier with a label map.
    Classifier,
    /// An NLI model with a hypothesis per label.
    ZeroShot,
}

impl ModelKind {
    pub(super) fn parse(s: &str) -> Option<ModelKind> {
        match s {
            "embedding" => Some(ModelKind::Embedding),
            "classifier" => Some(ModelKind::Classifier),
            "zero-shot" | "zero_shot" => Some(ModelKind::ZeroShot),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Arch {
    Bert,
    DistilBert,
    Roberta,
}

/// One model input: a text, or a text and a hypothesis (zero-shot).
#[derive(Clone, Copy)]
pub(super) enum Input<'a> {
    Text(&'a str),
    Pair(&'a str, &'a str),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Pooling {
    Mean,
    Cls,
    Max,
}

pub(super) enum Encoder {
    Bert(BertModel<BertEmbeddings>),
    Roberta(BertModel<RobertaEmbeddings>),
    DistilBert(DistilBertModel),
}

pub(super) enum Net {
    Encoder(Box<Encoder>),
    Classifier(Box<SequenceClassificationOption>),
}

/// The network and its variables; tensors are `Send` but not `Sync`, hence the mutex around it.
pub(super) struct Loaded {
    pub(super) _vs: VarStore,
    pub(super) net: Net,
    /// Our fused forward pass over the same variables (BERT only), when enabled.
    pub(super) fused: Option<FusedBert>,
}

/// A linear head over sentence embeddings: `softmax(weight · e + bias)` over [`Label::ALL`].
#[derive(Clone, Debug)]
pub(super) struct Head {
    pub(super) weight: Vec<f32>,
    pub(super) bias: Vec<f32>,
}

/// A rust-bert model from a local directory; see the
/// [module docs](crate::model::transformer). Implements [`TextModel`], so
/// [`TaggerBuilder::model`](crate::TaggerBuilder::model) takes it.
pub struct Transformer {
    pub(super) name: String,
    pub(super) kind: ModelKind,
    pub(super) arch: Arch,
    pub(super) tokenizer: Tokenizer,
    /// The same tokenizer without truncation, for cutting long texts in the middle.
    pub(super) untruncated: Tokenizer,
    pub(super) max_length: usize,
    pub(super) special_tokens: usize,
    pub(super) pad_id: i64,
    pub(super) hidden: usize,
    pub(super) pooling: Pooling,
    /// Put before every input text (see `TransformerBuilder::prefix`).
    pub(super) prefix: String,
    pub(super) loaded: Mutex<Loaded>,
    // embedding kind
    pub(super) bank: Vec<(Label, Vec<f32>)>,
    pub(super) k: usize,
    pub(super) temperature: f32,
    pub(super) head: Option<Head>,
    // classifier and zero-shot: the model's output index -> tahrid label
    pub(super) outputs: Vec<Option<Label>>,
    pub(super) multi_label: bool,
    pub(super) hypotheses: Vec<(Label, String)>,
    pub(super) entailment: usize,
}

impl std::fmt::Debug for Transformer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transformer")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("arch", &self.arch)
            .field("hidden", &self.hidden)
            .field("exemplars", &self.bank.len())
            .field("head", &self.head.is_some())
            .field("fused", &self.lock().fused.is_some())
            .finish()
    }
}

impl Transformer {
    /// The model's kind.
    pub fn kind(&self) -> ModelKind {
        self.kind
    }

    /// The hidden size (the embedding dimension of an embedding model).
    pub fn hidden_size(&self) -> usize {
        self.hidden
    }

    /// Exemplars in the bank.
    pub fn exemplar_count(&self) -> usize {
        self.bank.len()
    }

    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, Loaded> {
        self.loaded.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl TextModel for Transformer {
    fn name(&self) -> &str {
        &self.name
    }

    fn score_batch(&self, texts: &[&str]) -> Result<Vec<LabelScores>, ModelError> {
        match self.kind {
            ModelKind::Embedding => self.score_embeddings(texts),
            ModelKind::Classifier => self.score_classifier(texts),
            ModelKind::ZeroShot => self.score_zero_shot(texts),
        }
    }
}

pub(super) fn softmax(values: &[f32], temperature: f32) -> Vec<f32> {
    let max = values.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exps: Vec<f32> = values
        .iter()
        .map(|v| ((v - max) / temperature).exp())
        .collect();
    let sum: f32 = exps.iter().sum();
    exps.iter().map(|e| e / sum).collect()
}

pub(super) fn to_rows(t: &Tensor) -> Result<Vec<Vec<f32>>, ModelError> {
    Vec::<Vec<f32>>::try_from(&t.to_kind(Kind::Float).contiguous())
        .map_err(|e| ModelError::Inference(e.to_string()))
}

/// Runs `f`, turning a panic (tch panics on libtorch errors) into an error.
pub(super) fn guard<T>(f: impl FnOnce() -> T) -> Result<T, ModelError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|p| {
        ModelError::Inference(
            p.downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "libtorch failed".into()),
        )
    })
}
