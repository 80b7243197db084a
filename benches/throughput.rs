//! Throughput of each stage against baselines, all in one criterion run, in bytes per second.
//!
//! ```text
//! TAHRID_CORPUS=../shared/corpus cargo bench --bench throughput
//! TAHRID_CORPUS=../shared/corpus cargo bench --bench throughput -- 'tag/'      # one group
//! ```
//!
//! Corpus: `$TAHRID_CORPUS` (a directory of `<lang>.txt` files, one document per line), else the
//! small bundled `fixtures/bench/`. `$TAHRID_BENCH_BYTES` caps the bytes taken per language
//! (default 2,000,000).
//!
//! Groups (per language where it applies):
//! - `normalize/<lang>`: folding with the offset map;
//! - `tag/<lang>`: the full pipeline (normalize, match, context, verdict, report with offsets)
//!   with the default tagger (NFA automata: fast to build);
//! - `tag_dfa/<lang>`: the same with `TaggerBuilder::dfa(true)` (what the `tag` example uses);
//! - `baseline_ac_dfa/<lang>`: an aho-corasick DFA over the same folded variants, run on text
//!   folded beforehand (the matching floor: no folding, no boundaries, no reports);
//! - `whole/<lang>` and `whole_ac/<lang>`, side by side: the whole `tag` path as the `tag`
//!   example runs it (DFA tagger, text in, JSON record out into a reused buffer) and plain
//!   aho-corasick (a DFA over the lexicon's folded variants, overlapping matches counted) on
//!   the same bytes, unfolded: the ratio of their medians is what issue 12 measures;
//! - `baseline_nfkc_lower/<lang>`: `unicode-normalization` NFKC plus `to_lowercase`, the
//!   general-purpose folding a naive pipeline starts with;
//! - `tag_batch/threads=N`: all languages through `tag_batch` on 1, 2 and all cores, and
//!   `baseline_cpu_loop/threads=N`: an arithmetic loop, to show what the hardware scales;
//! - `lexicon_size/<n>`: `tag` on the English corpus with the real lexicon plus synthetic
//!   variants (1k, 10k, 100k);
//! - `build/embedded`: building a `Tagger` from the embedded lexicon.
use std::path::PathBuf;
use std::time::Duration;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use tahrid::lexicon::Lexicon;
use tahrid::normalize::{Folded, Normalizer};
use tahrid::Tagger;
use unicode_normalization::UnicodeNormalization;

struct Corpus {
    lang: String,
    docs: Vec<String>,
    bytes: usize,
}

fn corpora() -> Vec<Corpus> {
    let dir = std::env::var_os("TAHRID_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/bench")));
    let cap: usize = std::env::var("TAHRID_BENCH_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000_000);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read corpus {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("corpus files are UTF-8");
            let mut docs = Vec::new();
            let mut bytes = 0;
            for line in text.lines() {
                if bytes >= cap {
                    break;
                }
                bytes += line.len();
                docs.push(line.to_string());
            }
            Corpus {
                lang: path.file_stem().unwrap().to_string_lossy().into_owned(),
                docs,
                bytes,
            }
        })
        .collect()
}

fn folded_variants(lex: &Lexicon, n: &Normalizer) -> Vec<String> {
    let mut v: Vec<String> = lex
        .entries()
        .iter()
        .flat_map(|e| e.variants.values().flatten())
        .map(|v| n.fold_str(v))
        .collect();
    v.sort();
    v.dedup();
    v
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(15)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
}

fn per_language(c: &mut Criterion) {
    let corpora = corpora();
    let tagger = Tagger::default();
    let normalizer = Normalizer::default();
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .build(folded_variants(tagger.lexicon(), &normalizer))
        .unwrap();

    let mut g = c.benchmark_group("normalize");
    for corpus in &corpora {
        g.throughput(Throughput::Bytes(corpus.bytes as u64));
        g.bench_function(&corpus.lang, |b| {
            let mut out = Folded::default();
            b.iter(|| {
                for d in &corpus.docs {
                    normalizer.fold_into(d, &mut out);
                    black_box(out.as_str().len());
                }
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("tag");
    for corpus in &corpora {
        g.throughput(Throughput::Bytes(corpus.bytes as u64));
        g.bench_function(&corpus.lang, |b| {
            b.iter(|| {
                for d in &corpus.docs {
                    black_box(tagger.tag(d));
                }
            })
        });
    }
    g.finish();

    let dfa_tagger = Tagger::builder().dfa(true).build().unwrap();
    let mut g = c.benchmark_group("tag_dfa");
    for corpus in &corpora {
        g.throughput(Throughput::Bytes(corpus.bytes as u64));
        g.bench_function(&corpus.lang, |b| {
            b.iter(|| {
                for d in &corpus.docs {
                    black_box(dfa_tagger.tag(d));
                }
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("baseline_ac_dfa");
    for corpus in &corpora {
        let prefolded: Vec<String> = corpus.docs.iter().map(|d| normalizer.fold_str(d)).collect();
        g.throughput(Throughput::Bytes(corpus.bytes as u64));
        g.bench_function(&corpus.lang, |b| {
            b.iter(|| {
                let mut n = 0;
                for d in &prefolded {
                    n += ac.find_overlapping_iter(d.as_str()).count();
                }
                black_box(n)
            })
        });
    }
    g.finish();

    // The whole path against plain aho-corasick, per language, interleaved so that both of
    // a language are measured in the same minute of the run.
    for corpus in &corpora {
        let mut g = c.benchmark_group("whole");
        g.throughput(Throughput::Bytes(corpus.bytes as u64));
        g.bench_function(&corpus.lang, |b| {
            let mut buf = Vec::with_capacity(1 << 16);
            b.iter(|| {
                buf.clear();
                for (i, d) in corpus.docs.iter().enumerate() {
                    let record = tahrid::Record::ok(i as u64, dfa_tagger.tag(d));
                    serde_json::to_writer(&mut buf, &record).unwrap();
                    buf.push(b'\n');
                }
                black_box(buf.len())
            })
        });
        g.finish();
        let mut g = c.benchmark_group("whole_ac");
        g.throughput(Throughput::Bytes(corpus.bytes as u64));
        g.bench_function(&corpus.lang, |b| {
            b.iter(|| {
                let mut n = 0;
                for d in &corpus.docs {
                    n += ac.find_overlapping_iter(d.as_str()).count();
                }
                black_box(n)
            })
        });
        g.finish();
    }

    let mut g = c.benchmark_group("baseline_nfkc_lower");
    for corpus in &corpora {
        g.throughput(Throughput::Bytes(corpus.bytes as u64));
        g.bench_function(&corpus.lang, |b| {
            b.iter(|| {
                for d in &corpus.docs {
                    let s: String = d.nfkc().collect();
                    black_box(s.to_lowercase());
                }
            })
        });
    }
    g.finish();
}

fn batch(c: &mut Criterion) {
    let corpora = corpora();
    let tagger = Tagger::default();
    let docs: Vec<&str> = corpora
        .iter()
        .flat_map(|c| c.docs.iter().map(String::as_str))
        .collect();
    let bytes: usize = corpora.iter().map(|c| c.bytes).sum();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut counts = vec![1, 2, cores];
    counts.sort();
    counts.dedup();
    let mut g = c.benchmark_group("tag_batch");
    g.throughput(Throughput::Bytes(bytes as u64));
    for threads in counts {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        g.bench_function(BenchmarkId::new("threads", threads), |b| {
            b.iter(|| pool.install(|| black_box(tagger.tag_batch(&docs))))
        });
    }
    g.finish();

    // What the machine gives: a dependency-free arithmetic loop on the same thread counts, so
    // that tag_batch's scaling can be read against the hardware's in the same run.
    let mut g = c.benchmark_group("baseline_cpu_loop");
    for threads in [1usize, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        g.bench_function(BenchmarkId::new("threads", threads), |b| {
            b.iter(|| {
                pool.install(|| {
                    use rayon::prelude::*;
                    (0..64u64)
                        .into_par_iter()
                        .map(|i| {
                            let mut x = i;
                            for _ in 0..100_000 {
                                x = x
                                    .wrapping_mul(6364136223846793005)
                                    .wrapping_add(1442695040888963407);
                            }
                            x
                        })
                        .sum::<u64>()
                })
            })
        });
    }
    g.finish();
}

/// A deterministic pseudo-word generator (no dependency on a RNG crate).
fn synthetic_words(n: usize) -> Vec<String> {
    let alphabets: [&[char]; 3] = [
        &[
            'b', 'c', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'q', 'r', 's', 't', 'v', 'x', 'z',
        ],
        &[
            'б', 'в', 'г', 'д', 'ж', 'з', 'к', 'л', 'м', 'н', 'п', 'р', 'с', 'т', 'ф', 'х',
        ],
        &[
            'ب', 'ت', 'ث', 'ج', 'ح', 'خ', 'د', 'ذ', 'ز', 'س', 'ش', 'ص', 'ض', 'ط', 'ظ', 'ق',
        ],
    ];
    let vowels: [&[char]; 3] = [
        &['a', 'e', 'i', 'o', 'u'],
        &['а', 'е', 'и', 'о', 'у'],
        &['ا', 'و', 'ي'],
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..n)
        .map(|i| {
            let s = i % 3;
            let len = 3 + (next() % 3) as usize;
            let mut w = String::new();
            for _ in 0..len {
                w.push(alphabets[s][(next() % alphabets[s].len() as u64) as usize]);
                w.push(vowels[s][(next() % vowels[s].len() as u64) as usize]);
            }
            w
        })
        .collect()
}

fn lexicon_size(c: &mut Criterion) {
    let corpora = corpora();
    let Some(en) = corpora.iter().find(|c| c.lang == "en").or(corpora.first()) else {
        return;
    };
    let mut g = c.benchmark_group("lexicon_size");
    g.throughput(Throughput::Bytes(en.bytes as u64));
    for n in [0usize, 1_000, 10_000, 100_000] {
        let tagger = if n == 0 {
            Tagger::default()
        } else {
            let variants: Vec<String> = synthetic_words(n)
                .into_iter()
                .map(|w| format!("{w:?}"))
                .collect();
            let toml = format!(
                "[[entry]]\nid = \"synthetic\"\ncategory = \"slogan\"\nseverity = 1\nambiguity = \"high\"\ncanonical = \"x\"\nvariants.en = [{}]\n",
                variants.join(", ")
            );
            let extra = Lexicon::from_toml_str("synthetic.toml", &toml).unwrap();
            Tagger::builder().extend(extra).build().unwrap()
        };
        let label = if n == 0 {
            "real".to_string()
        } else {
            format!("real+{n}")
        };
        g.bench_function(&label, |b| {
            b.iter(|| {
                for d in &en.docs {
                    black_box(tagger.tag(d));
                }
            })
        });
    }
    g.finish();
}

fn build(c: &mut Criterion) {
    c.bench_function("build/embedded", |b| {
        b.iter(|| black_box(Tagger::builder().build().unwrap()))
    });
}

criterion_group! {
    name = benches;
    config = config();
    targets = per_language, batch, lexicon_size, build
}
criterion_main!(benches);
