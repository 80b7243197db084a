//! Settings and descriptor files: where a model's options come from when the builder does not
//! give them.
//!
//! Settings are layered TOML. `models/transformer/defaults.toml` (embedded) is the base; the
//! model directory's `tahrid-model.toml`, when present, is overlaid on it table by table, so a
//! descriptor can change `exemplars.k` without restating the rest. The label map and the
//! zero-shot hypotheses are the exception: a descriptor's `labels` or `hypotheses` replace the
//! defaults whole, since a label left out means "do not score it", which a merge could not
//! express. [`Settings`] reads values by dotted path with the expected type, and a value of
//! the wrong type is an error naming the field and the file, never a silent default.
//!
//! The sentence-transformers descriptors are read here too: `modules.json` must list only the
//! modules whose effect we reproduce (Transformer, Pooling, Normalize), and
//! `1_Pooling/config.json` selects mean, CLS or max pooling (mean when absent).
use std::path::{Path, PathBuf};

use toml::{Table, Value};

use super::net::Pooling;
use crate::classify::Label;
use crate::model::error::ModelError;

pub(super) const DEFAULTS_TOML: &str = include_str!("../../../models/transformer/defaults.toml");

pub(super) fn parse_label(s: &str) -> Option<Label> {
    Label::ALL.into_iter().find(|l| l.as_str() == s)
}

pub(super) fn read(path: &Path) -> Result<String, ModelError> {
    std::fs::read_to_string(path).map_err(|source| ModelError::Io {
        path: path.to_path_buf(),
        source,
    })
}

pub(super) fn config_err(path: &Path, message: String) -> ModelError {
    ModelError::Config {
        file: path.display().to_string(),
        message,
    }
}

pub(super) fn read_pooling(dir: &Path) -> Result<Pooling, ModelError> {
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

/// The settings: `models/transformer/defaults.toml` overlaid with the model's
/// `tahrid-model.toml`.
pub(super) struct Settings {
    pub(super) table: Table,
    pub(super) source: PathBuf,
}

impl Settings {
    pub(super) fn load(dir: &Path) -> Result<Settings, ModelError> {
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

    pub(super) fn str(&self, path: &str) -> Result<Option<String>, ModelError> {
        self.typed(path, "a string", |v| v.as_str().map(str::to_string))
    }
    pub(super) fn bool(&self, path: &str) -> Result<Option<bool>, ModelError> {
        self.typed(path, "a boolean", Value::as_bool)
    }
    pub(super) fn usize(&self, path: &str) -> Result<Option<usize>, ModelError> {
        self.typed(path, "a positive integer", |v| {
            v.as_integer().filter(|&i| i > 0).map(|i| i as usize)
        })
    }
    pub(super) fn f32(&self, path: &str) -> Result<Option<f32>, ModelError> {
        self.typed(path, "a number", |v| {
            v.as_float()
                .or_else(|| v.as_integer().map(|i| i as f64))
                .map(|f| f as f32)
        })
    }
    pub(super) fn path(&self, path: &str, dir: &Path) -> Result<Option<PathBuf>, ModelError> {
        Ok(self.str(path)?.map(|p| dir.join(p)))
    }
    pub(super) fn labels(&self) -> Result<Vec<(String, Label)>, ModelError> {
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
    pub(super) fn hypotheses(&self) -> Result<Vec<(Label, String)>, ModelError> {
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
