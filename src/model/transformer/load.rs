//! Loading a model directory: from `config.json`, `tokenizer.json` and the weights to a
//! ready [`Transformer`].
//!
//! [`TransformerBuilder::build`] works in a fixed order, each step failing with an error that
//! names the file at fault. It reads the settings and `config.json`, picks the architecture
//! from `model_type`, and settles the kind: the builder's, else the descriptor's `kind`, else
//! inferred (a `*ForSequenceClassification` with an `entailment` label is zero-shot, another
//! classifier is a classifier, the rest are embedding models). The tokenizer is the model's
//! own, truncated to the smaller of the wanted length and the model's position limit, with a
//! second, untruncated copy kept for middle cuts. The network is built for the (kind,
//! architecture) pair inside `guard` and the weights are loaded into it; for BERT
//! the fused forward pass is assembled over the same variables when possible. Last come the
//! kind's own parts: an embedding model embeds its exemplar bank (length-sorted, 32 at a time,
//! in bank order afterwards) or reads its head, a classifier maps its outputs to tahrid labels,
//! and a zero-shot model finds its entailment output and its hypotheses.
use std::sync::Mutex;

use rust_bert::bert::{BertConfig, BertForSequenceClassification, BertModel};
use rust_bert::distilbert::{DistilBertConfig, DistilBertModel, DistilBertModelClassifier};
use rust_bert::pipelines::sequence_classification::SequenceClassificationOption;
use rust_bert::roberta::RobertaForSequenceClassification;
use tch::{nn::VarStore, Device};
use tokenizers::{Tokenizer, TruncationParams};

use super::builder::TransformerBuilder;
use super::classify::{id2label, map_outputs};
use super::embed::{read_head, Exemplar};
use super::fused_bert::FusedBert;
use super::net::{guard, Arch, Encoder, Loaded, ModelKind, Net, Transformer};
use super::settings::{config_err, read, read_pooling, Settings};
use crate::classify::Label;
use crate::model::error::ModelError;

impl TransformerBuilder {
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
            prefix: match self.prefix {
                Some(p) => p,
                None => settings.str("prefix")?.unwrap_or_default(),
            },
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
