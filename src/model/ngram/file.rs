//! Reading and writing an n-gram model directory: `model.toml` and `weights.bin`.
use std::path::Path;

use super::{NgramModel, CLASSES};
use crate::model::error::ModelError;

const MAGIC: &[u8; 4] = b"TNG1";

impl NgramModel {
    /// Reads a model directory: `model.toml` and the weights file it names.
    ///
    /// `model.toml` has `name`, `bits` (8–24), `threshold` (in `(0, 1)`), `weights` (a file
    /// name in the same directory) and an optional `provenance` string. The weights file is
    /// little-endian: the magic `TNG1`, `bits` and the number of classes (5) as `u32`, then
    /// 5 `f32` biases and `2^bits × 5` `f32` weights, bucket by bucket, labels in
    /// [`Label::ALL`](crate::Label::ALL) order.
    ///
    /// ```
    /// let err = tahrid::model::NgramModel::from_dir("no/such/dir").unwrap_err();
    /// assert!(err.to_string().starts_with("no/such/dir/model.toml: cannot read"));
    /// ```
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<NgramModel, ModelError> {
        let dir = dir.as_ref();
        let read = |p: &Path| {
            std::fs::read(p).map_err(|source| ModelError::Io {
                path: p.to_path_buf(),
                source,
            })
        };
        let toml_path = dir.join("model.toml");
        let text = String::from_utf8(read(&toml_path)?).map_err(|_| ModelError::Config {
            file: toml_path.display().to_string(),
            message: "not UTF-8".into(),
        })?;
        let table: toml::Table = text.parse().map_err(|e| ModelError::Config {
            file: toml_path.display().to_string(),
            message: format!("not TOML: {e}"),
        })?;
        let file = match table.get("weights").and_then(|v| v.as_str()) {
            Some(f) if !f.contains(['/', '\\']) => f.to_string(),
            _ => {
                return Err(ModelError::Config {
                    file: toml_path.display().to_string(),
                    message: "field `weights` must name a file in the same directory".into(),
                })
            }
        };
        let bytes = read(&dir.join(&file))?;
        NgramModel::from_bytes(&dir.display().to_string(), &text, &bytes)
    }

    /// Parses a descriptor and a weights file (see [`from_dir`](NgramModel::from_dir));
    /// `dir` names them in errors.
    pub(super) fn from_bytes(
        dir: &str,
        toml_text: &str,
        bytes: &[u8],
    ) -> Result<NgramModel, ModelError> {
        let cfg = |message: String| ModelError::Config {
            file: format!("{dir}/model.toml"),
            message,
        };
        let table: toml::Table = toml_text
            .parse()
            .map_err(|e| cfg(format!("not TOML: {e}")))?;
        let field = |k: &str| {
            table
                .get(k)
                .ok_or_else(|| cfg(format!("field `{k}` is missing")))
        };
        let name = field("name")?
            .as_str()
            .ok_or_else(|| cfg("field `name` must be a string".into()))?
            .to_string();
        let bits = field("bits")?
            .as_integer()
            .filter(|b| (8..=24).contains(b))
            .ok_or_else(|| cfg("field `bits` must be an integer from 8 to 24".into()))?
            as u32;
        let threshold = field("threshold")?
            .as_float()
            .filter(|t| *t > 0.0 && *t < 1.0)
            .ok_or_else(|| cfg("field `threshold` must be a number between 0 and 1".into()))?
            as f32;
        let provenance = table
            .get("provenance")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string();
        let min_words = match table.get("min_words") {
            None => 1,
            Some(v) => v
                .as_integer()
                .filter(|n| (1..=1000).contains(n))
                .ok_or_else(|| cfg("field `min_words` must be an integer from 1 to 1000".into()))?
                as usize,
        };
        let languages = match table.get("languages") {
            None => Vec::new(),
            Some(v) => v
                .as_array()
                .and_then(|a| {
                    a.iter()
                        .map(|x| x.as_str().map(str::to_string))
                        .collect::<Option<Vec<_>>>()
                })
                .ok_or_else(|| cfg("field `languages` must be a list of strings".into()))?,
        };
        let load = |message: String| ModelError::Load {
            path: format!("{dir}/weights").into(),
            message,
        };
        let rows = 1usize << bits;
        let want = 12 + 4 * CLASSES * (rows + 1);
        if bytes.len() < 12 || &bytes[..4] != MAGIC {
            return Err(load("not a tahrid n-gram weights file (magic TNG1)".into()));
        }
        let word =
            |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        if word(4) != bits || word(8) != CLASSES as u32 {
            return Err(load(format!(
                "the file has {} bits and {} classes, the descriptor says {bits} and {CLASSES}",
                word(4),
                word(8)
            )));
        }
        if bytes.len() != want {
            return Err(load(format!("{} bytes, expected {want}", bytes.len())));
        }
        let floats: Vec<f32> = bytes[12..]
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        if floats.iter().any(|x| !x.is_finite()) {
            return Err(load("a weight is not a finite number".into()));
        }
        let mut bias = [0.0; CLASSES];
        bias.copy_from_slice(&floats[..CLASSES]);
        Ok(NgramModel {
            name,
            bits,
            threshold,
            bias,
            weights: floats[CLASSES..].to_vec(),
            provenance,
            languages,
            min_words,
        })
    }

    /// Writes `model.toml` and `weights.bin` into `dir` (created if missing).
    pub fn write_dir(&self, dir: impl AsRef<Path>) -> std::io::Result<()> {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir)?;
        let mut bytes = Vec::with_capacity(12 + 4 * (self.weights.len() + CLASSES));
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&self.bits.to_le_bytes());
        bytes.extend_from_slice(&(CLASSES as u32).to_le_bytes());
        for x in self.bias.iter().chain(&self.weights) {
            bytes.extend_from_slice(&x.to_le_bytes());
        }
        std::fs::write(dir.join("weights.bin"), bytes)?;
        // a JSON string is a valid TOML basic string
        let quote = |s: &str| serde_json::Value::String(s.to_string()).to_string();
        std::fs::write(
            dir.join("model.toml"),
            format!(
                "# A hashed character n-gram model for tahrid (see the rustdoc of \
                 `tahrid::model::NgramModel`).\n\
                 name = {}\nbits = {}\nthreshold = {}\nweights = \"weights.bin\"\n\
                 # the languages whose benign text it was trained on: it counts for these only\n\
                 languages = [{}]\n\
                 # texts of fewer words get no say\n\
                 min_words = {}\nprovenance = {}\n",
                quote(&self.name),
                self.bits,
                self.threshold,
                self.languages
                    .iter()
                    .map(|l| quote(l))
                    .collect::<Vec<_>>()
                    .join(", "),
                self.min_words,
                quote(&self.provenance)
            ),
        )
    }
}
