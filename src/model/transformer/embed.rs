//! Sentence embeddings and the two ways an embedding model scores them: nearest exemplars, or
//! a linear head.
//!
//! [`Transformer::embed`] runs the encoder with the attention mask, pools the hidden states
//! (mean over real tokens, the first token, or the maximum over real tokens, as
//! `1_Pooling/config.json` says) and L2-normalises, so a dot product is a cosine similarity.
//!
//! The exemplar bank is a list of labelled texts, embedded once at load time. To score a text,
//! for each label take the `k` exemplars most similar to it and average their similarities,
//! then softmax those per-label means with a temperature: a small temperature turns small
//! cosine gaps into clear preferences. Averaging over `k` rather than taking the single
//! nearest keeps one odd exemplar from deciding a text. With a head (`weight` `[5, hidden]`,
//! `bias` `[5]`, trained offline) the scores are instead a softmax of `weight · e + bias`. Both
//! are distributions over the labels, and marked as such.
use std::path::Path;

use tch::{Kind, Tensor};

use super::net::{guard, softmax, to_rows, Encoder, Head, Input, Net, Pooling, Transformer};
use super::settings::parse_label;
use crate::classify::Label;
use crate::model::error::ModelError;
use crate::model::scores::LabelScores;

/// The default exemplar bank: `fixtures/functional/*.jsonl`, embedded by `build.rs`.
const DEFAULT_BANK: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_exemplars.rs"));

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

impl Transformer {
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

    pub(super) fn score_embeddings(&self, texts: &[&str]) -> Result<Vec<LabelScores>, ModelError> {
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
}

pub(super) fn read_head(path: &Path, hidden: usize) -> Result<Head, ModelError> {
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
