//! Cross-validates a learned harmful-text stage on labelled JSONL, alone and combined with the
//! rules, and measures its false alarms on benign text (needs `--features transformer`).
//!
//! ```text
//! cargo run --release --features transformer --example crossval -- \
//!     --model .cache/multilingual-e5-small [--dev ../shared/eval/dev] \
//!     [--corpus ../shared/corpus --corpus-every 100] [--folds 5] \
//!     [--hidden 256] [--ngrams 14] [--no-embedding] [--out head.safetensors]
//! ```
//!
//! What it does, in order:
//!
//! 1. Reads the labelled items (`text`, `label`, `source`; the file name is the group) and tags
//!    each with the rules (embedded default lexicon), keeping the rules' verdict and scores.
//! 2. Picks benign lines from the corpus files (`*.txt`, one document per line): one line in
//!    `--corpus-every`, chosen by a stable hash of the line, then split by another bit of the
//!    same hash into a half that is trained on (as `neutral`) and a half that is only scored.
//! 3. Embeds every text with the model (cached under `--cache`, keyed by the texts' hash).
//! 4. Trains a softmax head over five labels, two ways: on the embedding alone, and on the
//!    embedding with the rules' five scores appended ("stacked"). The head is linear, or has one
//!    ReLU layer of `--hidden` units; `--ngrams BITS` adds hashed character 1–4-grams and words
//!    of the folded text (2^BITS buckets, `log(1 + count)`, L2-normalised) through a linear layer
//!    of their own, whose logits add to the head's; `--no-embedding` leaves the embedding out.
//!    Training is full-batch Adam (`--epochs`, `--lr`, `--weight-decay`), seeded. Out-of-fold predictions
//!    come from k-fold cross-validation done twice: shuffled (seeded), and grouped by source, so
//!    that every source is predicted by a head that never saw it.
//! 5. Reports, per protocol, harmful-vs-benign precision, recall and F1 of: the rules; the head
//!    alone; rules OR head; the stacked head. A head says harmful when its three harmful
//!    probabilities sum to at least a threshold; the threshold shown is the one giving the best F1
//!    with precision ≥ 0.80 on the out-of-fold predictions (an upper bound: picked on the data it
//!    is reported on), and the benign half of the corpus that no head trained on gives its false
//!    alarm rate at that threshold, per language.
//!
//! With `--out`, the embedding head trained on everything (dev plus the training half of the
//! corpus) is written for `TransformerBuilder::head_path`.
//!
//! With `--finetune K`, step 4 changes: instead of heads on frozen embeddings, each fold
//! fine-tunes the encoder's top K layers together with a head (fed the rules' scores unless
//! `--no-stack`, and the n-gram block with `--ngrams`), starting again from the pre-trained
//! weights; the frozen layers' output is computed once and cached (`finetune.rs`). It reports
//! the fine-tuned head and rules OR it, in both protocols.
//!
//! ```text
//! cargo run --release --features transformer --example crossval -- \
//!     --model .cache/multilingual-e5-small --finetune 2 --ngrams 14 \
//!     [--finetune-epochs 3] [--batch 32] [--finetune-lr 5e-5] [--head-lr 1e-3] [--max-tokens 128]
//! ```
#[path = "../shared/dev.rs"]
mod dev;
mod finetune;

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use clap::Parser;
use tahrid::model::transformer::Transformer;
use tahrid::normalize::Normalizer;
use tahrid::{Label, Tagger};
use tch::nn::{self, Module, OptimizerConfig};
use tch::{Device, Kind, Tensor};

#[derive(Parser)]
struct Args {
    /// The sentence-embedding model directory.
    #[arg(long)]
    model: PathBuf,
    /// Labelled JSONL files or directories of them.
    #[arg(long, default_value = "../shared/eval/dev")]
    dev: PathBuf,
    /// A directory of benign `*.txt` files, one document per line (empty string: none).
    #[arg(long, default_value = "../shared/corpus")]
    corpus: String,
    /// Keep one corpus line in this many (stable hash).
    #[arg(long, default_value_t = 100)]
    corpus_every: u64,
    /// Folds per protocol.
    #[arg(long, default_value_t = 5)]
    folds: usize,
    /// Where embeddings are cached.
    #[arg(long, default_value = ".cache/crossval")]
    cache: PathBuf,
    /// Frozen heads: full-batch training steps.
    #[arg(long, default_value_t = 300)]
    epochs: usize,
    /// Frozen heads: Adam learning rate.
    #[arg(long, default_value_t = 0.01)]
    lr: f64,
    /// Frozen heads: Adam weight decay.
    #[arg(long, default_value_t = 0.0001)]
    weight_decay: f64,
    /// A hidden layer of this width (ReLU) before the softmax; 0: a linear head.
    #[arg(long, default_value_t = 0)]
    hidden: i64,
    /// Add hashed character n-grams (1–4 letters inside words, and whole words, of the text as
    /// tahrid folds it) in 2^BITS buckets, through a linear layer of their own; 0: none.
    #[arg(long, default_value_t = 0)]
    ngrams: u32,
    /// Leave the embedding out (n-grams, and rules when stacked, only).
    #[arg(long)]
    no_embedding: bool,
    /// Write the embedding head trained on everything here.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Fine-tune this many of the encoder's top layers with the head in every fold, instead of
    /// training heads on frozen embeddings (see `finetune.rs`); 0: frozen.
    #[arg(long, default_value_t = 0)]
    finetune: usize,
    /// Fine-tuning: passes over the training texts.
    #[arg(long, default_value_t = 3)]
    finetune_epochs: usize,
    /// Fine-tuning: texts per step.
    #[arg(long, default_value_t = 32)]
    batch: usize,
    /// Fine-tuning: learning rate of the encoder layers (the head's is `--head-lr`).
    #[arg(long, default_value_t = 5e-5)]
    finetune_lr: f64,
    /// Fine-tuning: learning rate of the head.
    #[arg(long, default_value_t = 1e-3)]
    head_lr: f64,
    /// Fine-tuning: token limit per text.
    #[arg(long, default_value_t = 128)]
    max_tokens: usize,
    /// Fine-tuning: leave the rules' scores out of the head's inputs.
    #[arg(long)]
    no_stack: bool,
}

/// One text: gold label (None for corpus lines scored only), group, rules' output.
struct Item {
    text: String,
    gold: Label,
    group: String,
    rules_harmful: bool,
    rules: [f32; 5],
    /// Corpus lines: Some(true) trained on, Some(false) scored only; dev items: None.
    corpus_train: Option<bool>,
}

/// std's `DefaultHasher` (SipHash with fixed keys): the same on every run of one build; a Rust
/// release may change it, and with it which corpus lines are picked and the folds.
fn hash(s: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

fn load(args: &Args, tagger: &Tagger) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    let mut push = |text: String, gold: Label, group: String, corpus_train: Option<bool>| {
        let r = tagger.tag(&text);
        let s = r.verdict.scores;
        items.push(Item {
            rules_harmful: r.verdict.label.is_harmful(),
            rules: Label::ALL.map(|l| s.get(l)),
            text,
            gold,
            group,
            corpus_train,
        });
    };
    for (text, gold, group) in dev::read_labelled(&args.dev)? {
        push(text, gold, group, None);
    }
    if !args.corpus.is_empty() {
        for f in dev::files(Path::new(&args.corpus), "txt")? {
            let lang = f.file_stem().unwrap().to_string_lossy().into_owned();
            let body = std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
            for line in body.lines().map(str::trim).filter(|l| l.len() > 20) {
                let h = hash(line);
                if h % args.corpus_every.max(1) == 0 {
                    let train = (h >> 40) & 1 == 0;
                    push(
                        line.to_string(),
                        Label::Neutral,
                        format!("corpus:{lang}"),
                        Some(train),
                    );
                }
            }
        }
    }
    Ok(items)
}

/// Embeddings of every item, from the cache when the same texts were embedded before.
fn embed(args: &Args, items: &[Item]) -> Result<Vec<Vec<f32>>, Box<dyn std::error::Error>> {
    let key = hash(
        &items
            .iter()
            .map(|i| i.text.as_str())
            .collect::<Vec<_>>()
            .join("\u{1}"),
    );
    let name = args.model.file_name().unwrap_or_default().to_string_lossy();
    let path = args.cache.join(format!("{name}-{key:016x}.f32"));
    if let Ok(bytes) = std::fs::read(&path) {
        let dim = bytes.len() / 4 / items.len().max(1);
        let flat: Vec<f32> = bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes(b.try_into().unwrap()))
            .collect();
        eprintln!("crossval: embeddings from {}", path.display());
        return Ok(flat.chunks(dim).map(<[f32]>::to_vec).collect());
    }
    let model = Transformer::builder(&args.model)
        .default_exemplars(false)
        .exemplars([tahrid::model::transformer::Exemplar {
            text: "-".into(),
            label: Label::Neutral,
        }])
        .build()?;
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| items[i].text.len());
    let mut out = vec![Vec::new(); items.len()];
    let start = std::time::Instant::now();
    for (n, chunk) in order.chunks(16).enumerate() {
        let texts: Vec<&str> = chunk.iter().map(|&i| items[i].text.as_str()).collect();
        for (&i, v) in chunk.iter().zip(model.embed(&texts)?) {
            out[i] = v;
        }
        if n % 25 == 0 {
            eprintln!(
                "crossval: embedded {} of {} ({:.0?})",
                n * 16,
                items.len(),
                start.elapsed()
            );
        }
    }
    std::fs::create_dir_all(&args.cache)?;
    let bytes: Vec<u8> = out.iter().flatten().flat_map(|x| x.to_le_bytes()).collect();
    std::fs::write(&path, bytes)?;
    Ok(out)
}

fn slot(l: Label) -> i64 {
    Label::ALL.iter().position(|&x| x == l).unwrap() as i64
}

/// The stable FNV-1a hash of an n-gram (bucket numbers must not change between runs).
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

/// Hashed n-gram counts of the folded text, `log(1 + count)`, L2-normalised.
fn ngram_vector(norm: &Normalizer, text: &str, bits: u32) -> Vec<(usize, f32)> {
    let folded = norm.fold_str(text);
    let mut counts: BTreeMap<usize, f32> = BTreeMap::new();
    let mask = (1u64 << bits) - 1;
    for word in folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        *counts
            .entry((fnv(word.as_bytes()) & mask) as usize)
            .or_default() += 1.0;
        let padded: Vec<char> = std::iter::once(' ')
            .chain(word.chars())
            .chain([' '])
            .collect();
        for n in 1..=4 {
            for w in padded.windows(n) {
                let s: String = w.iter().collect();
                let h = fnv(format!("{n}{s}").as_bytes()) & mask;
                *counts.entry(h as usize).or_default() += 1.0;
            }
        }
    }
    let mut v: Vec<(usize, f32)> = counts.into_iter().map(|(k, c)| (k, c.ln_1p())).collect();
    let norm2 = v.iter().map(|(_, x)| x * x).sum::<f32>().sqrt().max(1e-9);
    v.iter_mut().for_each(|(_, x)| *x /= norm2);
    v
}

/// A head's inputs: dense features, and the n-gram block when there is one.
struct Inputs {
    dense: Tensor,
    ngrams: Option<Tensor>,
}

/// A trained head and the variables it lives in.
struct Head {
    _vs: nn::VarStore,
    net: nn::Sequential,
    ngrams: Option<nn::Linear>,
}

impl Head {
    fn logits(&self, x: &Inputs) -> Tensor {
        let dense = self.net.forward(&x.dense);
        match (&self.ngrams, &x.ngrams) {
            (Some(l), Some(g)) => dense + l.forward(g),
            _ => dense,
        }
    }
}

/// Trains a softmax head over the five labels (linear, or with one hidden layer).
fn train(args: &Args, inputs: &Inputs, y: &Tensor) -> Head {
    let x = &inputs.dense;
    tch::manual_seed(0);
    let vs = nn::VarStore::new(Device::Cpu);
    let root = vs.root();
    let head = if args.hidden > 0 {
        nn::seq()
            .add(nn::linear(
                &root / "hidden",
                x.size()[1],
                args.hidden,
                Default::default(),
            ))
            .add_fn(|t| t.relu())
            .add(nn::linear(
                &root / "head",
                args.hidden,
                5,
                Default::default(),
            ))
    } else {
        nn::seq().add(nn::linear(
            &root / "head",
            x.size()[1],
            5,
            Default::default(),
        ))
    };
    let ngrams = inputs.ngrams.as_ref().map(|g| {
        let no_bias = nn::LinearConfig {
            bias: false,
            ..Default::default()
        };
        nn::linear(&root / "ngrams", g.size()[1], 5, no_bias)
    });
    let head = Head {
        _vs: vs,
        net: head,
        ngrams,
    };
    let mut opt = nn::Adam {
        wd: args.weight_decay,
        ..Default::default()
    }
    .build(&head._vs, args.lr)
    .expect("optimizer");
    for _ in 0..args.epochs {
        let loss = head.logits(inputs).cross_entropy_for_logits(y);
        opt.backward_step(&loss);
    }
    head
}

fn harmful_prob(head: &Head, x: &Inputs) -> Vec<f32> {
    let p = tch::no_grad(|| head.logits(x).softmax(-1, Kind::Float));
    let h = p.narrow(1, 0, 3).sum_dim_intlist(1, false, Kind::Float);
    Vec::<f32>::try_from(h).expect("a float vector")
}

/// The threshold with the best F1 at precision ≥ 0.80, or (`false`) the best F1 when no
/// threshold reaches that precision, and its numbers.
fn best(gold: &[bool], scores: &[f32], rules: Option<&[bool]>) -> (f32, (f64, f64, f64), bool) {
    let mut best = (1.0, (0.0, 0.0, 0.0));
    let mut fallback = best;
    for t in (1..100).map(|i| i as f32 / 100.0) {
        let pred: Vec<bool> = (0..gold.len())
            .map(|i| scores[i] >= t || rules.is_some_and(|r| r[i]))
            .collect();
        let m = dev::prf(gold, &pred);
        if m.0 >= 0.8 && m.2 > best.1 .2 {
            best = (t, m);
        }
        if m.2 > fallback.1 .2 {
            fallback = (t, m);
        }
    }
    if best.1 .2 > 0.0 {
        (best.0, best.1, true)
    } else {
        (fallback.0, fallback.1, false)
    }
}

/// The fold of each dev item, shuffled (by a hash of its position and text) and grouped by
/// source (the largest sources first, each to the fold with the fewest items so far).
fn folds(items: &[Item], dev: &[usize], k: usize) -> (Vec<usize>, Vec<usize>) {
    let shuffled: Vec<usize> = dev
        .iter()
        .map(|&i| (hash(&format!("{i}:{}", items[i].text)) % k as u64) as usize)
        .collect();
    let mut sizes: BTreeMap<&str, usize> = BTreeMap::new();
    for &i in dev {
        *sizes.entry(items[i].group.as_str()).or_default() += 1;
    }
    let fold_of_group = dev::group_folds(&sizes, k);
    let grouped = dev
        .iter()
        .map(|&i| fold_of_group[items[i].group.as_str()])
        .collect();
    (shuffled, grouped)
}

/// Prints one row: the threshold and its numbers, the held-out corpus lines flagged per
/// language, and the same per source.
fn report(
    what: &str,
    items: &[Item],
    dev: &[usize],
    held: &[usize],
    scores: (&[f32], &[f32]),
    rules: Option<&[bool]>,
) {
    let (oof, held_scores) = scores;
    let gold: Vec<bool> = dev.iter().map(|&i| items[i].gold.is_harmful()).collect();
    let (t, (p, r, f), at_precision) = best(&gold, oof, rules);
    let mut fa: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (n, &i) in held.iter().enumerate() {
        let e = fa.entry(items[i].group.as_str()).or_default();
        e.0 += usize::from(held_scores[n] >= t || (rules.is_some() && items[i].rules_harmful));
        e.1 += 1;
    }
    let fa: Vec<String> = fa
        .iter()
        .map(|(g, (a, n))| {
            let g = g.trim_start_matches("corpus:");
            format!("{g} {:.1}% ({a}/{n})", 100.0 * *a as f64 / *n as f64)
        })
        .collect();
    let note = if at_precision {
        ""
    } else {
        " (no threshold reaches P 0.80)"
    };
    println!(
        "{what:14} t={t:.2}: P {p:.3} R {r:.3} F1 {f:.3}{note} | corpus false alarms: {}",
        fa.join(", ")
    );
    let mut per: BTreeMap<&str, (Vec<bool>, Vec<bool>)> = BTreeMap::new();
    for (j, &i) in dev.iter().enumerate() {
        let e = per.entry(items[i].group.as_str()).or_default();
        e.0.push(gold[j]);
        e.1.push(oof[j] >= t || rules.is_some_and(|r| r[j]));
    }
    for (g, (gs, ps)) in per {
        let (p, r, f) = dev::prf(&gs, &ps);
        let harmful = gs.iter().filter(|&&x| x).count();
        println!(
            "    {g:34} n={:4} harmful={harmful:4} P {p:.3} R {r:.3} F1 {f:.3}",
            gs.len()
        );
    }
}

/// Which items are dev items, corpus lines trained on, and corpus lines only scored.
struct Sets<'a> {
    dev: &'a [usize],
    corpus_train: &'a [usize],
    corpus_held: &'a [usize],
}

/// `--finetune K`: both protocols with the top K layers fine-tuned in every fold.
fn finetuned(
    args: &Args,
    items: &[Item],
    vectors: &[Vec<f32>],
    sparse: &[Vec<(usize, f32)>],
    sets: &Sets,
    protocols: [&[usize]; 2],
    rules: &[bool],
) -> Result<(), Box<dyn std::error::Error>> {
    let s = finetune::Settings {
        layers: args.finetune,
        epochs: args.finetune_epochs,
        batch: args.batch,
        lr: args.finetune_lr,
        head_lr: args.head_lr,
        max_tokens: args.max_tokens,
    };
    let enc = finetune::Encoder::load(&args.model, s.max_tokens)?;
    // the forward pass written for training must give tahrid's embeddings
    let mut short: Vec<usize> = sets.dev.to_vec();
    short.sort_by_key(|&i| (items[i].text.len(), i));
    let probe: Vec<usize> = short.into_iter().skip(100).step_by(200).take(8).collect();
    let texts: Vec<&str> = probe.iter().map(|&i| items[i].text.as_str()).collect();
    let reference: Vec<Vec<f32>> = probe.iter().map(|&i| vectors[i].clone()).collect();
    let cosine = enc.check(&texts, &reference)?;
    println!("own forward pass against tahrid's Transformer: lowest cosine {cosine:.6}");
    if cosine < 0.999 {
        return Err("the fine-tuning forward pass does not match the model's embeddings".into());
    }
    let all: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
    let name = args.model.file_name().unwrap_or_default().to_string_lossy();
    let key = hash(&format!("{}\u{2}{}", all.join("\u{1}"), enc.identity()));
    let upto = enc.depth().saturating_sub(s.layers);
    let cache = args
        .cache
        .join(format!("{name}-{key:016x}-below{upto}-{}.ot", s.max_tokens));
    let states = enc.frozen_states(&all, &s, &cache)?;
    let extra: Vec<Vec<f32>> = if args.no_stack {
        Vec::new()
    } else {
        items.iter().map(|i| i.rules.to_vec()).collect()
    };
    let side = finetune::Side {
        extra: &extra,
        ngrams: sparse,
        ngram_bits: args.ngrams,
    };
    let k = args.folds.max(2);
    let what = if args.no_stack {
        "head"
    } else {
        "stacked head"
    };
    println!(
        "fine-tuning the top {} layers, {} epochs, batch {}, lr {} (head {}), {} tokens at most, inputs: e5{}{}",
        s.layers,
        s.epochs,
        s.batch,
        s.lr,
        s.head_lr,
        s.max_tokens,
        if args.no_stack { "" } else { " + rules' scores" },
        if args.ngrams > 0 { " + n-grams" } else { "" }
    );
    for (name, folds) in ["shuffled", "grouped by source"].into_iter().zip(protocols) {
        println!("\n== {k}-fold, {name}, fine-tuned");
        let mut oof = vec![0f32; sets.dev.len()];
        let mut held = vec![0f32; sets.corpus_held.len()];
        for fold in 0..k {
            let (test, train_pos): (Vec<usize>, Vec<usize>) =
                (0..sets.dev.len()).partition(|&j| folds[j] == fold);
            let mut train_idx: Vec<usize> = train_pos.iter().map(|&j| sets.dev[j]).collect();
            train_idx.extend(sets.corpus_train);
            let test_idx: Vec<usize> = test.iter().map(|&j| sets.dev[j]).collect();
            let y: Vec<i64> = train_idx.iter().map(|&i| slot(items[i].gold)).collect();
            eprintln!("finetune: {name}, fold {} of {k}", fold + 1);
            let p = finetune::train_predict(
                &enc,
                &states,
                &side,
                &train_idx,
                &y,
                &[&test_idx, sets.corpus_held],
                &s,
            )?;
            for (&j, &x) in test.iter().zip(&p[0]) {
                oof[j] = x;
            }
            for (h, &x) in held.iter_mut().zip(&p[1]) {
                *h += x / k as f32;
            }
        }
        let rows: [(&str, Option<&[bool]>); 2] = [(what, None), ("rules OR it", Some(rules))];
        for (label, with_rules) in rows {
            report(
                label,
                items,
                sets.dev,
                sets.corpus_held,
                (&oof, &held),
                with_rules,
            );
        }
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let tagger = Tagger::builder().build()?;
    let items = load(&args, &tagger)?;
    let vectors = embed(&args, &items)?;
    let dim = if args.no_embedding {
        0
    } else {
        vectors.first().map_or(0, Vec::len)
    };
    let norm = Normalizer::default();
    let sparse: Vec<Vec<(usize, f32)>> = match args.ngrams {
        0 => Vec::new(),
        bits => items
            .iter()
            .map(|i| ngram_vector(&norm, &i.text, bits))
            .collect(),
    };
    let features = |stacked: bool, idx: &[usize]| {
        let flat: Vec<f32> = idx
            .iter()
            .flat_map(|&i| {
                // with neither embedding nor rules, one constant column (a bias)
                let extra: &[f32] = match (stacked, dim) {
                    (true, _) => &items[i].rules,
                    (false, 0) => &[1.0],
                    (false, _) => &[],
                };
                vectors[i][..dim].iter().chain(extra).copied()
            })
            .collect();
        let width = flat.len() / idx.len().max(1);
        let ngrams = (args.ngrams > 0).then(|| {
            let width = 1usize << args.ngrams;
            let mut m = vec![0f32; idx.len() * width];
            for (row, &i) in idx.iter().enumerate() {
                for &(k, x) in &sparse[i] {
                    m[row * width + k] = x;
                }
            }
            Tensor::from_slice(&m).view([idx.len() as i64, width as i64])
        });
        Inputs {
            dense: Tensor::from_slice(&flat).view([idx.len() as i64, width as i64]),
            ngrams,
        }
    };
    let targets = |idx: &[usize]| {
        Tensor::from_slice(&idx.iter().map(|&i| slot(items[i].gold)).collect::<Vec<_>>())
    };
    let dev: Vec<usize> = (0..items.len())
        .filter(|&i| items[i].corpus_train.is_none())
        .collect();
    let corpus_train: Vec<usize> = (0..items.len())
        .filter(|&i| items[i].corpus_train == Some(true))
        .collect();
    let corpus_held: Vec<usize> = (0..items.len())
        .filter(|&i| items[i].corpus_train == Some(false))
        .collect();
    println!(
        "{} dev items in {} sources; corpus lines: {} trained on, {} held out; embedding dim {dim}",
        dev.len(),
        dev.iter()
            .map(|&i| &items[i].group)
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        corpus_train.len(),
        corpus_held.len()
    );

    let k = args.folds.max(2);
    let (shuffled, grouped) = folds(&items, &dev, k);

    let gold: Vec<bool> = dev.iter().map(|&i| items[i].gold.is_harmful()).collect();
    let rules: Vec<bool> = dev.iter().map(|&i| items[i].rules_harmful).collect();
    let (p, r, f) = dev::prf(&gold, &rules);
    println!("\nrules alone: P {p:.3} R {r:.3} F1 {f:.3}");
    if args.finetune > 0 {
        if args.out.is_some() || args.hidden > 0 || args.no_embedding {
            return Err(
                "--finetune trains its own head: --out, --hidden and --no-embedding \
                        apply to the frozen heads only"
                    .into(),
            );
        }
        let sets = Sets {
            dev: &dev,
            corpus_train: &corpus_train,
            corpus_held: &corpus_held,
        };
        return finetuned(
            &args,
            &items,
            &vectors,
            &sparse,
            &sets,
            [&shuffled, &grouped],
            &rules,
        );
    }
    for (name, folds) in [("shuffled", &shuffled), ("grouped by source", &grouped)] {
        println!("\n== {k}-fold, {name}");
        let mut oof = [vec![0f32; dev.len()], vec![0f32; dev.len()]];
        let mut held = [vec![0f32; corpus_held.len()], vec![0f32; corpus_held.len()]];
        for fold in 0..k {
            let (test, train_pos): (Vec<usize>, Vec<usize>) =
                (0..dev.len()).partition(|&j| folds[j] == fold);
            let mut train_idx: Vec<usize> = train_pos.iter().map(|&j| dev[j]).collect();
            train_idx.extend(&corpus_train);
            let test_idx: Vec<usize> = test.iter().map(|&j| dev[j]).collect();
            for (s, stacked) in [false, true].into_iter().enumerate() {
                let head = train(&args, &features(stacked, &train_idx), &targets(&train_idx));
                for (&j, p) in test
                    .iter()
                    .zip(harmful_prob(&head, &features(stacked, &test_idx)))
                {
                    oof[s][j] = p;
                }
                for (h, p) in held[s]
                    .iter_mut()
                    .zip(harmful_prob(&head, &features(stacked, &corpus_held)))
                {
                    *h += p / k as f32;
                }
            }
        }
        let rows: [(&str, usize, Option<&[bool]>); 3] = [
            ("head alone", 0, None),
            ("rules OR head", 0, Some(&rules)),
            ("stacked head", 1, None),
        ];
        for (what, s, with_rules) in rows {
            report(
                what,
                &items,
                &dev,
                &corpus_held,
                (&oof[s], &held[s]),
                with_rules,
            );
        }
    }
    if let Some(out) = &args.out {
        let mut all = dev.clone();
        all.extend(&corpus_train);
        if args.hidden > 0 || args.ngrams > 0 || args.no_embedding {
            return Err("--out writes linear embedding heads only (no --hidden, --ngrams)".into());
        }
        let head = train(&args, &features(false, &all), &targets(&all));
        let vars = head._vs.variables();
        Tensor::write_safetensors(
            &[
                ("weight", &vars["head.weight"]),
                ("bias", &vars["head.bias"]),
            ],
            out,
        )?;
        println!("\nwrote {}", out.display());
    }
    Ok(())
}
