//! `--finetune K`: fine-tunes the encoder's top K layers together with the head, in every fold.
//!
//! The bottom layers stay frozen, so their output is computed once per text and cached under
//! `--cache`. Each fold then starts from fresh copies of the pre-trained top K layers, adds mean
//! pooling and a softmax head (optionally fed the rules' five scores and the hashed n-gram block,
//! as the frozen heads are), and trains them together: minibatch AdamW, dropout 0.1 in the
//! layers, gradient norm clipped at 1, the layers at `--finetune-lr` and the head at
//! `--head-lr`. A fold's texts are then predicted by the model that never saw them.
//!
//! The forward pass is BERT's (post-LayerNorm, GELU, additive −10000 mask on padding, positions
//! from 0), written here over the model directory's `model.safetensors` so that gradients can
//! flow through it; `check` compares its 12-layer embeddings with tahrid's `Transformer`.
use std::collections::HashMap;
use std::error::Error;
use std::path::Path;

use tch::nn::{self, Module, OptimizerConfig};
use tch::{Device, Kind, Tensor};
use tokenizers::{Tokenizer, TruncationParams};

/// The tensors of one encoder layer, in this order (Hugging Face BERT names).
const PARTS: [&str; 16] = [
    "attention.self.query.weight",
    "attention.self.query.bias",
    "attention.self.key.weight",
    "attention.self.key.bias",
    "attention.self.value.weight",
    "attention.self.value.bias",
    "attention.output.dense.weight",
    "attention.output.dense.bias",
    "attention.output.LayerNorm.weight",
    "attention.output.LayerNorm.bias",
    "intermediate.dense.weight",
    "intermediate.dense.bias",
    "output.dense.weight",
    "output.dense.bias",
    "output.LayerNorm.weight",
    "output.LayerNorm.bias",
];

/// How the top layers are trained.
pub struct Settings {
    /// Layers fine-tuned, counted from the top.
    pub layers: usize,
    /// Passes over the training texts.
    pub epochs: usize,
    /// Texts per step.
    pub batch: usize,
    /// Learning rate of the encoder layers.
    pub lr: f64,
    /// Learning rate of the head.
    pub head_lr: f64,
    /// Token limit per text (the end is cut).
    pub max_tokens: usize,
}

/// A BERT encoder's weights, read from a model directory.
pub struct Encoder {
    word: Tensor,
    position: Tensor,
    token_type: Tensor,
    emb_norm: (Tensor, Tensor),
    layers: Vec<Vec<Tensor>>,
    heads: i64,
    hidden: i64,
    tokenizer: Tokenizer,
    prefix: String,
    pad_id: i64,
    /// What the frozen layers' output depends on besides the texts and settings: the prefix
    /// and the sizes and times of the weights and tokenizer files.
    identity: String,
}

fn norm(x: &Tensor, w: &Tensor, b: &Tensor) -> Tensor {
    x.layer_norm([w.size()[0]], Some(w), Some(b), 1e-12, false)
}

/// One post-LayerNorm BERT layer over `x` `[batch, len, hidden]`, with dropout when training.
fn layer(w: &[Tensor], x: &Tensor, add: &Tensor, heads: i64, train: bool) -> Tensor {
    let (b, l, hidden) = x.size3().expect("[batch, len, hidden]");
    let d = hidden / heads;
    let split = |t: Tensor| t.view([b, l, heads, d]).transpose(1, 2);
    let q = split(x.linear(&w[0], Some(&w[1])));
    let k = split(x.linear(&w[2], Some(&w[3])));
    let v = split(x.linear(&w[4], Some(&w[5])));
    let p = if train { 0.1 } else { 0.0 };
    let ctx = Tensor::scaled_dot_product_attention(&q, &k, &v, Some(add), p, false, None)
        .transpose(1, 2)
        .contiguous()
        .view([b, l, hidden]);
    let a = ctx.linear(&w[6], Some(&w[7])).dropout(0.1, train);
    let a = norm(&(a + x), &w[8], &w[9]);
    let i = a.linear(&w[10], Some(&w[11])).gelu("none");
    let o = i.linear(&w[12], Some(&w[13])).dropout(0.1, train);
    norm(&(o + a), &w[14], &w[15])
}

/// The additive attention mask `[batch, 1, 1, len]` of `lengths`, padded to `len`.
fn additive_mask(lengths: &[i64], len: i64) -> (Tensor, Tensor) {
    let keep: Vec<f32> = lengths
        .iter()
        .flat_map(|&n| (0..len).map(move |j| f32::from(u8::from(j < n))))
        .collect();
    let keep = Tensor::from_slice(&keep).view([lengths.len() as i64, len]);
    let add = ((keep.ones_like() - &keep) * -10000.0).view([lengths.len() as i64, 1, 1, len]);
    (keep, add)
}

impl Encoder {
    /// Reads `config.json`, `tokenizer.json`, `model.safetensors` and the descriptor's prefix.
    pub fn load(dir: &Path, max_tokens: usize) -> Result<Encoder, Box<dyn Error>> {
        let config: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("config.json"))?)?;
        let int = |k: &str| {
            config[k]
                .as_i64()
                .ok_or_else(|| format!("config.json: no integer {k}"))
        };
        let (n_layers, heads, hidden) = (
            int("num_hidden_layers")?,
            int("num_attention_heads")?,
            int("hidden_size")?,
        );
        let vars: HashMap<String, Tensor> =
            Tensor::read_safetensors(dir.join("model.safetensors"))?
                .into_iter()
                .collect();
        let get = |name: &str| -> Result<Tensor, String> {
            vars.get(name)
                .map(|t| t.to_kind(Kind::Float))
                .ok_or_else(|| format!("model.safetensors: no {name}"))
        };
        let layers = (0..n_layers)
            .map(|l| {
                PARTS
                    .iter()
                    .map(|p| get(&format!("encoder.layer.{l}.{p}")))
                    .collect::<Result<Vec<_>, _>>()
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut tokenizer =
            Tokenizer::from_file(dir.join("tokenizer.json")).map_err(|e| e.to_string())?;
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: max_tokens,
                ..Default::default()
            }))
            .map_err(|e| e.to_string())?
            .with_padding(None);
        let descriptor = std::fs::read_to_string(dir.join("tahrid-model.toml")).unwrap_or_default();
        let prefix = descriptor
            .parse::<toml::Table>()?
            .get("prefix")
            .and_then(|p| p.as_str())
            .unwrap_or_default()
            .to_string();
        let pad_id = tokenizer.token_to_id("<pad>").unwrap_or(0) as i64;
        let position = get("embeddings.position_embeddings.weight")?;
        if max_tokens as i64 > position.size()[0] {
            return Err(format!(
                "--max-tokens {max_tokens}: the model has {} positions",
                position.size()[0]
            )
            .into());
        }
        let mut identity = format!("{prefix}|{n_layers}");
        for f in ["model.safetensors", "tokenizer.json"] {
            let m = std::fs::metadata(dir.join(f))?;
            let since = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_secs());
            identity.push_str(&format!("|{f}:{}:{since}", m.len()));
        }
        Ok(Encoder {
            word: get("embeddings.word_embeddings.weight")?,
            position,
            token_type: get("embeddings.token_type_embeddings.weight")?,
            emb_norm: (
                get("embeddings.LayerNorm.weight")?,
                get("embeddings.LayerNorm.bias")?,
            ),
            layers,
            heads,
            hidden,
            tokenizer,
            prefix,
            pad_id,
            identity,
        })
    }

    /// Layers in the encoder.
    pub fn depth(&self) -> usize {
        self.layers.len()
    }

    /// What, besides the texts and settings, the frozen layers' output depends on (for a
    /// cache key).
    pub fn identity(&self) -> &str {
        &self.identity
    }

    fn ids(&self, text: &str) -> Result<Vec<i64>, Box<dyn Error>> {
        let enc = self
            .tokenizer
            .encode(format!("{}{text}", self.prefix), true)
            .map_err(|e| e.to_string())?;
        Ok(enc.get_ids().iter().map(|&i| i as i64).collect())
    }

    /// The output of the first `upto` layers for each text, `[len, hidden]` each (no grad).
    fn bottom(&self, texts: &[&str], upto: usize) -> Result<Vec<Tensor>, Box<dyn Error>> {
        let ids: Vec<Vec<i64>> = texts
            .iter()
            .map(|t| self.ids(t))
            .collect::<Result<_, _>>()?;
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| ids[i].len());
        let mut out: Vec<Option<Tensor>> = (0..texts.len()).map(|_| None).collect();
        let start = std::time::Instant::now();
        for (n, chunk) in order.chunks(32).enumerate() {
            let len = chunk.iter().map(|&i| ids[i].len()).max().unwrap_or(1) as i64;
            let mut flat = vec![self.pad_id; chunk.len() * len as usize];
            for (row, &i) in chunk.iter().enumerate() {
                flat[row * len as usize..][..ids[i].len()].copy_from_slice(&ids[i]);
            }
            let lengths: Vec<i64> = chunk.iter().map(|&i| ids[i].len() as i64).collect();
            let ids_t = Tensor::from_slice(&flat).view([chunk.len() as i64, len]);
            let (_, add) = additive_mask(&lengths, len);
            let h = tch::no_grad(|| {
                let positions = Tensor::arange(len, (Kind::Int64, Device::Cpu)).unsqueeze(0);
                let x = Tensor::embedding(&self.word, &ids_t, -1, false, false)
                    + Tensor::embedding(&self.position, &positions, -1, false, false)
                    + Tensor::embedding(&self.token_type, &ids_t.zeros_like(), -1, false, false);
                let mut x = norm(&x, &self.emb_norm.0, &self.emb_norm.1);
                for w in &self.layers[..upto] {
                    x = layer(w, &x, &add, self.heads, false);
                }
                x
            });
            for (row, &i) in chunk.iter().enumerate() {
                out[i] = Some(h.get(row as i64).narrow(0, 0, lengths[row]).copy());
            }
            if n % 25 == 0 {
                eprintln!(
                    "finetune: {} of {} texts through {upto} layers ({:.0?})",
                    n * 32,
                    texts.len(),
                    start.elapsed()
                );
            }
        }
        Ok(out.into_iter().map(|t| t.expect("every text")).collect())
    }

    /// The frozen layers' output for every text, from `cache` when the same texts and settings
    /// were computed before.
    pub fn frozen_states(
        &self,
        texts: &[&str],
        s: &Settings,
        cache: &Path,
    ) -> Result<Vec<Tensor>, Box<dyn Error>> {
        let upto = self.layers.len().saturating_sub(s.layers);
        if cache.exists() {
            let saved: HashMap<String, Tensor> = Tensor::load_multi(cache)?.into_iter().collect();
            if let (Some(states), Some(lengths)) = (saved.get("states"), saved.get("lengths")) {
                let lengths = Vec::<i64>::try_from(lengths)?;
                if lengths.len() == texts.len() {
                    eprintln!("finetune: frozen layers' output from {}", cache.display());
                    return Ok(states
                        .split_with_sizes(&lengths, 0)
                        .into_iter()
                        .map(|t| t.copy())
                        .collect());
                }
            }
        }
        let states = self.bottom(texts, upto)?;
        let lengths: Vec<i64> = states.iter().map(|t| t.size()[0]).collect();
        if let Some(dir) = cache.parent() {
            std::fs::create_dir_all(dir)?;
        }
        // written whole, then renamed: an interrupted run leaves no half file behind
        let partial = cache.with_extension("partial");
        Tensor::save_multi(
            &[
                ("states", &Tensor::cat(&states, 0)),
                ("lengths", &Tensor::from_slice(&lengths)),
            ],
            &partial,
        )?;
        std::fs::rename(&partial, cache)?;
        Ok(states)
    }

    /// Cosine between this forward pass's mean-pooled 12-layer output and `reference` (the
    /// embeddings tahrid's `Transformer` gives the same texts): the two must agree.
    pub fn check(&self, texts: &[&str], reference: &[Vec<f32>]) -> Result<f64, Box<dyn Error>> {
        if texts.is_empty() || texts.len() != reference.len() {
            return Err("the forward-pass check needs texts and their reference embeddings".into());
        }
        let states = self.bottom(texts, self.layers.len())?;
        let mut worst = 1.0f64;
        for (h, r) in states.iter().zip(reference) {
            let mine = Vec::<f32>::try_from(h.mean_dim(0, false, Kind::Float))?;
            let dot: f64 = mine.iter().zip(r).map(|(a, b)| f64::from(a * b)).sum();
            let n = |v: &[f32]| v.iter().map(|x| f64::from(x * x)).sum::<f64>().sqrt();
            worst = worst.min(dot / (n(&mine) * n(r)).max(1e-12));
        }
        Ok(worst)
    }
}

/// Per-text inputs beside the encoder states: extra dense features (the rules' scores, or
/// none) and the sparse n-gram vector (empty when there is no n-gram block).
pub struct Side<'a> {
    pub extra: &'a [Vec<f32>],
    pub ngrams: &'a [Vec<(usize, f32)>],
    pub ngram_bits: u32,
}

struct Model {
    vs: nn::VarStore,
    layers: Vec<Vec<Tensor>>,
    head: nn::Linear,
    ngrams: Option<nn::Linear>,
    heads: i64,
}

impl Model {
    fn logits(&self, states: &[Tensor], idx: &[usize], side: &Side, train: bool) -> Tensor {
        let seqs: Vec<&Tensor> = idx.iter().map(|&i| &states[i]).collect();
        let lengths: Vec<i64> = seqs.iter().map(|t| t.size()[0]).collect();
        let len = lengths.iter().copied().max().unwrap_or(1);
        let mut x = Tensor::pad_sequence(&seqs, true, 0.0);
        let (keep, add) = additive_mask(&lengths, len);
        for w in &self.layers {
            x = layer(w, &x, &add, self.heads, train);
        }
        let keep = keep.unsqueeze(-1);
        let pooled = (x * &keep).sum_dim_intlist(1, false, Kind::Float)
            / keep.sum_dim_intlist(1, false, Kind::Float);
        let pooled = if side.extra.is_empty() {
            pooled
        } else {
            let flat: Vec<f32> = idx.iter().flat_map(|&i| side.extra[i].clone()).collect();
            let extra = Tensor::from_slice(&flat).view([idx.len() as i64, -1]);
            Tensor::cat(&[pooled, extra], 1)
        };
        let logits = self.head.forward(&pooled.dropout(0.1, train));
        match &self.ngrams {
            Some(l) => {
                let width = 1usize << side.ngram_bits;
                let mut m = vec![0f32; idx.len() * width];
                for (row, &i) in idx.iter().enumerate() {
                    for &(k, v) in &side.ngrams[i] {
                        m[row * width + k] = v;
                    }
                }
                let g = Tensor::from_slice(&m).view([idx.len() as i64, width as i64]);
                logits + l.forward(&g)
            }
            None => logits,
        }
    }
}

/// A permutation of `0..n` from a seed (xorshift), so that runs repeat.
fn shuffle(n: usize, seed: u64) -> Vec<usize> {
    let mut v: Vec<usize> = (0..n).collect();
    let mut s = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    for i in (1..n).rev() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        v.swap(i, (s % (i as u64 + 1)) as usize);
    }
    v
}

/// Trains the top layers and the head on `train` (labels `y`, slots of `Label::ALL`) and
/// returns, for each set in `predict`, the harmful probability of each of its texts.
pub fn train_predict(
    enc: &Encoder,
    states: &[Tensor],
    side: &Side,
    train: &[usize],
    y: &[i64],
    predict: &[&[usize]],
    s: &Settings,
) -> Result<Vec<Vec<f32>>, Box<dyn Error>> {
    tch::manual_seed(0);
    let vs = nn::VarStore::new(Device::Cpu);
    let root = vs.root();
    let (body, top) = (root.set_group(0), root.set_group(1));
    let first = enc.layers.len() - s.layers.min(enc.layers.len());
    let layers: Vec<Vec<Tensor>> = (first..enc.layers.len())
        .map(|l| {
            enc.layers[l]
                .iter()
                .enumerate()
                .map(|(p, t)| body.var_copy(&format!("l{l}_{p}"), t))
                .collect()
        })
        .collect();
    let extra = side.extra.first().map_or(0, Vec::len) as i64;
    let head = nn::linear(&top / "head", enc.hidden + extra, 5, Default::default());
    let ngrams = (!side.ngrams.is_empty()).then(|| {
        let no_bias = nn::LinearConfig {
            bias: false,
            ..Default::default()
        };
        nn::linear(&top / "ngrams", 1 << side.ngram_bits, 5, no_bias)
    });
    let model = Model {
        vs,
        layers,
        head,
        ngrams,
        heads: enc.heads,
    };
    let mut opt = nn::AdamW::default().build(&model.vs, s.lr)?;
    opt.set_lr_group(0, s.lr);
    opt.set_lr_group(1, s.head_lr);
    let start = std::time::Instant::now();
    for epoch in 0..s.epochs {
        let order = shuffle(train.len(), epoch as u64 + 1);
        let mut total = 0.0;
        for chunk in order.chunks(s.batch.max(1)) {
            let idx: Vec<usize> = chunk.iter().map(|&j| train[j]).collect();
            let target = Tensor::from_slice(&chunk.iter().map(|&j| y[j]).collect::<Vec<_>>());
            let loss = model
                .logits(states, &idx, side, true)
                .cross_entropy_for_logits(&target);
            opt.backward_step_clip_norm(&loss, 1.0);
            total += loss.double_value(&[]) * chunk.len() as f64;
        }
        eprintln!(
            "finetune: epoch {} loss {:.4} ({:.0?})",
            epoch + 1,
            total / train.len().max(1) as f64,
            start.elapsed()
        );
    }
    predict
        .iter()
        .map(|set| {
            let mut out = Vec::with_capacity(set.len());
            for chunk in set.chunks(64) {
                let p = tch::no_grad(|| {
                    model
                        .logits(states, chunk, side, false)
                        .softmax(-1, Kind::Float)
                });
                let h = p.narrow(1, 0, 3).sum_dim_intlist(1, false, Kind::Float);
                out.extend(Vec::<f32>::try_from(h)?);
            }
            Ok(out)
        })
        .collect()
}
