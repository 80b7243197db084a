//! Helpers shared by the examples that read labelled data (`evaluate`, `crossval`,
//! `train_ngram`), included with `#[path = "shared/dev.rs"] mod dev;`. Cargo does not build
//! this directory as an example of its own.
#![allow(dead_code)] // each example uses a part

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tahrid::Label;

/// A label name of labelled data: tahrid's five, and `reporting_or_counter` (the dev data's
/// name for reporting and counter-speech together).
pub fn label(s: &str) -> Option<Label> {
    Some(match s {
        "sectarian_hate" => Label::SectarianHate,
        "incitement" => Label::Incitement,
        "extremist_propaganda" => Label::ExtremistPropaganda,
        "reporting" | "reporting_or_counter" => Label::Reporting,
        "neutral" => Label::Neutral,
        _ => return None,
    })
}

/// The files ending in `.ext` in a directory, sorted; a file is a list of itself.
pub fn files(p: &Path, ext: &str) -> Result<Vec<PathBuf>, String> {
    if p.is_file() {
        return Ok(vec![p.to_path_buf()]);
    }
    let mut v: Vec<PathBuf> = std::fs::read_dir(p)
        .map_err(|e| format!("{}: {e}", p.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|f| f.extension().is_some_and(|e| e == ext))
        .collect();
    v.sort();
    Ok(v)
}

/// Every item of the labelled JSONL files in `dir` (or the one file `dir`): its text, label
/// and group (the file's stem), in file order. An item without a `text` string or a known
/// `label` is an error naming its file and line.
pub fn read_labelled(dir: &Path) -> Result<Vec<(String, Label, String)>, String> {
    let mut items = Vec::new();
    for f in files(dir, "jsonl")? {
        let group = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let body = std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
        for (n, line) in body.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let v: serde_json::Value = serde_json::from_str(line)
                .map_err(|e| format!("{}:{}: {e}", f.display(), n + 1))?;
            match (v["text"].as_str(), v["label"].as_str().and_then(label)) {
                (Some(t), Some(l)) => items.push((t.to_string(), l, group.clone())),
                _ => {
                    return Err(format!(
                        "{}:{}: needs `text` and a known `label`",
                        f.display(),
                        n + 1
                    ))
                }
            }
        }
    }
    Ok(items)
}

/// Precision, recall and F1 of harmful-vs-benign decisions (0 where undefined).
pub fn prf(gold: &[bool], pred: &[bool]) -> (f64, f64, f64) {
    let count = |g: bool, p: bool| {
        gold.iter()
            .zip(pred)
            .filter(|(a, b)| **a == g && **b == p)
            .count() as f64
    };
    let (tp, fp, fneg) = (count(true, true), count(false, true), count(true, false));
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    let (p, r) = (ratio(tp, tp + fp), ratio(tp, tp + fneg));
    (p, r, ratio(2.0 * p * r, p + r))
}

/// The fold of each group when folds are grouped by source: the largest groups first, each to
/// the fold with the fewest items so far (ties: the first such fold; equal sizes: by name).
pub fn group_folds<'a>(sizes: &BTreeMap<&'a str, usize>, k: usize) -> BTreeMap<&'a str, usize> {
    let mut by_size: Vec<(&str, usize)> = sizes.iter().map(|(g, n)| (*g, *n)).collect();
    by_size.sort_by_key(|&(g, n)| (std::cmp::Reverse(n), g));
    let mut load = vec![0usize; k.max(1)];
    let mut fold = BTreeMap::new();
    for (g, n) in by_size {
        let f = (0..load.len()).min_by_key(|&f| load[f]).unwrap_or(0);
        load[f] += n;
        fold.insert(g, f);
    }
    fold
}
