//! Streams a corpus through `Tagger::tag_batch` and prints throughput per language file.
//!
//! ```text
//! cargo run --release --example bench -- [--threads N] [--repeat R] [--nfa] [PATH]...
//! ```
//!
//! PATH is a directory of `*.txt` files (one document per line) or individual files; default:
//! `$TAHRID_CORPUS`, else the small bundled `fixtures/bench/`. For each file it prints MB/s,
//! documents/s, hits per MB and the process's peak RSS so far (Linux `VmHWM`). Files are
//! streamed in chunks of 4,096 lines, so memory stays bounded. A timed run, not a criterion
//! benchmark: use it for whole-corpus numbers, `cargo bench` for medians.
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;
use tahrid::Tagger;

#[derive(Parser)]
struct Args {
    /// Corpus directories or files.
    paths: Vec<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Passes over each file (the median pass is reported).
    #[arg(long, default_value_t = 1)]
    repeat: usize,
    /// Compile the matchers as NFAs (the library default) instead of DFAs.
    #[arg(long)]
    nfa: bool,
}

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let mut paths = args.paths.clone();
    if paths.is_empty() {
        paths.push(
            std::env::var_os("TAHRID_CORPUS")
                .map(PathBuf::from)
                .unwrap_or_else(|| {
                    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/bench"))
                }),
        );
    }
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut v: Vec<_> = std::fs::read_dir(&p)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|e| e == "txt"))
                .collect();
            v.sort();
            files.extend(v);
        } else {
            files.push(p);
        }
    }
    let t0 = Instant::now();
    let tagger = Tagger::builder().dfa(!args.nfa).build()?;
    let build_ms = t0.elapsed().as_secs_f64() * 1e3;
    let pool = {
        let mut b = rayon::ThreadPoolBuilder::new();
        if let Some(n) = args.threads {
            b = b.num_threads(n);
        }
        b.build()?
    };
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "tagger built in {build_ms:.1} ms ({} entries, {} patterns); {} threads; peak RSS {:.1} MiB",
        tagger.lexicon().len(),
        tagger.pattern_count(),
        pool.current_num_threads(),
        peak_rss_mib().unwrap_or(f64::NAN)
    )?;
    writeln!(
        out,
        "{:<10} {:>9} {:>10} {:>9} {:>12} {:>9} {:>12}",
        "file", "MB", "docs", "MB/s", "docs/s", "hits/MB", "peak RSS MiB"
    )?;
    for file in files {
        let mut secs = Vec::new();
        let (mut bytes, mut docs, mut hits) = (0usize, 0usize, 0usize);
        for _ in 0..args.repeat.max(1) {
            let reader = BufReader::new(std::fs::File::open(&file)?);
            let mut lines = reader.lines();
            (bytes, docs, hits) = (0, 0, 0);
            let start = Instant::now();
            loop {
                let chunk: Vec<String> = lines.by_ref().take(4096).collect::<Result<_, _>>()?;
                if chunk.is_empty() {
                    break;
                }
                bytes += chunk.iter().map(|l| l.len() + 1).sum::<usize>();
                docs += chunk.len();
                let reports = pool.install(|| tagger.tag_batch(&chunk));
                hits += reports.iter().map(|r| r.hits.len()).sum::<usize>();
            }
            secs.push(start.elapsed().as_secs_f64());
        }
        secs.sort_by(f64::total_cmp);
        let s = secs[secs.len() / 2];
        let mb = bytes as f64 / 1e6;
        writeln!(
            out,
            "{:<10} {:>9.2} {:>10} {:>9.1} {:>12.0} {:>9.2} {:>12.1}",
            file.file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default(),
            mb,
            docs,
            mb / s,
            docs as f64 / s,
            hits as f64 / mb.max(1e-9),
            peak_rss_mib().unwrap_or(f64::NAN)
        )?;
    }
    Ok(())
}
