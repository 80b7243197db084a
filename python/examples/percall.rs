//! The Rust side of `python/examples/bench.py percall`: the same texts, tagged one call at a
//! time in Rust, to compare with `Tagger.tag` called from Python.
//!
//! ```text
//! cargo run --release -p tahrid-python --example percall -- SAMPLE [REPEATS [PASSES]]
//! ```
//!
//! SAMPLE has one text per line (`bench.py prepare` writes one). Each repeat tags every text
//! PASSES times (default 5), in order, on this thread; the figure of a repeat is its time divided
//! by the number of calls. Prints one JSON object with the median over REPEATS (default 11) of
//! that figure, in microseconds, for:
//! - `tag`: `Tagger::tag(text)` alone;
//! - `tag_json`: `Tagger::tag` and the record's JSON text (`serde_json::to_string(&Record)`), the
//!   per-record work of the `tag` example apart from reading and writing;
//! - `tag_empty`: `Tagger::tag("")`, the fixed cost of a call.
use std::error::Error;
use std::hint::black_box;
use std::time::Instant;

use tahrid::{Record, Tagger};

fn per_call_us(texts: &[&str], repeats: usize, passes: usize, mut f: impl FnMut(&str)) -> f64 {
    for t in texts {
        f(t); // warm-up
    }
    let mut runs: Vec<f64> = (0..repeats)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..passes {
                for t in texts {
                    f(t);
                }
            }
            start.elapsed().as_secs_f64() * 1e6 / (passes * texts.len()) as f64
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    runs[runs.len() / 2]
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: percall SAMPLE [REPEATS [PASSES]] (one text per line)")?;
    let mut count = |name: &str, default: usize| -> Result<usize, String> {
        match args.next() {
            None => Ok(default),
            Some(n) => match n.parse::<usize>() {
                Ok(n) if n > 0 => Ok(n),
                _ => Err(format!("{name} must be a positive integer, not {n:?}")),
            },
        }
    };
    let repeats = count("REPEATS", 11)?;
    let passes = count("PASSES", 5)?;
    let sample = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let texts: Vec<&str> = sample.split('\n').filter(|l| !l.is_empty()).collect();
    if texts.is_empty() {
        return Err(format!("no text in {path}").into());
    }
    let tagger = Tagger::default();
    let tag = per_call_us(&texts, repeats, passes, |t| {
        black_box(tagger.tag(black_box(t)));
    });
    let mut json_err = None;
    let tag_json = per_call_us(&texts, repeats, passes, |t| {
        match serde_json::to_string(&Record::ok(0, tagger.tag(black_box(t)))) {
            Ok(json) => {
                black_box(json);
            }
            Err(e) => json_err = Some(e),
        }
    });
    if let Some(e) = json_err {
        return Err(format!("a record did not serialize: {e}").into());
    }
    let empty = vec![""; texts.len()];
    let tag_empty = per_call_us(&empty, repeats, passes, |t| {
        black_box(tagger.tag(black_box(t)));
    });
    println!(
        "{}",
        serde_json::json!({
            "texts": texts.len(),
            "repeats": repeats,
            "passes": passes,
            "tag": tag,
            "tag_json": tag_json,
            "tag_empty": tag_empty,
        })
    );
    Ok(())
}
