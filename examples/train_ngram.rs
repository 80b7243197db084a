//! Trains and cross-validates the n-gram stage (`tahrid::model::NgramModel`), pure Rust.
//!
//! ```text
//! cargo run --release --example train_ngram -- [--dev ../shared/eval/dev]
//!     [--corpus ../shared/corpus] [--bits 16] [--out models/ngram]
//! ```
//!
//! **Data.** Every item of the labelled dev files (`text`, `label`), and benign lines of the
//! corpus as `neutral`. Corpus lines are split by a stable hash (FNV-1a of the line): the even
//! half is the training pool, of which one line in `--corpus-every` is trained on; the odd
//! half is never trained on and gives the false-alarm numbers.
//!
//! **Model.** A softmax over the five labels on `tahrid::model::ngram::features` of the folded
//! text, trained by full-batch Adam on the mean cross-entropy plus an L2 penalty.
//!
//! **Threshold.** The operating threshold is part of what is trained: inside the training
//! data, a 4-fold cross-validation gives out-of-fold scores, and the threshold is the one
//! with the best harmful F1 of the *combined* verdict (rules, or the model's evidence) among
//! those with precision ≥ `--min-precision` and a false-alarm rate ≤ `--max-false-alarms` %
//! on the training pool's corpus lines of every language. Then the model is fit on all of the
//! training data.
//!
//! **Evaluation.** 5-fold cross-validation of that whole procedure (nested), with folds
//! shuffled by a hash of the text and folds grouped by source; each outer fold's held-out dev
//! items are tagged by a real `Tagger` with the fold's model. Then the final model is fit on
//! everything and every held-out corpus line is tagged, rules alone and combined.
#[path = "shared/dev.rs"]
mod dev;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use clap::Parser;
use rayon::prelude::*;
use tahrid::classify::Weights;
use tahrid::model::{ngram, NgramModel};
use tahrid::{Label, Tagger};

#[derive(Parser)]
struct Args {
    /// Directory of labelled JSONL files (`text`, `label`).
    #[arg(long, default_value = "../shared/eval/dev")]
    dev: PathBuf,
    /// Directory of benign text files, one text per line, named by language (`en.txt`).
    #[arg(long, default_value = "../shared/corpus")]
    corpus: PathBuf,
    /// Train on one line in this many of the corpus's training half.
    #[arg(long, default_value_t = 8)]
    corpus_every: u64,
    /// Hash buckets: 2^bits.
    #[arg(long, default_value_t = 16)]
    bits: u32,
    /// Full-batch Adam steps.
    #[arg(long, default_value_t = 120)]
    epochs: usize,
    /// Adam learning rate.
    #[arg(long, default_value_t = 0.05)]
    lr: f32,
    /// L2 penalty on the weights.
    #[arg(long, default_value_t = 1e-5)]
    l2: f32,
    /// Lowest precision of the combined verdict a threshold may have (inner folds).
    #[arg(long, default_value_t = 0.80)]
    min_precision: f64,
    /// Highest false-alarm rate, in percent, on any language's training corpus lines
    /// (inner folds).
    #[arg(long, default_value_t = 0.25)]
    max_false_alarms: f64,
    /// Print up to this many held-out corpus lines per language that the n-gram stage
    /// flags (to standard error), to see what it gets wrong.
    #[arg(long, default_value_t = 0)]
    show_false_alarms: usize,
    /// Texts of fewer words get no say from the model (written into `model.toml`).
    #[arg(long, default_value_t = 3)]
    min_words: usize,
    /// Skip the outer cross-validation (fit and write the final model only).
    #[arg(long)]
    no_cv: bool,
    /// Write the final model here (`model.toml`, `weights.bin`).
    #[arg(long)]
    out: Option<PathBuf>,
}

/// FNV-1a: stable across builds and Rust releases, so the corpus split and folds are too.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

/// One training text.
struct Item {
    gold: Label,
    /// The dev file's stem, or `corpus:<lang>`.
    group: String,
    x: Vec<(u32, f32)>,
    rules_harmful: bool,
    reporting: f32,
    /// The rules report's language.
    lang: String,
    /// Words the model reads.
    words: usize,
    hash: u64,
    text: String,
    /// The folded text with the lexicon's hits blanked out: what the model reads.
    masked: String,
}

impl Item {
    fn is_corpus(&self) -> bool {
        self.group.starts_with("corpus:")
    }
}

fn stem(f: &Path) -> String {
    f.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The training items (dev, and the sampled even half of the corpus) and the held-out corpus
/// lines (the odd half) with their language.
/// Texts to train on (text, label, group) and held-out corpus lines (text, language).
type Loaded = (Vec<(String, Label, String)>, Vec<(String, String)>);

fn load(args: &Args) -> Result<Loaded, String> {
    let mut train = dev::read_labelled(&args.dev)?;
    let mut held = Vec::new();
    for f in dev::files(&args.corpus, "txt")? {
        let lang = stem(&f);
        let body = std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
        for line in body.lines().filter(|l| !l.trim().is_empty()) {
            let h = fnv(line.as_bytes());
            if h % 2 == 1 {
                held.push((line.to_string(), lang.clone()));
            } else if (h >> 8) % args.corpus_every.max(1) == 0 {
                train.push((line.to_string(), Label::Neutral, format!("corpus:{lang}")));
            }
        }
    }
    Ok((train, held))
}

fn slot(l: Label) -> usize {
    Label::ALL.iter().position(|&x| x == l).unwrap_or(4)
}

/// Fits the softmax by full-batch Adam; returns bias and weights.
fn fit(args: &Args, items: &[Item], idx: &[usize]) -> ([f32; 5], Vec<f32>) {
    let d = (1usize << args.bits) * 5;
    let mut w = vec![0f32; d + 5]; // weights, then bias
    let (mut m, mut v) = (vec![0f32; d + 5], vec![0f32; d + 5]);
    let (b1, b2, eps) = (0.9f32, 0.999f32, 1e-8f32);
    let n = idx.len().max(1) as f32;
    // fixed-size chunks summed in order: the same floats whatever the number of threads
    const CHUNK: usize = 1024;
    for step in 1..=args.epochs {
        let parts: Vec<Vec<f32>> = idx
            .par_chunks(CHUNK)
            .map(|part| {
                let mut g = vec![0f32; d + 5];
                for &i in part {
                    let it = &items[i];
                    let mut logits: [f32; 5] = w[d..].try_into().unwrap();
                    for &(b, x) in &it.x {
                        let row = &w[b as usize * 5..][..5];
                        for k in 0..5 {
                            logits[k] += x * row[k];
                        }
                    }
                    let mut p = softmax(logits);
                    p[slot(it.gold)] -= 1.0;
                    for &(b, x) in &it.x {
                        let row = &mut g[b as usize * 5..][..5];
                        for k in 0..5 {
                            row[k] += x * p[k];
                        }
                    }
                    for k in 0..5 {
                        g[d + k] += p[k];
                    }
                }
                g
            })
            .collect();
        let mut grad = vec![0f32; d + 5];
        for part in &parts {
            grad.iter_mut().zip(part).for_each(|(x, y)| *x += y);
        }
        let (c1, c2) = (1.0 - b1.powi(step as i32), 1.0 - b2.powi(step as i32));
        for j in 0..d + 5 {
            let reg = if j < d { args.l2 * w[j] } else { 0.0 };
            let g = grad[j] / n + reg;
            m[j] = b1 * m[j] + (1.0 - b1) * g;
            v[j] = b2 * v[j] + (1.0 - b2) * g * g;
            w[j] -= args.lr * (m[j] / c1) / ((v[j] / c2).sqrt() + eps);
        }
    }
    let bias: [f32; 5] = w[d..].try_into().unwrap();
    w.truncate(d);
    (bias, w)
}

fn softmax(l: [f32; 5]) -> [f32; 5] {
    let max = l.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let e = l.map(|x| (x - max).exp());
    let s: f32 = e.iter().sum();
    e.map(|x| x / s)
}

fn model(
    args: &Args,
    (bias, weights): ([f32; 5], Vec<f32>),
    t: f32,
    languages: &[&str],
) -> NgramModel {
    NgramModel::from_parts("tahrid-ngram", args.bits, t, bias, weights)
        .expect("the trainer builds valid models")
        .with_languages(languages)
        .with_min_words(args.min_words)
}

/// The languages the model may count for: those the rules report for at least 10% of one
/// corpus file's training lines (the benign text whose false alarms are measured).
fn languages(items: &[Item]) -> Vec<&str> {
    let mut per: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for it in items.iter().filter(|i| i.is_corpus()) {
        *per.entry(&it.group)
            .or_default()
            .entry(&it.lang)
            .or_default() += 1;
    }
    let mut out: Vec<&str> = per
        .values()
        .flat_map(|codes| {
            let n: usize = codes.values().sum();
            codes
                .iter()
                .filter(move |(_, &c)| c * 10 >= n)
                .map(|(&l, _)| l)
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Harmful probability mass of each item under a fitted model.
fn masses(m: &NgramModel, items: &[Item], idx: &[usize]) -> Vec<f32> {
    idx.par_iter()
        .map(|&i| m.probabilities_folded(&items[i].masked)[..3].iter().sum())
        .collect()
}

/// Fits on `idx` and picks the threshold by an inner 4-fold cross-validation (see the module
/// docs). Returns the model and whether some threshold met both limits.
fn fit_select(
    args: &Args,
    items: &[Item],
    idx: &[usize],
    w: &Weights,
    langs: &[&str],
) -> (NgramModel, bool) {
    let inner = |i: usize| ((items[i].hash >> 20) % 4) as usize;
    let mut oof = vec![0f32; idx.len()];
    for f in 0..4 {
        let tr: Vec<usize> = idx.iter().copied().filter(|&i| inner(i) != f).collect();
        let te: Vec<usize> = (0..idx.len()).filter(|&j| inner(idx[j]) == f).collect();
        let m = model(args, fit(args, items, &tr), 0.5, langs);
        let te_items: Vec<usize> = te.iter().map(|&j| idx[j]).collect();
        for (j, s) in te.iter().zip(masses(&m, items, &te_items)) {
            oof[*j] = s;
        }
    }
    let params = fit(args, items, idx);
    let probe = model(args, params.clone(), 0.5, langs);
    let mut best: Option<(f32, usize)> = None;
    for t in (5..100).map(|k| k as f32 / 100.0) {
        let m = probe.clone().with_threshold(t);
        let pred: Vec<bool> = idx
            .iter()
            .zip(&oof)
            .map(|(&i, &s)| {
                let it = &items[i];
                it.rules_harmful
                    || (m.covers(&it.lang)
                        && it.words >= m.min_words()
                        && m.evidence(s, it.reporting, w) >= w.threshold)
            })
            .collect();
        // the model's additions: what it flags that the rules do not
        let (mut gold, mut added) = (Vec::new(), Vec::new());
        let mut fa: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for (j, &i) in idx.iter().enumerate() {
            let add = pred[j] && !items[i].rules_harmful;
            if items[i].is_corpus() {
                let e = fa.entry(&items[i].group).or_default();
                e.0 += usize::from(add);
                e.1 += 1;
            } else if !items[i].rules_harmful {
                gold.push(items[i].gold.is_harmful());
                added.push(add);
            }
        }
        let worst = fa
            .values()
            .map(|(a, n)| 100.0 * *a as f64 / (*n).max(1) as f64)
            .fold(0.0, f64::max);
        let (p, r, _) = dev::prf(&gold, &added);
        let tp = gold.iter().zip(&added).filter(|(g, a)| **g && **a).count();
        if std::env::var_os("TRAIN_NGRAM_TRACE").is_some() {
            eprintln!(
                "t {t:.2}: added P {p:.3} R {r:.3} ({tp}) worst added corpus FA {worst:.2}% {fa:?}"
            );
        }
        if p >= args.min_precision
            && worst <= args.max_false_alarms
            && best.map_or(true, |b| tp > b.1)
        {
            best = Some((t, tp));
        }
    }
    match best {
        Some((t, _)) => (model(args, params, t, langs), true),
        None => (model(args, params, 0.99, langs), false),
    }
}

fn main() {
    if let Err(e) = run() {
        eprintln!("train_ngram: {e}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let started = std::time::Instant::now();
    let (train, held) = load(&args)?;
    let rules = Tagger::default();
    let w = Weights::embedded();
    let items: Vec<Item> = train
        .into_par_iter()
        .map(|(text, gold, group)| {
            let e = rules.explain(&text);
            let spans: Vec<_> = e
                .folded_spans
                .iter()
                .map(|(words, _)| words.clone())
                .collect();
            let masked = ngram::mask(e.folded.as_str(), &spans);
            let r = e.report;
            let mut x = Vec::new();
            let words = ngram::features(&masked, args.bits, &mut x);
            Item {
                gold,
                x,
                rules_harmful: r.verdict.label.is_harmful(),
                reporting: r.verdict.scores.reporting,
                lang: r.lang,
                words,
                hash: fnv(text.as_bytes()),
                group,
                text,
                masked,
            }
        })
        .collect();
    let dev: Vec<usize> = (0..items.len())
        .filter(|&i| !items[i].is_corpus())
        .collect();
    eprintln!(
        "train_ngram: {} dev items, {} corpus lines to train on, {} held out ({:.0?})",
        dev.len(),
        items.len() - dev.len(),
        held.len(),
        started.elapsed()
    );
    let langs = languages(&items);
    eprintln!("train_ngram: the model counts for {langs:?}");
    if !args.no_cv {
        cross_validate(&args, &items, &dev, w, &langs)?;
    }
    let all: Vec<usize> = (0..items.len()).collect();
    let (final_model, met) = fit_select(&args, &items, &all, w, &langs);
    println!(
        "\nfinal model: threshold {:.2}{} ({:.0?})",
        final_model.threshold(),
        if met {
            ""
        } else {
            " (no threshold met both limits: the most conservative)"
        },
        started.elapsed()
    );
    // every held-out corpus line, rules alone and combined
    let combined = Tagger::builder().ngram(final_model.clone()).build()?;
    let mut fa: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
    let mut distinct: BTreeMap<&str, (BTreeSet<&str>, BTreeSet<&str>)> = BTreeMap::new();
    let flags: Vec<(bool, bool)> = held
        .par_iter()
        .map(|(t, _)| {
            (
                rules.tag(t).verdict.label.is_harmful(),
                combined.tag(t).verdict.label.is_harmful(),
            )
        })
        .collect();
    for ((text, lang), (r, c)) in held.iter().zip(flags) {
        let e = fa.entry(lang).or_default();
        if c && !r && e[1] < args.show_false_alarms {
            let p = final_model.probabilities(text);
            eprintln!(
                "[{lang}] {p:.2?} {}",
                text.chars().take(300).collect::<String>()
            );
        }
        e[0] += usize::from(r);
        e[1] += usize::from(c);
        e[2] += 1;
        let d = distinct.entry(lang).or_default();
        d.0.insert(text);
        if c {
            d.1.insert(text);
        }
    }
    println!("\nheld-out corpus lines (never trained on) flagged harmful:");
    println!(
        "| lang | lines | rules | rules + n-gram | distinct lines | rules + n-gram |\n\
         | --- | --- | --- | --- | --- | --- |"
    );
    for (lang, [r, c, n]) in &fa {
        let pct = |a: usize| 100.0 * a as f64 / *n as f64;
        let (all, flagged) = &distinct[lang];
        println!(
            "| {lang} | {n} | {r} ({:.2}%) | {c} ({:.2}%) | {} | {} ({:.2}%) |",
            pct(*r),
            pct(*c),
            all.len(),
            flagged.len(),
            100.0 * flagged.len() as f64 / all.len().max(1) as f64
        );
    }
    if let Some(dir) = &args.out {
        let cmd: Vec<String> = std::env::args().skip(1).collect();
        let m = final_model.with_provenance(&format!(
            "trained by `cargo run --release --example train_ngram -- {}` on the labelled dev \
             files in {} ({} items; their texts are not in this repository) and {} benign \
             corpus lines from {} (even FNV half, 1 in {}); threshold \
             picked by inner 4-fold CV (precision >= {}, corpus false alarms <= {}%)",
            cmd.join(" "),
            args.dev.display(),
            dev.len(),
            items.len() - dev.len(),
            args.corpus.display(),
            args.corpus_every,
            args.min_precision,
            args.max_false_alarms
        ));
        m.write_dir(dir)?;
        println!("\nwrote {}", dir.display());
    }
    Ok(())
}

/// Nested cross-validation, shuffled and grouped by source; prints P/R/F1 of the rules and
/// of the combined verdict, and a per-source table.
fn cross_validate(
    args: &Args,
    items: &[Item],
    dev: &[usize],
    w: &Weights,
    langs: &[&str],
) -> Result<(), Box<dyn std::error::Error>> {
    let k = 5;
    let mut sizes: BTreeMap<&str, usize> = BTreeMap::new();
    for &i in dev {
        *sizes.entry(&items[i].group).or_default() += 1;
    }
    let group_fold = dev::group_folds(&sizes, k);
    let corpus_fold = |i: usize| ((items[i].hash >> 40) % k as u64) as usize;
    type FoldOf<'a> = Box<dyn Fn(usize) -> usize + Sync + 'a>;
    let protocols: [(&str, FoldOf); 2] = [
        (
            "shuffled",
            Box::new(|i| ((items[i].hash >> 40) % k as u64) as usize),
        ),
        (
            "grouped by source",
            Box::new(|i| {
                if items[i].is_corpus() {
                    corpus_fold(i)
                } else {
                    group_fold[items[i].group.as_str()]
                }
            }),
        ),
    ];
    for (name, fold) in &protocols {
        let mut pred = vec![(false, false); items.len()];
        let mut thresholds = Vec::new();
        for f in 0..k {
            let tr: Vec<usize> = (0..items.len()).filter(|&i| fold(i) != f).collect();
            let (m, met) = fit_select(args, items, &tr, w, langs);
            thresholds.push(format!(
                "{:.2}{}",
                m.threshold(),
                if met { "" } else { "*" }
            ));
            let tagger = Tagger::builder().ngram(m).build()?;
            let te: Vec<usize> = dev.iter().copied().filter(|&i| fold(i) == f).collect();
            let texts: Vec<&str> = te.iter().map(|&i| items[i].text.as_str()).collect();
            for (&i, r) in te.iter().zip(tagger.tag_batch(&texts)) {
                pred[i] = (items[i].rules_harmful, r.verdict.label.is_harmful());
            }
        }
        println!(
            "\n## {name} (5 folds; thresholds {}; * = no threshold met both limits)\n",
            thresholds.join(", ")
        );
        println!("| source | n | harmful | rules P / R / F1 | combined P / R / F1 |");
        println!("| --- | --- | --- | --- | --- |");
        let mut per: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for &i in dev {
            per.entry(&items[i].group).or_default().push(i);
        }
        per.insert("**all**", dev.to_vec());
        for (g, idx) in per {
            let gold: Vec<bool> = idx.iter().map(|&i| items[i].gold.is_harmful()).collect();
            let r: Vec<bool> = idx.iter().map(|&i| pred[i].0).collect();
            let c: Vec<bool> = idx.iter().map(|&i| pred[i].1).collect();
            let (rp, rr, rf) = dev::prf(&gold, &r);
            let (cp, cr, cf) = dev::prf(&gold, &c);
            println!(
                "| {g} | {} | {} | {rp:.3} / {rr:.3} / {rf:.3} | {cp:.3} / {cr:.3} / {cf:.3} |",
                idx.len(),
                gold.iter().filter(|&&x| x).count()
            );
        }
    }
    Ok(())
}
