//! Scores tahrid against labelled JSONL and prints where it goes wrong.
//!
//! ```text
//! cargo run --release --example evaluate -- [OPTIONS] PATH...
//!   PATH             JSONL files or directories of them; fields `id`, `text`, `label`,
//!                    optional `expected_terms`, `ambiguous_matches`, `source`
//!   --errors N       how many worst errors to show per direction (default 15)
//!   --lexicon PATH   a lexicon directory or file instead of the embedded default
//!   --min-f1 X       exit 1 unless harmful-vs-benign F1 reaches X (for CI gates)
//!   --ngram          add the learned n-gram stage (embedded `models/ngram`; note that it was
//!                    trained on ../shared/eval/dev, so scoring that data with it is in-sample:
//!                    `examples/train_ngram.rs` gives the cross-validated numbers)
//!   --ngram-model DIR  the n-gram stage from another model directory
//!   --model DIR      rescore through the model cascade (needs `--features transformer`)
//!   --head PATH      with --model: a linear head (from examples/train_head.rs)
//!   --no-bank        with --model: leave out the default exemplar bank (tahrid's fixtures)
//!   --cascade FILE   with --model: a cascade policy instead of models/cascade/policy.toml
//! ```
//!
//! Labels: `sectarian_hate`, `incitement`, `extremist_propaganda` are harmful; `reporting`
//! (and `reporting_or_counter`) and `neutral` are benign. Prints the confusion matrix,
//! harmful-vs-benign precision/recall/F1, F1 per label, a per-source breakdown, span recall over
//! `expected_terms` (a term counts as found when a hit overlaps one of its occurrences), how many
//! items with `ambiguous_matches` got a hit on one of those collision-prone forms, and the worst
//! errors with their reasons.
#[path = "shared/dev.rs"]
mod dev;

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use serde_json::Value;
use tahrid::{Label, Report, Tagger};

#[derive(Parser)]
struct Args {
    /// JSONL files or directories.
    paths: Vec<PathBuf>,
    /// Worst errors to show per direction.
    #[arg(long, default_value_t = 15)]
    errors: usize,
    /// A lexicon directory or file instead of the embedded default.
    #[arg(long)]
    lexicon: Option<PathBuf>,
    /// Fail unless harmful-vs-benign F1 reaches this.
    #[arg(long)]
    min_f1: Option<f64>,
    /// Add the learned n-gram stage (the embedded model; in-sample on the dev data it was
    /// trained on).
    #[arg(long)]
    ngram: bool,
    /// The n-gram stage from this model directory.
    #[arg(long)]
    ngram_model: Option<PathBuf>,
    /// A transformer model directory for the cascade (needs `--features transformer`).
    #[arg(long)]
    model: Option<PathBuf>,
    /// With --model: a linear head file.
    #[arg(long)]
    head: Option<PathBuf>,
    /// With --model: leave out the default exemplar bank.
    #[arg(long)]
    no_bank: bool,
    /// With --model: a cascade policy file.
    #[arg(long)]
    cascade: Option<PathBuf>,
}

#[cfg(feature = "transformer")]
fn with_model(
    builder: tahrid::TaggerBuilder,
    args: &Args,
) -> Result<tahrid::TaggerBuilder, String> {
    let Some(dir) = &args.model else {
        return Ok(builder);
    };
    if !args.no_bank
        && args
            .paths
            .iter()
            .any(|p| p.to_string_lossy().contains("fixtures/functional"))
    {
        eprintln!(
            "evaluate: warning: the functional fixtures are the default exemplar bank, so each \
             text finds itself; use --no-bank with your own exemplars for a fair score"
        );
    }
    let mut m = tahrid::model::transformer::Transformer::builder(dir);
    if let Some(h) = &args.head {
        m = m.head_path(h);
    }
    if args.no_bank {
        m = m.default_exemplars(false);
    }
    let mut builder = builder.model(m.build().map_err(|e| e.to_string())?);
    if let Some(p) = &args.cascade {
        builder =
            builder.cascade(tahrid::model::CascadePolicy::from_path(p).map_err(|e| e.to_string())?);
    }
    Ok(builder)
}

#[cfg(not(feature = "transformer"))]
fn with_model(
    builder: tahrid::TaggerBuilder,
    args: &Args,
) -> Result<tahrid::TaggerBuilder, String> {
    match args.model {
        None => Ok(builder),
        Some(_) => Err("--model needs `--features transformer`".into()),
    }
}

struct Item {
    id: String,
    source: String,
    text: String,
    gold: Label,
    expected: Vec<String>,
    ambiguous: Vec<String>,
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn load(paths: &[PathBuf]) -> Result<Vec<Item>, String> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut v: Vec<_> = std::fs::read_dir(p)
                .map_err(|e| format!("cannot read {}: {e}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|e| e == "jsonl"))
                .collect();
            v.sort();
            files.extend(v);
        } else {
            files.push(p.clone());
        }
    }
    let mut items = Vec::new();
    for f in files {
        let file =
            std::fs::File::open(&f).map_err(|e| format!("cannot read {}: {e}", f.display()))?;
        let stem = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
            let line = line.map_err(|e| format!("{}:{}: {e}", f.display(), n + 1))?;
            if line.trim().is_empty() {
                continue;
            }
            let v: Value = serde_json::from_str(&line)
                .map_err(|e| format!("{}:{}: {e}", f.display(), n + 1))?;
            let text = v["text"]
                .as_str()
                .ok_or_else(|| format!("{}:{}: no text", f.display(), n + 1))?;
            let label = v["label"].as_str().unwrap_or("");
            let gold = dev::label(label)
                .ok_or_else(|| format!("{}:{}: unknown label `{label}`", f.display(), n + 1))?;
            items.push(Item {
                id: match &v["id"] {
                    Value::String(s) => s.clone(),
                    Value::Null => format!("{stem}:{}", n + 1),
                    other => other.to_string(),
                },
                source: v["source"]
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| stem.clone()),
                text: text.to_string(),
                gold,
                expected: strings(v.get("expected_terms")),
                ambiguous: strings(v.get("ambiguous_matches")),
            });
        }
    }
    Ok(items)
}

fn idx(l: Label) -> usize {
    Label::ALL.iter().position(|x| *x == l).unwrap_or(4)
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let mut paths = args.paths.clone();
    if paths.is_empty() {
        paths.push(PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/functional"
        )));
    }
    let items = match load(&paths) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("evaluate: {e}");
            return ExitCode::from(2);
        }
    };
    let mut builder = Tagger::builder().dfa(true);
    if let Some(l) = &args.lexicon {
        builder = builder.lexicon_path(l);
    }
    if let Some(dir) = &args.ngram_model {
        match tahrid::model::NgramModel::from_dir(dir) {
            Ok(m) => builder = builder.ngram(m),
            Err(e) => {
                eprintln!("evaluate: cannot load the n-gram model: {e}");
                return ExitCode::from(2);
            }
        }
    } else if args.ngram {
        builder = builder.ngram(tahrid::model::NgramModel::embedded().clone());
    }
    let tagger = match with_model(builder, &args).and_then(|b| b.build().map_err(|e| e.to_string()))
    {
        Ok(t) => t,
        Err(e) => {
            eprintln!("evaluate: {e}");
            return ExitCode::from(2);
        }
    };
    let texts: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
    let reports: Vec<Report> = tagger.tag_batch(&texts);

    let mut confusion = [[0usize; 5]; 5];
    let (mut tp, mut fp, mut fn_, mut tn) = (0, 0, 0, 0);
    let mut per_source: BTreeMap<&str, [usize; 5]> = BTreeMap::new(); // n, correct, tp, fp, fn
    let (mut terms, mut found) = (0usize, 0usize);
    let (mut amb_items, mut amb_tagged) = (0usize, 0usize);
    let mut misses = Vec::new();
    let mut alarms = Vec::new();
    for (item, r) in items.iter().zip(&reports) {
        let pred = r.verdict.label;
        confusion[idx(item.gold)][idx(pred)] += 1;
        let (g, p) = (item.gold.is_harmful(), pred.is_harmful());
        let s = per_source.entry(&item.source).or_default();
        s[0] += 1;
        s[1] += usize::from(item.gold == pred);
        match (g, p) {
            (true, true) => {
                tp += 1;
                s[2] += 1
            }
            (false, true) => {
                fp += 1;
                s[3] += 1;
                alarms.push((item, r));
            }
            (true, false) => {
                fn_ += 1;
                s[4] += 1;
                misses.push((item, r));
            }
            (false, false) => tn += 1,
        }
        for term in &item.expected {
            terms += 1;
            let hit = item
                .text
                .match_indices(term.as_str())
                .any(|(at, m)| r.hits.iter().any(|h| h.start < at + m.len() && at < h.end));
            found += usize::from(hit);
        }
        if !item.ambiguous.is_empty() {
            amb_items += 1;
            let tagged = r.hits.iter().any(|h| {
                item.ambiguous
                    .iter()
                    .any(|a| h.text.contains(a.as_str()) || a.contains(h.text.as_str()))
            });
            amb_tagged += usize::from(tagged);
        }
    }

    println!("{} items from {} sources\n", items.len(), per_source.len());
    println!("confusion matrix (rows gold, columns predicted):");
    print!("{:>22}", "");
    for l in Label::ALL {
        print!("{:>11}", &l.as_str()[..l.as_str().len().min(10)]);
    }
    println!();
    for (i, l) in Label::ALL.iter().enumerate() {
        print!("{:>22}", l.as_str());
        for v in confusion[i] {
            print!("{v:>11}");
        }
        println!();
    }
    let (p, rc) = (ratio(tp, tp + fp), ratio(tp, tp + fn_));
    let hb_f1 = f1(p, rc);
    println!(
        "\nharmful vs benign: precision {p:.3}  recall {rc:.3}  F1 {hb_f1:.3}  (tp {tp}, fp {fp}, fn {fn_}, tn {tn})"
    );
    println!("\nper label:");
    for (i, l) in Label::ALL.iter().enumerate() {
        let tp_l = confusion[i][i];
        let pred_l: usize = (0..5).map(|g| confusion[g][i]).sum();
        let gold_l: usize = confusion[i].iter().sum();
        let (pl, rl) = (ratio(tp_l, pred_l), ratio(tp_l, gold_l));
        println!(
            "  {:<22} precision {pl:.3}  recall {rl:.3}  F1 {:.3}  (gold {gold_l}, predicted {pred_l})",
            l.as_str(),
            f1(pl, rl)
        );
    }
    println!(
        "\nper source:                                   n  accuracy  harmful-recall  false-alarms"
    );
    for (src, s) in &per_source {
        let harmful = s[2] + s[4];
        let benign = s[0] - harmful;
        println!(
            "  {:<40} {:>6}  {:>8.3}  {:>14}  {:>12}",
            src,
            s[0],
            ratio(s[1], s[0]),
            if harmful > 0 {
                format!("{:.3} ({}/{})", ratio(s[2], harmful), s[2], harmful)
            } else {
                "-".into()
            },
            if benign > 0 {
                format!("{}/{}", s[3], benign)
            } else {
                "-".into()
            },
        );
    }
    println!(
        "\nspan recall over expected_terms: {found}/{terms} = {:.3}",
        ratio(found, terms)
    );
    println!(
        "items with ambiguous_matches tagged on a collision-prone form: {amb_tagged}/{amb_items}"
    );
    let show = |title: &str, list: &mut Vec<(&Item, &Report)>| {
        list.sort_by(|a, b| {
            let ka = a.1.verdict.scores.get(a.1.verdict.label);
            let kb = b.1.verdict.scores.get(b.1.verdict.label);
            kb.total_cmp(&ka)
        });
        println!(
            "\n{title} ({} in all, {} shown):",
            list.len(),
            args.errors.min(list.len())
        );
        for (item, r) in list.iter().take(args.errors) {
            let text: String = item.text.chars().take(140).collect();
            println!(
                "- {} [{}] gold {} -> {} ({:.2})\n    text: {}",
                item.id,
                item.source,
                item.gold.as_str(),
                r.verdict.label.as_str(),
                r.verdict.score,
                text.replace('\n', " ")
            );
            for reason in r.verdict.reasons.iter().take(6) {
                println!("    · {reason}");
            }
        }
    };
    show("false alarms (benign gold, harmful predicted)", &mut alarms);
    misses.sort_by_key(|(i, _)| i.id.clone());
    show("misses (harmful gold, benign predicted)", &mut misses);
    if let Some(min) = args.min_f1 {
        if hb_f1 < min {
            eprintln!("evaluate: harmful-vs-benign F1 {hb_f1:.3} is below {min}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
