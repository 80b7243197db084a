//! Hostile-input throughput next to typical text, in one run, so that "worst case within 10×
//! of typical" can be read off (issue 7).
//!
//! ```sh
//! cargo bench --bench hostile                                        # generated typical text
//! TAHRID_CORPUS=/path/to/corpus cargo bench --bench hostile          # typical = ar.txt, en.txt
//! ```
//!
//! Each input is tagged as one document with `Tagger::tag` on one thread (the tiny documents
//! are tagged one by one in a loop), so every throughput is single-core and comparable. After
//! the measurements a table prints each input's median throughput and its ratio to the
//! typical baseline (the slowest typical text when there are several).
//!
//! The inputs are the full-size versions of the tests in `tests/hostile.rs`.
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput};
use tahrid::Tagger;

const MB: usize = 1_000_000;

fn repeat_to(unit: &str, bytes: usize) -> String {
    unit.repeat(bytes.div_ceil(unit.len()))
}

/// Typical text: the corpus files under `$TAHRID_CORPUS` (ar.txt, en.txt), else generated
/// multilingual prose with a term every few sentences.
fn typical() -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(dir) = std::env::var_os("TAHRID_CORPUS") {
        for name in ["ar", "en"] {
            let path = Path::new(&dir).join(format!("{name}.txt"));
            if let Ok(text) = std::fs::read_to_string(&path) {
                out.push((format!("typical_{name}"), text));
            }
        }
    }
    if out.is_empty() {
        let sentences = [
            "The council met on Tuesday to discuss the budget and the new school buildings.\n",
            "أعلنت الدول الرافضة للاتفاق موقفها في بيان مشترك صدر اليوم عن وزارة الخارجية.\n",
            "Власти города сообщили, что ремонт дороги завершится к концу месяца.\n",
            "Analysts say the channel called them rafidah in a post that was later removed.\n",
            "این گزارش درباره وضعیت اقتصادی منطقه و قیمت نان در بازار است.\n",
            "Bugun ob-havo sovuq, lekin ertaga quyosh chiqishi kutilmoqda.\n",
        ];
        out.push((
            "typical_generated".into(),
            repeat_to(&sentences.concat(), 10 * MB),
        ));
    }
    out
}

/// The hostile inputs, full size: (name, text).
fn hostile() -> Vec<(&'static str, String)> {
    let sentence = "The rafidah were named in the post, الرافضة في المنشور, \
        рафидиты в канале, rofiziylarni va boshqalar; the weather was cold. ";
    let separators: String = (0..=0x10FFFFu32)
        .filter_map(char::from_u32)
        .filter(|&c| {
            c.is_whitespace()
                || c.is_control()
                || c.is_ascii_punctuation()
                || matches!(c as u32, 0x2000..=0x206F | 0x3000..=0x303F | 0xFE30..=0xFE4F)
                || "·•‧∙«»“”‘’„‟‹›".contains(c)
        })
        .collect();
    let digits: String = (0..=0x10FFFFu32)
        .filter_map(char::from_u32)
        .filter(|c| c.is_numeric())
        .collect();
    let every_scalar: String = (0..=0x10FFFFu32).filter_map(char::from_u32).collect();
    let depth = 1_000_000 / 9;
    let nested = format!(
        "{}rafidah{}",
        "«“‘„‹「\"'(".repeat(depth),
        ")'\"」›“’”»".repeat(depth)
    );
    vec![
        ("line_10mb_words", repeat_to(sentence, 10 * MB)),
        ("line_10mb_one_word", repeat_to("rafidahkill", 10 * MB)),
        ("line_10mb_hits", repeat_to("rafidah ", 10 * MB)),
        ("line_10mb_one_letter", "a".repeat(10 * MB)),
        (
            "marks_1m_on_one_letter",
            format!("a{}", "\u{0301}".repeat(MB)),
        ),
        (
            "marks_1m_in_a_term",
            format!("kill the ra{}fidah now", "\u{0301}".repeat(MB)),
        ),
        ("zero_width_100k", "\u{200B}".repeat(100_000)),
        (
            "zero_width_100k_in_a_term",
            format!("r{}afidah", "\u{200B}".repeat(100_000)),
        ),
        ("separators_10mb", repeat_to(&separators, 10 * MB)),
        ("spaced_letters_10mb", repeat_to("r a f i d a h ", 10 * MB)),
        ("digits_ascii_10mb", repeat_to("0123456789", 10 * MB)),
        ("digits_unicode_10mb", repeat_to(&digits, 10 * MB)),
        ("leet_10mb", repeat_to("r4f1d4h ", 10 * MB)),
        ("every_scalar_value", every_scalar),
        ("nested_quotes_1m", nested),
        (
            "hashtag_10mb",
            format!("#{}", repeat_to("killtherafidah", 10 * MB)),
        ),
        // Context stage: many cues, hits and composite rules in one document (its lookups are
        // windowed, so these are linear like the rest).
        (
            "context_incitement_10mb",
            repeat_to("kill the rafidah ", 10 * MB),
        ),
        (
            "context_hate_verb_10mb",
            repeat_to("I hate the shia ", 10 * MB),
        ),
        (
            "context_attribution_10mb",
            repeat_to("they said the rafidah ", 10 * MB),
        ),
    ]
}

/// A million tiny documents, tagged one by one.
fn tiny_documents() -> Vec<String> {
    let kinds = [
        "",
        " ",
        "a",
        "ر",
        "\u{200B}",
        "\u{0301}",
        "😀",
        "\n",
        "rafidah",
        "روافض",
        "r4f1d4h",
        "kill",
        "ß",
        "ﻻ",
        "İ",
        "«",
        "1",
        "#",
        "'",
    ];
    (0..MB)
        .map(|i| match i % 7 {
            0 => char::from_u32(0x20 + (i as u32 % 0x10000)).map_or_else(String::new, String::from),
            _ => kinds[i % kinds.len()].to_string(),
        })
        .collect()
}

fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return home.into();
    }
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(t) => Path::new(&t).join("criterion"),
        None => PathBuf::from("target/criterion"),
    }
}

/// Median seconds per iteration of a benchmark of this run, from criterion's estimates.
fn median_seconds(group: &str, id: &str) -> Option<f64> {
    let path = criterion_dir()
        .join(group)
        .join(id)
        .join("new/estimates.json");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    Some(json["median"]["point_estimate"].as_f64()? / 1e9)
}

/// MB/s, with three decimals below 10 MB/s.
fn rate_str(r: f64) -> String {
    if r >= 10.0 {
        format!("{r:.1}")
    } else {
        format!("{r:.3}")
    }
}

fn main() {
    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .configure_from_args();
    let tagger = Tagger::default();
    tagger.tag("warm up the lexicon and tables");

    let typical = typical();
    let hostile = hostile();
    let tiny = tiny_documents();
    let tiny_bytes: usize = tiny.iter().map(String::len).sum();

    let group_name = "hostile";
    let mut group = c.benchmark_group(group_name);
    group.sampling_mode(SamplingMode::Flat);
    let mut sizes: Vec<(String, usize, bool)> = Vec::new();
    for (name, text) in &typical {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name.as_str(), |b| b.iter(|| tagger.tag(black_box(text))));
        sizes.push((name.clone(), text.len(), true));
    }
    for (name, text) in &hostile {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(*name, |b| b.iter(|| tagger.tag(black_box(text))));
        sizes.push((name.to_string(), text.len(), false));
    }
    group.throughput(Throughput::Bytes(tiny_bytes as u64));
    group.bench_function("tiny_documents_1m", |b| {
        b.iter(|| {
            for d in &tiny {
                black_box(tagger.tag(black_box(d)));
            }
        })
    });
    sizes.push(("tiny_documents_1m".into(), tiny_bytes, false));
    group.finish();
    c.final_summary();

    // The summary table: median MB/s and the ratio of typical throughput to each input's.
    let rates: Vec<(String, usize, bool, Option<f64>)> = sizes
        .into_iter()
        .map(|(name, bytes, typ)| {
            let rate = median_seconds(group_name, &name).map(|s| bytes as f64 / s / 1e6);
            (name, bytes, typ, rate)
        })
        .collect();
    let baseline = rates
        .iter()
        .filter(|r| r.2)
        .filter_map(|r| r.3)
        .reduce(f64::min);
    println!(
        "\n{:<28} {:>12} {:>12} {:>16}",
        "input", "bytes", "MB/s", "typical / input"
    );
    for (name, bytes, _, rate) in &rates {
        let (r, ratio) = match (rate, baseline) {
            (Some(r), Some(b)) => (rate_str(*r), format!("{:.2}x", b / r)),
            (Some(r), None) => (rate_str(*r), "-".into()),
            _ => ("-".into(), "-".into()),
        };
        println!("{name:<28} {bytes:>12} {r:>12} {ratio:>16}");
    }
    if let Some(b) = baseline {
        println!("(baseline: the slowest typical text, {b:.1} MB/s; above 10x breaks the target)");
    }
}
