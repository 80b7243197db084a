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
//! `tahrid-model.toml` (same keys, plus `kind`, `name`, `labels`), then the builder. Without a
//! `kind`, a `*ForSequenceClassification` model whose labels include `entailment` is zero-shot,
//! another is a classifier, and anything else an embedding model.
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
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rust_bert::bert::{BertConfig, BertEmbeddings, BertForSequenceClassification, BertModel};
use rust_bert::distilbert::{DistilBertConfig, DistilBertModel, DistilBertModelClassifier};
use rust_bert::pipelines::sequence_classification::SequenceClassificationOption;
use rust_bert::roberta::{RobertaEmbeddings, RobertaForSequenceClassification};
use tch::{nn::VarStore, Device, Kind, Tensor};
use tokenizers::{Tokenizer, TruncationParams};
use toml::{Table, Value};

use super::fused_bert::FusedBert;
use super::{LabelScores, ModelError, TextModel};
use crate::classify::Label;

const DEFAULTS_TOML: &str = include_str!("../../models/transformer/defaults.toml");
/// The default exemplar bank: `fixtures/functional/*.jsonl`, embedded by `build.rs`.
const DEFAULT_BANK: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_exemplars.rs"));

/// Sets the number of threads libtorch uses inside one model call (a process-wide setting).
pub fn set_threads(n: usize) {
    tch::set_num_threads(n.clamp(1, i32::MAX as usize) as i32);
}

/// What a [`Transformer`] does with its network; see the [module docs](self).
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
    fn parse(s: &str) -> Option<ModelKind> {
        match s {
            "embedding" => Some(ModelKind::Embedding),
            "classifier" => Some(ModelKind::Classifier),
            "zero-shot" | "zero_shot" => Some(ModelKind::ZeroShot),
            _ => None,
        }
    }
}

/// A labelled example text for the exemplar bank.
#[derive(Clone, Debug, PartialEq)]
pub struct Exemplar {
    /// The text.
    pub text: String,
    /// Its label.
    pub label: Label,
}

impl Exemplar {
    /// Reads exemplars from JSON lines with `text` and `label` fields (other fields are
    /// ignored; blank lines are skipped), as in `fixtures/functional/*.jsonl`.
    ///
    /// ```
    /// use tahrid::model::transformer::Exemplar;
    /// let ex = Exemplar::from_jsonl("x.jsonl", r#"{"text": "hello", "label": "neutral"}"#).unwrap();
    /// assert_eq!(ex[0].text, "hello");
    /// let err = Exemplar::from_jsonl("x.jsonl", r#"{"text": "hi", "label": "rude"}"#).unwrap_err();
    /// assert_eq!(err.to_string(), "x.jsonl: line 1: unknown label `rude`");
    /// ```
    pub fn from_jsonl(file: &str, text: &str) -> Result<Vec<Exemplar>, ModelError> {
        let err = |line: usize, message: String| ModelError::Config {
            file: file.to_string(),
            message: format!("line {line}: {message}"),
        };
        let mut out = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let v: serde_json::Value =
                serde_json::from_str(line).map_err(|e| err(i + 1, e.to_string()))?;
            let field = |name: &str| {
                v.get(name)
                    .and_then(|x| x.as_str())
                    .ok_or_else(|| err(i + 1, format!("no string field `{name}`")))
            };
            let text = field("text")?;
            let label = field("label")?;
            let label =
                parse_label(label).ok_or_else(|| err(i + 1, format!("unknown label `{label}`")))?;
            out.push(Exemplar {
                text: text.to_string(),
                label,
            });
        }
        Ok(out)
    }

    /// The default bank: tahrid's functional fixtures.
    pub fn defaults() -> Vec<Exemplar> {
        DEFAULT_BANK
            .iter()
            .flat_map(|(name, text)| {
                Exemplar::from_jsonl(name, text).expect("the fixtures are valid (checked by tests)")
            })
            .collect()
    }
}

fn parse_label(s: &str) -> Option<Label> {
    Label::ALL.into_iter().find(|l| l.as_str() == s)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Arch {
    Bert,
    DistilBert,
    Roberta,
}

/// One model input: a text, or a text and a hypothesis (zero-shot).
#[derive(Clone, Copy)]
enum Input<'a> {
    Text(&'a str),
    Pair(&'a str, &'a str),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pooling {
    Mean,
    Cls,
    Max,
}

enum Encoder {
    Bert(BertModel<BertEmbeddings>),
    Roberta(BertModel<RobertaEmbeddings>),
    DistilBert(DistilBertModel),
}

enum Net {
    Encoder(Box<Encoder>),
    Classifier(Box<SequenceClassificationOption>),
}

/// The network and its variables; tensors are `Send` but not `Sync`, hence the mutex around it.
struct Loaded {
    _vs: VarStore,
    net: Net,
    /// Our fused forward pass over the same variables (BERT only), when enabled.
    fused: Option<FusedBert>,
}

/// A linear head over sentence embeddings: `softmax(weight · e + bias)` over [`Label::ALL`].
#[derive(Clone, Debug)]
struct Head {
    weight: Vec<f32>,
    bias: Vec<f32>,
}

/// A rust-bert model from a local directory; see the [module docs](self). Implements
/// [`TextModel`], so [`TaggerBuilder::model`](crate::TaggerBuilder::model) takes it.
pub struct Transformer {
    name: String,
    kind: ModelKind,
    arch: Arch,
    tokenizer: Tokenizer,
    /// The same tokenizer without truncation, for cutting long texts in the middle.
    untruncated: Tokenizer,
    max_length: usize,
    special_tokens: usize,
    pad_id: i64,
    hidden: usize,
    pooling: Pooling,
    loaded: Mutex<Loaded>,
    // embedding kind
    bank: Vec<(Label, Vec<f32>)>,
    k: usize,
    temperature: f32,
    head: Option<Head>,
    // classifier and zero-shot: the model's output index -> tahrid label
    outputs: Vec<Option<Label>>,
    multi_label: bool,
    hypotheses: Vec<(Label, String)>,
    entailment: usize,
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

/// Builds a [`Transformer`]; see [`Transformer::builder`].
#[derive(Clone, Debug)]
pub struct TransformerBuilder {
    dir: PathBuf,
    kind: Option<ModelKind>,
    name: Option<String>,
    max_length: Option<usize>,
    labels: Option<Vec<(String, Label)>>,
    multi_label: Option<bool>,
    exemplars: Vec<Exemplar>,
    exemplar_paths: Vec<PathBuf>,
    default_bank: Option<bool>,
    head: Option<PathBuf>,
    hypotheses: Option<Vec<(Label, String)>>,
    k: Option<usize>,
    temperature: Option<f32>,
    fused: bool,
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

    /// Loads the tokenizer, the configuration and the weights, and embeds the exemplar bank.
    pub fn build(self) -> Result<Transformer, ModelError> {
        let dir = self.dir.clone();
        let settings = Settings::load(&dir)?;
        let config_path = dir.join("config.json");
        let config_text = read(&config_path)?;
        let config: serde_json::Value = serde_json::from_str(&config_text)
            .map_err(|e| config_err(&config_path, e.to_string()))?;
        let model_type = config
            .get("model_type")
            .and_then(|v| v.as_str())
            .ok_or_else(|| config_err(&config_path, "no `model_type`".into()))?;
        let arch = match model_type {
            "bert" => Arch::Bert,
            "distilbert" => Arch::DistilBert,
            "roberta" | "xlm-roberta" | "camembert" => Arch::Roberta,
            other => {
                return Err(config_err(
                    &config_path,
                    format!("model_type `{other}` is not supported (bert, distilbert, roberta, xlm-roberta)"),
                ))
            }
        };
        let id2label = id2label(&config);
        let is_classifier = config
            .get("architectures")
            .and_then(|a| a.as_array())
            .is_some_and(|a| {
                a.iter().any(|x| {
                    x.as_str()
                        .is_some_and(|s| s.ends_with("ForSequenceClassification"))
                })
            });
        let entail_name = settings
            .str("zero_shot.entailment")?
            .unwrap_or("entailment".into());
        let entailment = id2label
            .iter()
            .position(|l| l.eq_ignore_ascii_case(&entail_name));
        let kind = match (self.kind, settings.str("kind")?) {
            (Some(k), _) => k,
            (None, Some(k)) => ModelKind::parse(&k).ok_or_else(|| {
                config_err(
                    &settings.source,
                    format!("field `kind`: unknown kind `{k}` (embedding, classifier, zero-shot)"),
                )
            })?,
            (None, None) if is_classifier && entailment.is_some() => ModelKind::ZeroShot,
            (None, None) if is_classifier => ModelKind::Classifier,
            (None, None) => ModelKind::Embedding,
        };
        let name = match (self.name, settings.str("name")?) {
            (Some(n), _) | (None, Some(n)) => n,
            (None, None) => dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "transformer".into()),
        };

        // tokenizer: the model's own tokenizer.json, cut to our length, padded by us
        let max_positions = config
            .get("max_position_embeddings")
            .and_then(|v| v.as_u64())
            .unwrap_or(512) as usize;
        let model_limit = match arch {
            Arch::Roberta => max_positions.saturating_sub(2),
            _ => max_positions,
        };
        let wanted = match self.max_length {
            Some(n) => n,
            None => settings.usize("max_length")?.unwrap_or(256),
        };
        let max_length = wanted.min(model_limit).max(2);
        let tok_path = dir.join("tokenizer.json");
        if !tok_path.exists() {
            return Err(ModelError::Load {
                path: tok_path,
                message: "no tokenizer.json (every Hugging Face model ships one; export it with `tokenizer.save_pretrained`)".into(),
            });
        }
        let mut tokenizer = Tokenizer::from_file(&tok_path).map_err(|e| ModelError::Load {
            path: tok_path.clone(),
            message: e.to_string(),
        })?;
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length,
                ..Default::default()
            }))
            .map_err(|e| ModelError::Load {
                path: tok_path.clone(),
                message: e.to_string(),
            })?;
        tokenizer.with_padding(None);
        let mut untruncated = tokenizer.clone();
        untruncated
            .with_truncation(None)
            .map_err(|e| ModelError::Load {
                path: tok_path.clone(),
                message: e.to_string(),
            })?;
        let special_tokens = tokenizer
            .get_post_processor()
            .map(|p| tokenizers::PostProcessor::added_tokens(p, false))
            .unwrap_or(0);
        let pad_id = config
            .get("pad_token_id")
            .and_then(|v| v.as_i64())
            .unwrap_or(if arch == Arch::Roberta { 1 } else { 0 });

        // network
        let weights = ["model.safetensors", "rust_model.ot"]
            .iter()
            .map(|f| dir.join(f))
            .find(|p| p.exists())
            .ok_or_else(|| ModelError::Load {
                path: dir.clone(),
                message: "no model.safetensors or rust_model.ot".into(),
            })?;
        let mut vs = VarStore::new(Device::Cpu);
        let bad_config = |e: &dyn std::fmt::Display| config_err(&config_path, e.to_string());
        let net = guard(|| -> Result<Net, ModelError> {
            let p = vs.root();
            Ok(match (kind, arch) {
                (ModelKind::Embedding, Arch::Bert) => {
                    let c: BertConfig =
                        serde_json::from_str(&config_text).map_err(|e| bad_config(&e))?;
                    Net::Encoder(Box::new(Encoder::Bert(
                        BertModel::new_with_optional_pooler(&p, &c, false),
                    )))
                }
                (ModelKind::Embedding, Arch::Roberta) => {
                    let c: BertConfig =
                        serde_json::from_str(&config_text).map_err(|e| bad_config(&e))?;
                    Net::Encoder(Box::new(Encoder::Roberta(
                        BertModel::new_with_optional_pooler(&p, &c, false),
                    )))
                }
                (ModelKind::Embedding, Arch::DistilBert) => {
                    let c: DistilBertConfig =
                        serde_json::from_str(&config_text).map_err(|e| bad_config(&e))?;
                    Net::Encoder(Box::new(Encoder::DistilBert(DistilBertModel::new(&p, &c))))
                }
                (_, Arch::Bert) => {
                    let c: BertConfig =
                        serde_json::from_str(&config_text).map_err(|e| bad_config(&e))?;
                    Net::Classifier(Box::new(SequenceClassificationOption::Bert(
                        BertForSequenceClassification::new(&p, &c).map_err(|e| bad_config(&e))?,
                    )))
                }
                (_, Arch::Roberta) => {
                    let c: BertConfig =
                        serde_json::from_str(&config_text).map_err(|e| bad_config(&e))?;
                    Net::Classifier(Box::new(SequenceClassificationOption::Roberta(
                        RobertaForSequenceClassification::new(&p, &c)
                            .map_err(|e| bad_config(&e))?,
                    )))
                }
                (_, Arch::DistilBert) => {
                    let c: DistilBertConfig =
                        serde_json::from_str(&config_text).map_err(|e| bad_config(&e))?;
                    Net::Classifier(Box::new(SequenceClassificationOption::DistilBert(
                        DistilBertModelClassifier::new(&p, &c).map_err(|e| bad_config(&e))?,
                    )))
                }
            })
        })??;
        vs.load(&weights).map_err(|e| ModelError::Load {
            path: weights.clone(),
            message: e.to_string(),
        })?;
        let hidden = config
            .get(if arch == Arch::DistilBert {
                "dim"
            } else {
                "hidden_size"
            })
            .and_then(|v| v.as_u64())
            .unwrap_or(0) as usize;
        let pooling = read_pooling(&dir)?;
        let fused = if self.fused && arch == Arch::Bert {
            let int = |k: &str| config.get(k).and_then(|v| v.as_u64()).unwrap_or(1);
            let classifier = kind != ModelKind::Embedding;
            let prefix = if classifier { "bert." } else { "" };
            FusedBert::from_vars(
                &vs.variables(),
                prefix,
                int("num_hidden_layers") as usize,
                int("num_attention_heads").max(1) as i64,
                classifier,
            )
        } else {
            None
        };

        let mut model = Transformer {
            name,
            kind,
            arch,
            tokenizer,
            untruncated,
            max_length,
            special_tokens,
            pad_id,
            hidden,
            pooling,
            loaded: Mutex::new(Loaded {
                _vs: vs,
                net,
                fused,
            }),
            bank: Vec::new(),
            k: match self.k {
                Some(k) => k,
                None => settings.usize("exemplars.k")?.unwrap_or(3),
            }
            .max(1),
            temperature: match self.temperature {
                Some(t) => t,
                None => settings.f32("exemplars.temperature")?.unwrap_or(0.05),
            },
            head: None,
            outputs: Vec::new(),
            multi_label: match self.multi_label {
                Some(m) => m,
                None => settings.bool("multi_label")?.unwrap_or(false),
            },
            hypotheses: Vec::new(),
            entailment: 0,
        };
        if model.temperature.is_nan() || model.temperature <= 0.0 {
            return Err(config_err(
                &settings.source,
                "field `exemplars.temperature`: must be > 0".into(),
            ));
        }

        match kind {
            ModelKind::Embedding => {
                if let Some(path) = self.head.or(settings.path("exemplars.head", &dir)?) {
                    model.head = Some(read_head(&path, hidden)?);
                }
                let mut bank = Vec::new();
                let default_bank = match self.default_bank {
                    Some(b) => b,
                    None => settings.bool("exemplars.default_bank")?.unwrap_or(true),
                };
                if default_bank {
                    bank.extend(Exemplar::defaults());
                }
                if let Some(p) = settings.path("exemplars.file", &dir)? {
                    bank.extend(Exemplar::from_jsonl(&p.display().to_string(), &read(&p)?)?);
                }
                for p in &self.exemplar_paths {
                    bank.extend(Exemplar::from_jsonl(&p.display().to_string(), &read(p)?)?);
                }
                bank.extend(self.exemplars);
                if bank.is_empty() && model.head.is_none() {
                    return Err(ModelError::Config {
                        file: dir.display().to_string(),
                        message: "an embedding model needs exemplars or a head".into(),
                    });
                }
                let texts: Vec<&str> = bank.iter().map(|e| e.text.as_str()).collect();
                let mut vectors = Vec::with_capacity(texts.len());
                let mut order: Vec<usize> = (0..texts.len()).collect();
                order.sort_by_key(|&i| texts[i].len());
                let mut by_index = vec![Vec::new(); texts.len()];
                for chunk in order.chunks(32) {
                    let batch: Vec<&str> = chunk.iter().map(|&i| texts[i]).collect();
                    for (&i, v) in chunk.iter().zip(model.embed(&batch)?) {
                        by_index[i] = v;
                    }
                }
                vectors.extend(by_index);
                model.bank = bank.iter().map(|e| e.label).zip(vectors).collect();
            }
            ModelKind::Classifier => {
                let map: Vec<(String, Label)> = match self.labels {
                    Some(m) => m,
                    None => settings.labels()?,
                };
                model.outputs = map_outputs(&id2label, &map, &config_path)?;
            }
            ModelKind::ZeroShot => {
                model.entailment = entailment.ok_or_else(|| {
                    config_err(
                        &config_path,
                        format!(
                            "zero-shot: no `{entail_name}` label in id2label ({})",
                            id2label.join(", ")
                        ),
                    )
                })?;
                model.hypotheses = match self.hypotheses {
                    Some(h) => h,
                    None => settings.hypotheses()?,
                };
                if model.hypotheses.is_empty() {
                    return Err(config_err(
                        &settings.source,
                        "zero-shot: no hypotheses".into(),
                    ));
                }
            }
        }
        Ok(model)
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
        }
    }

    /// Loads the model in `dir` with its descriptor and the defaults.
    pub fn load(dir: impl Into<PathBuf>) -> Result<Transformer, ModelError> {
        Transformer::builder(dir).build()
    }

    /// The model's kind.
    pub fn kind(&self) -> ModelKind {
        self.kind
    }

    /// The hidden size (the embedding dimension of an embedding model).
    pub fn hidden_size(&self) -> usize {
        self.hidden
    }

    /// Whether our fused BERT forward pass runs instead of rust-bert's (see
    /// [`TransformerBuilder::fused`]).
    pub fn is_fused(&self) -> bool {
        self.lock().fused.is_some()
    }

    /// Exemplars in the bank.
    pub fn exemplar_count(&self) -> usize {
        self.bank.len()
    }

    /// Sentence embeddings (pooled, L2-normalised), one per text; embedding models only.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, ModelError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let inputs: Vec<Input> = texts.iter().map(|&t| Input::Text(t)).collect();
        let (ids, mask, types) = self.encode(&inputs)?;
        let loaded = self.lock();
        let Net::Encoder(encoder) = &loaded.net else {
            return Err(ModelError::Inference(format!(
                "`{}` is a {:?} model: it has no sentence embeddings",
                self.name, self.kind
            )));
        };
        guard(|| {
            tch::no_grad(|| -> Result<Vec<Vec<f32>>, ModelError> {
                let hidden = match (&loaded.fused, &**encoder) {
                    (Some(f), _) => Ok(f.hidden(&ids, &mask, &types.zeros_like())),
                    (None, Encoder::Bert(m)) => m
                        .forward_t(Some(&ids), Some(&mask), None, None, None, None, None, false)
                        .map(|o| o.hidden_state),
                    (None, Encoder::Roberta(m)) => m
                        .forward_t(Some(&ids), Some(&mask), None, None, None, None, None, false)
                        .map(|o| o.hidden_state),
                    (None, Encoder::DistilBert(m)) => m
                        .forward_t(Some(&ids), Some(&mask), None, false)
                        .map(|o| o.hidden_state),
                }
                .map_err(|e| ModelError::Inference(e.to_string()))?;
                let m = mask.to_kind(Kind::Float).unsqueeze(-1);
                let pooled = match self.pooling {
                    Pooling::Cls => hidden.select(1, 0),
                    Pooling::Mean => {
                        (&hidden * &m).sum_dim_intlist(1, false, Kind::Float)
                            / m.sum_dim_intlist(1, false, Kind::Float).clamp_min(1e-9)
                    }
                    Pooling::Max => {
                        let neg = (m.ones_like() - &m) * -1e9;
                        (&hidden + neg).amax(1, false)
                    }
                };
                let norm = pooled.norm_scalaropt_dim(2.0, 1, true).clamp_min(1e-12);
                to_rows(&(pooled / norm))
            })
        })?
    }

    /// The model's raw output logits, one row per text (classifier and NLI models).
    pub fn logits(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, ModelError> {
        let inputs: Vec<Input> = texts.iter().map(|&t| Input::Text(t)).collect();
        self.classify(&inputs)
    }

    fn classify(&self, inputs: &[Input]) -> Result<Vec<Vec<f32>>, ModelError> {
        if inputs.is_empty() {
            return Ok(Vec::new());
        }
        let (ids, mask, types) = self.encode(inputs)?;
        let loaded = self.lock();
        let Net::Classifier(net) = &loaded.net else {
            return Err(ModelError::Inference(format!(
                "`{}` is an embedding model: it has no classifier logits",
                self.name
            )));
        };
        let types = (self.arch == Arch::Bert).then_some(types);
        guard(|| {
            tch::no_grad(|| {
                let fused = match (&loaded.fused, &types) {
                    (Some(f), Some(t)) => f.logits(&ids, &mask, t),
                    _ => None,
                };
                let logits = fused.unwrap_or_else(|| {
                    net.forward_t(Some(&ids), Some(&mask), types.as_ref(), None, None, false)
                });
                to_rows(&logits)
            })
        })?
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Loaded> {
        self.loaded.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Tokenizes and pads a batch: ids, attention mask, token type ids (`[batch, longest]`).
    ///
    /// A single text longer than the token limit keeps its middle tokens (the cascade centres
    /// its window on the hit); a pair (zero-shot) is cut from the end of the text, keeping the
    /// hypothesis whole.
    fn encode(&self, inputs: &[Input]) -> Result<(Tensor, Tensor, Tensor), ModelError> {
        let tok_err = |e: tokenizers::Error| ModelError::Inference(format!("tokenizer: {e}"));
        let encodings = inputs
            .iter()
            .map(|input| match *input {
                Input::Text(text) => {
                    let enc = self.tokenizer.encode(text, true).map_err(tok_err)?;
                    if enc.get_overflowing().is_empty() {
                        Ok(enc)
                    } else {
                        self.encode_middle(text)
                    }
                }
                Input::Pair(text, hypothesis) => self
                    .tokenizer
                    .encode((text, hypothesis), true)
                    .map_err(tok_err),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let longest = encodings.iter().map(|e| e.len()).max().unwrap_or(0).max(1);
        let n = encodings.len();
        let mut ids = vec![self.pad_id; n * longest];
        let mut mask = vec![0i64; n * longest];
        let mut types = vec![0i64; n * longest];
        for (row, e) in encodings.iter().enumerate() {
            let base = row * longest;
            for (j, ((&id, &m), &t)) in e
                .get_ids()
                .iter()
                .zip(e.get_attention_mask())
                .zip(e.get_type_ids())
                .enumerate()
            {
                ids[base + j] = id as i64;
                mask[base + j] = m as i64;
                types[base + j] = t as i64;
            }
        }
        let shape = [n as i64, longest as i64];
        Ok((
            Tensor::from_slice(&ids).view(shape),
            Tensor::from_slice(&mask).view(shape),
            Tensor::from_slice(&types).view(shape),
        ))
    }

    /// Encodes the middle `max_length` tokens of a text that is longer than that.
    fn encode_middle(&self, text: &str) -> Result<tokenizers::Encoding, ModelError> {
        let tok_err = |e: tokenizers::Error| ModelError::Inference(format!("tokenizer: {e}"));
        let full = self.untruncated.encode(text, false).map_err(tok_err)?;
        let offsets = full.get_offsets();
        let budget = self.max_length.saturating_sub(self.special_tokens).max(1);
        let total = offsets.len();
        let start = total.saturating_sub(budget) / 2;
        let end = (start + budget).min(total);
        let span = match (
            offsets.get(start),
            end.checked_sub(1).and_then(|e| offsets.get(e)),
        ) {
            (Some(a), Some(b)) => a.0..b.1,
            _ => 0..text.len(),
        };
        let part = text.get(span).unwrap_or(text);
        self.tokenizer.encode(part, true).map_err(tok_err)
    }

    fn score_embeddings(&self, texts: &[&str]) -> Result<Vec<LabelScores>, ModelError> {
        let vectors = self.embed(texts)?;
        Ok(vectors
            .iter()
            .map(|v| {
                let mut out = LabelScores::new();
                if let Some(head) = &self.head {
                    let logits: Vec<f32> = (0..Label::ALL.len())
                        .map(|r| {
                            head.bias[r]
                                + head.weight[r * self.hidden..(r + 1) * self.hidden]
                                    .iter()
                                    .zip(v)
                                    .map(|(a, b)| a * b)
                                    .sum::<f32>()
                        })
                        .collect();
                    for (l, p) in Label::ALL.into_iter().zip(softmax(&logits, 1.0)) {
                        out.set(l, p);
                    }
                    return out.distribution();
                }
                let mut sims: Vec<(Label, f32)> = Vec::new();
                for label in Label::ALL {
                    let mut s: Vec<f32> = self
                        .bank
                        .iter()
                        .filter(|(l, _)| *l == label)
                        .map(|(_, e)| e.iter().zip(v).map(|(a, b)| a * b).sum())
                        .collect();
                    if s.is_empty() {
                        continue;
                    }
                    s.sort_by(|a, b| b.total_cmp(a));
                    let k = self.k.min(s.len());
                    sims.push((label, s[..k].iter().sum::<f32>() / k as f32));
                }
                let values: Vec<f32> = sims.iter().map(|s| s.1).collect();
                for ((l, _), p) in sims.iter().zip(softmax(&values, self.temperature)) {
                    out.set(*l, p);
                }
                out.distribution()
            })
            .collect())
    }

    fn score_classifier(&self, texts: &[&str]) -> Result<Vec<LabelScores>, ModelError> {
        let rows = self.logits(texts)?;
        Ok(rows
            .iter()
            .map(|row| {
                let probs: Vec<f32> = if self.multi_label {
                    row.iter().map(|x| 1.0 / (1.0 + (-x).exp())).collect()
                } else {
                    softmax(row, 1.0)
                };
                let mut sum = [None::<f32>; 5];
                for (p, label) in probs.iter().zip(&self.outputs) {
                    if let Some(l) = label {
                        let i = Label::ALL.iter().position(|x| x == l).unwrap_or(0);
                        let s = sum[i].unwrap_or(0.0);
                        sum[i] = Some(if self.multi_label { s.max(*p) } else { s + p });
                    }
                }
                let mut out = LabelScores::new();
                for (l, s) in Label::ALL.into_iter().zip(sum) {
                    if let Some(s) = s {
                        out.set(l, s);
                    }
                }
                if self.multi_label {
                    out
                } else {
                    out.distribution()
                }
            })
            .collect())
    }

    fn score_zero_shot(&self, texts: &[&str]) -> Result<Vec<LabelScores>, ModelError> {
        let mut pairs: Vec<Input> = Vec::with_capacity(texts.len() * self.hypotheses.len());
        for &t in texts {
            for (_, h) in &self.hypotheses {
                pairs.push(Input::Pair(t, h));
            }
        }
        let rows = self.classify(&pairs)?;
        let h = self.hypotheses.len();
        Ok(rows
            .chunks(h)
            .map(|chunk| {
                let entail: Vec<f32> = chunk
                    .iter()
                    .map(|r| r.get(self.entailment).copied().unwrap_or(f32::NEG_INFINITY))
                    .collect();
                let mut out = LabelScores::new();
                for ((l, _), p) in self.hypotheses.iter().zip(softmax(&entail, 1.0)) {
                    out.set(*l, p);
                }
                out.distribution()
            })
            .collect())
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

fn softmax(values: &[f32], temperature: f32) -> Vec<f32> {
    let max = values.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exps: Vec<f32> = values
        .iter()
        .map(|v| ((v - max) / temperature).exp())
        .collect();
    let sum: f32 = exps.iter().sum();
    exps.iter().map(|e| e / sum).collect()
}

fn to_rows(t: &Tensor) -> Result<Vec<Vec<f32>>, ModelError> {
    Vec::<Vec<f32>>::try_from(&t.to_kind(Kind::Float).contiguous())
        .map_err(|e| ModelError::Inference(e.to_string()))
}

/// Runs `f`, turning a panic (tch panics on libtorch errors) into an error.
fn guard<T>(f: impl FnOnce() -> T) -> Result<T, ModelError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|p| {
        ModelError::Inference(
            p.downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "libtorch failed".into()),
        )
    })
}

fn read(path: &Path) -> Result<String, ModelError> {
    std::fs::read_to_string(path).map_err(|source| ModelError::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn config_err(path: &Path, message: String) -> ModelError {
    ModelError::Config {
        file: path.display().to_string(),
        message,
    }
}

/// `id2label` from `config.json`, one name per output (as many as entries; `LABEL_i` where an
/// index is missing).
fn id2label(config: &serde_json::Value) -> Vec<String> {
    let Some(map) = config.get("id2label").and_then(|m| m.as_object()) else {
        return Vec::new();
    };
    // indices beyond the map's size are not output indices (and must not size an allocation)
    let mut pairs: Vec<(usize, String)> = map
        .iter()
        .filter_map(|(k, v)| Some((k.parse().ok()?, v.as_str()?.to_string())))
        .filter(|&(i, _)| i < map.len())
        .collect();
    pairs.sort();
    // rust-bert sizes a classifier's output by the number of entries
    let mut out: Vec<String> = (0..map.len()).map(|i| format!("LABEL_{i}")).collect();
    for (i, l) in pairs {
        out[i] = l;
    }
    out
}

fn map_outputs(
    id2label: &[String],
    map: &[(String, Label)],
    config_path: &Path,
) -> Result<Vec<Option<Label>>, ModelError> {
    if id2label.is_empty() {
        return Err(config_err(
            config_path,
            "a classifier needs `id2label`".into(),
        ));
    }
    let explicit: HashMap<&str, Label> = map.iter().map(|(s, l)| (s.as_str(), *l)).collect();
    for name in explicit.keys() {
        if !id2label.iter().any(|l| l == name) {
            return Err(config_err(
                config_path,
                format!(
                    "label map: the model has no label `{name}` (it has {})",
                    id2label.join(", ")
                ),
            ));
        }
    }
    let outputs: Vec<Option<Label>> = id2label
        .iter()
        .map(|name| {
            if explicit.is_empty() {
                parse_label(name)
            } else {
                explicit.get(name.as_str()).copied()
            }
        })
        .collect();
    if outputs.iter().all(|o| o.is_none()) {
        return Err(config_err(
            config_path,
            format!(
                "no label map: the model's labels ({}) are not tahrid labels; give `[labels]` in tahrid-model.toml or TransformerBuilder::labels",
                id2label.join(", ")
            ),
        ));
    }
    Ok(outputs)
}

fn read_pooling(dir: &Path) -> Result<Pooling, ModelError> {
    // sentence-transformers modules beyond Transformer -> Pooling -> Normalize (a Dense
    // projection, say) would change the embedding: refuse them rather than ignore them
    let modules = dir.join("modules.json");
    if modules.exists() {
        let v: serde_json::Value = serde_json::from_str(&read(&modules)?)
            .map_err(|e| config_err(&modules, e.to_string()))?;
        for m in v.as_array().into_iter().flatten() {
            let ty = m.get("type").and_then(|t| t.as_str()).unwrap_or("");
            let known = ["Transformer", "Pooling", "Normalize"]
                .iter()
                .any(|k| ty.ends_with(&format!("models.{k}")));
            if !known {
                return Err(config_err(
                    &modules,
                    format!(
                        "module `{ty}` is not supported (Transformer, Pooling and Normalize are)"
                    ),
                ));
            }
        }
    }
    let path = dir.join("1_Pooling/config.json");
    if !path.exists() {
        return Ok(Pooling::Mean);
    }
    let v: serde_json::Value =
        serde_json::from_str(&read(&path)?).map_err(|e| config_err(&path, e.to_string()))?;
    let on = |k: &str| v.get(k).and_then(|x| x.as_bool()).unwrap_or(false);
    let modes: Vec<&str> = [
        "pooling_mode_cls_token",
        "pooling_mode_max_tokens",
        "pooling_mode_mean_tokens",
        "pooling_mode_mean_sqrt_len_tokens",
        "pooling_mode_weightedmean_tokens",
        "pooling_mode_lasttoken",
    ]
    .into_iter()
    .filter(|k| on(k))
    .collect();
    match modes.as_slice() {
        [] | ["pooling_mode_mean_tokens"] => Ok(Pooling::Mean),
        ["pooling_mode_cls_token"] => Ok(Pooling::Cls),
        ["pooling_mode_max_tokens"] => Ok(Pooling::Max),
        other => Err(config_err(
            &path,
            format!("pooling {other:?} is not supported (one of mean, cls, max)"),
        )),
    }
}

fn read_head(path: &Path, hidden: usize) -> Result<Head, ModelError> {
    let err = |message: String| ModelError::Load {
        path: path.to_path_buf(),
        message,
    };
    let tensors = Tensor::read_safetensors(path).map_err(|e| err(e.to_string()))?;
    let get = |name: &str| {
        tensors
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t)
            .ok_or_else(|| err(format!("no tensor `{name}`")))
    };
    let (w, b) = (get("weight")?, get("bias")?);
    let labels = Label::ALL.len() as i64;
    if w.size() != [labels, hidden as i64] || b.size() != [labels] {
        return Err(err(format!(
            "expected weight [{labels}, {hidden}] and bias [{labels}] (this model's hidden size), got {:?} and {:?}",
            w.size(),
            b.size()
        )));
    }
    let flat = |t: &Tensor| {
        Vec::<f32>::try_from(&t.to_kind(Kind::Float).flatten(0, -1)).map_err(|e| err(e.to_string()))
    };
    Ok(Head {
        weight: flat(w)?,
        bias: flat(b)?,
    })
}

/// The settings: `models/transformer/defaults.toml` overlaid with the model's
/// `tahrid-model.toml`.
struct Settings {
    table: Table,
    source: PathBuf,
}

impl Settings {
    fn load(dir: &Path) -> Result<Settings, ModelError> {
        let mut table: Table = toml::from_str(DEFAULTS_TOML).expect("valid defaults (tested)");
        let source = dir.join("tahrid-model.toml");
        if source.exists() {
            let own: Table =
                toml::from_str(&read(&source)?).map_err(|e| config_err(&source, e.to_string()))?;
            merge(&mut table, own);
        }
        Ok(Settings { table, source })
    }

    fn get(&self, path: &str) -> Option<&Value> {
        crate::toml_path::lookup(&self.table, path).ok()
    }

    fn typed<T>(
        &self,
        path: &str,
        what: &str,
        f: impl Fn(&Value) -> Option<T>,
    ) -> Result<Option<T>, ModelError> {
        match self.get(path) {
            None => Ok(None),
            Some(v) => f(v).map(Some).ok_or_else(|| {
                config_err(&self.source, format!("field `{path}`: expected {what}"))
            }),
        }
    }

    fn str(&self, path: &str) -> Result<Option<String>, ModelError> {
        self.typed(path, "a string", |v| v.as_str().map(str::to_string))
    }
    fn bool(&self, path: &str) -> Result<Option<bool>, ModelError> {
        self.typed(path, "a boolean", Value::as_bool)
    }
    fn usize(&self, path: &str) -> Result<Option<usize>, ModelError> {
        self.typed(path, "a positive integer", |v| {
            v.as_integer().filter(|&i| i > 0).map(|i| i as usize)
        })
    }
    fn f32(&self, path: &str) -> Result<Option<f32>, ModelError> {
        self.typed(path, "a number", |v| {
            v.as_float()
                .or_else(|| v.as_integer().map(|i| i as f64))
                .map(|f| f as f32)
        })
    }
    fn path(&self, path: &str, dir: &Path) -> Result<Option<PathBuf>, ModelError> {
        Ok(self.str(path)?.map(|p| dir.join(p)))
    }
    fn labels(&self) -> Result<Vec<(String, Label)>, ModelError> {
        let Some(v) = self.get("labels") else {
            return Ok(Vec::new());
        };
        let t = v
            .as_table()
            .ok_or_else(|| config_err(&self.source, "field `labels`: expected a table".into()))?;
        t.iter()
            .map(|(k, v)| {
                let l = v.as_str().and_then(parse_label).ok_or_else(|| {
                    config_err(&self.source, format!("field `labels.{k}`: expected a tahrid label (sectarian_hate, incitement, extremist_propaganda, reporting, neutral)"))
                })?;
                Ok((k.clone(), l))
            })
            .collect()
    }
    fn hypotheses(&self) -> Result<Vec<(Label, String)>, ModelError> {
        let Some(t) = self.get("zero_shot.hypotheses").and_then(|v| v.as_table()) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for label in Label::ALL {
            if let Some(v) = t.get(label.as_str()) {
                let h = v.as_str().ok_or_else(|| {
                    config_err(
                        &self.source,
                        format!(
                            "field `zero_shot.hypotheses.{}`: expected a string",
                            label.as_str()
                        ),
                    )
                })?;
                out.push((label, h.to_string()));
            }
        }
        if let Some(k) = t.keys().find(|k| parse_label(k).is_none()) {
            return Err(config_err(
                &self.source,
                format!("field `zero_shot.hypotheses.{k}`: not a tahrid label"),
            ));
        }
        Ok(out)
    }
}

/// Overlays `over` on `base`, table by table; a model's `labels` and `hypotheses` replace the
/// defaults whole (a label left out is not scored).
fn merge(base: &mut Table, over: Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(Value::Table(b)), Value::Table(o)) if k != "labels" && k != "hypotheses" => {
                merge(b, o)
            }
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse_and_bank_loads() {
        let s: Table = toml::from_str(DEFAULTS_TOML).unwrap();
        assert!(s.contains_key("exemplars"));
        let bank = Exemplar::defaults();
        assert!(bank.len() >= 200, "{}", bank.len());
        for label in Label::ALL {
            assert!(bank.iter().any(|e| e.label == label), "{label:?}");
        }
    }

    #[test]
    fn softmax_is_a_distribution() {
        let p = softmax(&[1.0, 2.0, 3.0], 0.5);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert!(p[2] > p[1] && p[1] > p[0]);
    }

    #[test]
    fn id2label_fills_gaps() {
        let v: serde_json::Value =
            serde_json::from_str(r#"{"id2label": {"1": "b", "0": "a", "3": "d"}}"#).unwrap();
        // three entries, three outputs: index 3 does not exist, index 2 has no name
        assert_eq!(id2label(&v), ["a", "b", "LABEL_2"]);
    }
}
