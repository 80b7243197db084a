//! Sequence classifiers: raw logits, and the label map from a model's outputs to tahrid's
//! labels.
//!
//! A fine-tuned classifier knows its own labels (`id2label` in `config.json`), which rarely
//! are tahrid's. The label map says which model label counts as which tahrid label; model labels
//! left out are ignored, and without a map a model's labels must be tahrid label names. Several
//! model labels may map to one tahrid label: their softmax probabilities add up (with
//! `multi_label`, independent sigmoids, the largest counts). A softmax result is marked as a
//! distribution, so the cascade weighs the harmful labels together.
//!
//! `id2label` is read the way rust-bert sizes the output layer: one output per entry, indices
//! beyond the entry count dropped, gaps named `LABEL_i`. The logits pass ([`Transformer::logits`])
//! is shared with zero-shot NLI, which feeds it text–hypothesis pairs.
use std::collections::HashMap;
use std::path::Path;

use super::net::{guard, softmax, to_rows, Arch, Input, Net, Transformer};
use super::settings::{config_err, parse_label};
use crate::classify::Label;
use crate::model::error::ModelError;
use crate::model::scores::LabelScores;

impl Transformer {
    /// The model's raw output logits, one row per text (classifier and NLI models).
    pub fn logits(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, ModelError> {
        let inputs: Vec<Input> = texts.iter().map(|&t| Input::Text(t)).collect();
        self.classify(&inputs)
    }

    pub(super) fn classify(&self, inputs: &[Input]) -> Result<Vec<Vec<f32>>, ModelError> {
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

    pub(super) fn score_classifier(&self, texts: &[&str]) -> Result<Vec<LabelScores>, ModelError> {
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
}

/// `id2label` from `config.json`, one name per output (as many as entries; `LABEL_i` where an
/// index is missing).
pub(super) fn id2label(config: &serde_json::Value) -> Vec<String> {
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

pub(super) fn map_outputs(
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
