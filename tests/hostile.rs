//! Hostile input: texts built to break or stall a filter. Each test folds and tags its text,
//! checks the span invariants (offset map monotonic; every hit, cue and rule span on char
//! boundaries inside the text, non-empty, with `text == original[start..end]`; hits ordered by
//! start) and completes.
//!
//! Sizes are scaled for debug builds (1 MB where the benchmark `benches/hostile.rs` uses 10 MB,
//! 200,000 marks where it uses a million, 100,000 tiny documents where it uses a million): every
//! test here takes at most a few seconds. The tests never look at the clock: a hang shows up as
//! a test that does not finish, and the throughput targets are read off the benchmark.
//!
//! The last tests replay the inputs under `fuzz/regressions/` (crashes and invariant failures
//! found by the fuzz targets, minimized).
use std::collections::HashMap;
use std::sync::OnceLock;

use tahrid::normalize::Normalizer;
use tahrid::{Report, Tagger};

fn tagger() -> &'static Tagger {
    static T: OnceLock<Tagger> = OnceLock::new();
    T.get_or_init(Tagger::default)
}

/// Size of the "long" inputs in these tests (the benchmark uses 10 MB).
const MB: usize = 1 << 20;
/// Size of the variations on a long input.
const SMALL: usize = MB / 4;

/// Repeats `unit` until the text has at least `bytes` bytes.
fn repeat_to(unit: &str, bytes: usize) -> String {
    unit.repeat(bytes.div_ceil(unit.len()))
}

/// Folds `text` and checks the offset map against it (`Folded::validate`: monotonic, every
/// folded char on a non-empty original range on char boundaries, never going back).
fn check_fold(text: &str) -> tahrid::normalize::Folded {
    let folded = Normalizer::default().fold(text);
    if let Err(e) = folded.validate(text) {
        panic!("{e}");
    }
    folded
}

/// Checks a report against the text it came from: hits, cues and rules (`Report::validate`).
fn check_report(text: &str, report: &Report) {
    if let Err(e) = report.validate(text) {
        panic!("{e}");
    }
}

/// Folds and tags `text`, checks both, and returns the report.
fn check(text: &str) -> Report {
    check_fold(text);
    let report = tagger().tag(text);
    check_report(text, &report);
    report
}

fn entries(report: &Report) -> Vec<&str> {
    report.hits.iter().map(|h| h.entry.as_str()).collect()
}

// --- a long single line ------------------------------------------------------------------

/// Typical multilingual sentences with terms to find, no newline anywhere.
const SENTENCE: &str = "The rafidah were named in the post, الرافضة في المنشور, \
    рафидиты в канале, rofiziylarni va boshqalar; the weather was cold. ";

#[test]
fn long_single_line_of_words() {
    let one = tagger().tag(SENTENCE).hits.len();
    assert!(one >= 3, "the sentence has terms to find");
    let n = MB / SENTENCE.len() + 1;
    let text = SENTENCE.repeat(n);
    assert!(!text.contains('\n'));
    let report = check(&text);
    // nothing lost: every repetition gives the same hits
    assert_eq!(report.hits.len(), n * one);
}

#[test]
fn long_single_word_without_separators() {
    // one 1 MB "word" of Latin letters: no boundary anywhere, so no hit, and no blow-up
    let text = repeat_to("rafidahkill", MB);
    let report = check(&text);
    assert!(report.hits.is_empty());
    // the same in Arabic script, and a word that alternates scripts at every letter
    check(&repeat_to("الرافضةروافض", SMALL));
    check(&repeat_to("rрaаfф", SMALL));
}

#[test]
fn long_line_of_hits() {
    // a hit every eight bytes: 131,072 hits in 1 MB
    let n = MB / "rafidah ".len();
    let text = "rafidah ".repeat(n);
    let report = check(&text);
    assert_eq!(report.hits.len(), n);
    assert!(report.hits.iter().all(|h| h.text == "rafidah"));
}

#[test]
fn long_run_of_one_repeated_letter() {
    // 1 MB of `a` collapses to one folded letter whose span is the whole run
    let text = "a".repeat(MB);
    let folded = check_fold(&text);
    assert_eq!(folded.as_str(), "a");
    assert_eq!(folded.original_range(0..1), 0..text.len());
    check(&text);
    // a term with one letter repeated a million times is still found, spanning all of it
    let text = format!("r{}fidah", "a".repeat(SMALL));
    let report = check(&text);
    assert_eq!(entries(&report), ["rafidah"]);
    assert_eq!(report.hits[0].text.len(), text.len());
}

#[test]
fn long_hashtag() {
    // a 1 MB hashtag made of a phrase run together: the hashtag rule is bounded
    let text = format!("#{}", repeat_to("killtherafidah", MB));
    check(&text);
    let text = format!("#{}", repeat_to("killtherafidah_", SMALL));
    check(&text);
    let text = repeat_to("#rafidah", SMALL);
    check(&text);
}

// --- combining marks ---------------------------------------------------------------------

/// Marks on one letter in the test (the benchmark uses a million).
const MARKS: usize = 200_000;

#[test]
fn huge_run_of_combining_marks_on_one_letter() {
    let text = format!("a{}", "\u{0301}".repeat(MARKS));
    let folded = check_fold(&text);
    assert_eq!(folded.as_str(), "a");
    // the marks join the letter's span
    assert_eq!(folded.original_range(0..1), 0..text.len());
    check(&text);

    // on a letter of a term: the hit covers the term and all its marks
    let text = format!("kill the ra{}fidah now", "\u{0301}".repeat(MARKS));
    let report = check(&text);
    let slur = report.hits.iter().find(|h| h.entry == "rafidah").unwrap();
    assert_eq!(
        slur.text,
        &text["kill the ".len()..text.len() - " now".len()]
    );

    // Arabic harakat, and a mix of marks from several blocks
    let text = format!("الرافض{}ة", "\u{064E}\u{0651}".repeat(MARKS / 2));
    assert_eq!(entries(&check(&text)), ["rafidah"]);
    let mixed: String = [
        '\u{0300}', '\u{0483}', '\u{064B}', '\u{0670}', '\u{20DD}', '\u{1AB0}',
    ]
    .iter()
    .cycle()
    .take(MARKS)
    .collect();
    check(&format!("r{mixed}"));
    // marks with no letter before them, at the start of the text
    check(&"\u{0301}".repeat(MARKS));
}

// --- invisible characters ----------------------------------------------------------------

#[test]
fn hundred_thousand_zero_width_characters() {
    let zw = "\u{200B}".repeat(100_000);
    let folded = check_fold(&zw);
    assert_eq!(folded.as_str(), "");
    assert!(check(&zw).hits.is_empty());

    // inside a term: removed, the hit spans them
    let text = format!("r{zw}afidah");
    let report = check(&text);
    assert_eq!(entries(&report), ["rafidah"]);
    assert_eq!(report.hits[0].text, text);

    // every kind of invisible character, between every letter
    let kinds = [
        '\u{200B}',
        '\u{200C}',
        '\u{200D}',
        '\u{200E}',
        '\u{200F}',
        '\u{202A}',
        '\u{202E}',
        '\u{2060}',
        '\u{2066}',
        '\u{FEFF}',
        '\u{00AD}',
        '\u{034F}',
        '\u{FE0F}',
        '\u{E0041}',
    ];
    let mut text = String::new();
    for (i, k) in kinds.iter().cycle().take(100_000).enumerate() {
        text.push(*k);
        if i % 1000 == 0 {
            text.push_str("روافض ");
        }
    }
    check(&text);
    // tatweel: 100,000 of them inside an Arabic word
    let text = format!("ال{}روافض", "ـ".repeat(100_000));
    assert_eq!(entries(&check(&text)), ["rafidah"]);
}

// --- separators and digits -----------------------------------------------------------------

/// Every char that is whitespace, a control, or ASCII/general punctuation (U+2000–U+206F,
/// U+3000–U+303F), plus the spacers of spaced-letter joining.
fn separators() -> Vec<char> {
    (0..=0x10FFFFu32)
        .filter_map(char::from_u32)
        .filter(|&c| {
            c.is_whitespace()
                || c.is_control()
                || c.is_ascii_punctuation()
                || matches!(c as u32, 0x2000..=0x206F | 0x3000..=0x303F | 0xFE30..=0xFE4F)
                || "·•‧∙«»“”‘’„‟‹›".contains(c)
        })
        .collect()
}

#[test]
fn text_that_is_all_separators() {
    let seps: String = separators().into_iter().collect();
    check(&seps);
    let text = repeat_to(&seps, MB);
    assert!(check(&text).hits.is_empty());
    // the spacers of spaced-letter joining, in runs longer than a join allows
    check(&repeat_to(" .-_*+/~·•\u{00A0}", SMALL));
    // spaced single letters: one joined word of a letter every two bytes
    check(&repeat_to("r a f i d a h ", MB));
    check(&repeat_to("r.a.f.i.d.a.h ", SMALL));
    check(&repeat_to("ر ا ف ض ة ", SMALL));
    // spaced letters that alternate scripts, and spacer runs of 1 to 4
    check(&repeat_to("a б a б ", SMALL));
    check(&repeat_to("a b  c   d    ", SMALL));
}

#[test]
fn text_that_is_all_digits() {
    let ascii = repeat_to("0123456789", MB);
    assert!(check(&ascii).hits.is_empty());
    let spaced = repeat_to("2024 ", SMALL);
    assert!(check(&spaced).hits.is_empty());
    // every Unicode digit and number char, repeated to 1 MB
    let digits: String = (0..=0x10FFFFu32)
        .filter_map(char::from_u32)
        .filter(|c| c.is_numeric())
        .collect();
    check(&digits);
    check(&repeat_to(&digits, SMALL));
    // Arabic-Indic and Persian digits fold to ASCII (a shorter char: one run each)
    check(&repeat_to("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", SMALL));
    // leetspeak digits between letters, with no separator: one long leet word
    check(&repeat_to("r4f1d4h", SMALL));
    let report = check(&repeat_to("r4f1d4h ", SMALL));
    assert_eq!(report.hits.len(), SMALL.div_ceil("r4f1d4h ".len()));
}

// --- every Unicode scalar value --------------------------------------------------------------

/// Every Unicode scalar value once, in chunks of 4,096 code points.
fn scalar_chunks() -> Vec<String> {
    let all: Vec<char> = (0..=0x10FFFFu32).filter_map(char::from_u32).collect();
    assert_eq!(all.len(), 0x110000 - 0x800);
    all.chunks(4096).map(|c| c.iter().collect()).collect()
}

#[test]
fn every_unicode_scalar_value_once() {
    let chunks = scalar_chunks();
    for chunk in &chunks {
        check_fold(chunk);
    }
    let reports = tagger().tag_batch(&chunks);
    assert_eq!(reports.len(), chunks.len());
    for (chunk, report) in chunks.iter().zip(&reports) {
        check_report(chunk, report);
    }
    // the batch gives the same reports as single calls (a few chunks: the Latin, Arabic,
    // Cyrillic and compatibility blocks, and the last)
    for i in [0, 1, 15, chunks.len() - 1] {
        assert_eq!(tagger().tag(&chunks[i]), reports[i]);
    }
}

#[test]
fn every_unicode_scalar_value_between_letters_of_a_term() {
    // each scalar value in turn inside `rafidah`: whatever it does to the match, the spans
    // hold (one document per scalar value of the first 64K; the rest in the benchmark)
    let docs: Vec<String> = (0..=0xFFFFu32)
        .filter_map(char::from_u32)
        .map(|c| format!("raf{c}idah"))
        .collect();
    let reports = tagger().tag_batch(&docs);
    assert_eq!(reports.len(), docs.len());
    for (d, r) in docs.iter().zip(&reports) {
        check_report(d, r);
    }
}

// --- nested quotes --------------------------------------------------------------------------

#[test]
fn deeply_nested_quotes() {
    let depth = 50_000;
    let open = "«“‘„‹「\"'(".repeat(depth / 9);
    let close = ")'\"」›“’”»".repeat(depth / 9);
    let text = format!("{open}rafidah{close}");
    let report = check(&text);
    assert_eq!(entries(&report), ["rafidah"]);
    assert_eq!(report.hits[0].text, "rafidah");

    // every level quotes a term: nested hits, none lost
    let mut text = String::new();
    for _ in 0..2_000 {
        text.push_str("«الرافضة “rafidah ‘");
    }
    for _ in 0..2_000 {
        text.push_str("’” »");
    }
    let report = check(&text);
    assert_eq!(report.hits.len(), 4_000);

    // unbalanced: only openers, only closers, apostrophes between letters
    check(&"«“‘".repeat(depth));
    check(&"’”»".repeat(depth));
    check(&repeat_to("r'a'f'i'd'a'h'", SMALL));
}

// --- many tiny documents -------------------------------------------------------------------

#[test]
fn many_tiny_documents_through_tag_batch() {
    // 100,000 tiny documents (the benchmark uses a million): empty, one char, one term
    let kinds = [
        "",
        " ",
        "a",
        "ر",
        "\u{200B}",
        "\u{0301}",
        "😀",
        "\u{0}",
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
    let n = 100_000;
    let docs: Vec<String> = (0..n)
        .map(|i| match i % 7 {
            // every seventh is a distinct scalar value, so the documents are not all alike
            0 => char::from_u32(0x20 + i as u32).map_or_else(String::new, String::from),
            _ => kinds[i % kinds.len()].to_string(),
        })
        .collect();
    let reports = tagger().tag_batch(&docs);
    // one report per document, in input order
    assert_eq!(reports.len(), n);
    let mut alone: HashMap<&str, Report> = HashMap::new();
    for (d, r) in docs.iter().zip(&reports) {
        check_report(d, r);
        let expected = alone.entry(d).or_insert_with(|| tagger().tag(d));
        assert_eq!(expected, r, "batch report differs for {d:?}");
    }
    assert_eq!(entries(&reports[9]), ["rafidah"]);
    assert_eq!(entries(&reports[10]), ["rafidah"]);
}

// --- context stage: many cues, hits and composite rules in one document ---------------------

/// Sentences that make the context stage work: a violence cue before a slur (an incitement
/// rule), a hate verb or an insult about a group (hostile predicates), attribution and
/// condemnation cues next to hits, each repeated without a newline.
const CONTEXT_UNITS: [&str; 6] = [
    "kill the rafidah ",
    "I hate the shia ",
    "the shia are dogs ",
    "they said the rafidah ",
    "we condemn the rafidah. ",
    "الرافضة كلاب ",
];

/// Size of each context document in the quick test (the 1 MB test below is the real check).
const CONTEXT_SIZE: usize = 16 << 10;

fn check_context_documents(size: usize) {
    for unit in CONTEXT_UNITS {
        let text = repeat_to(unit, size);
        let report = check(&text);
        let units = text.len() / unit.len();
        if unit.contains("rafidah") || unit.contains("الرافضة") {
            // nothing lost: every repetition has its slur hit
            let slurs = report.hits.iter().filter(|h| h.entry == "rafidah").count();
            assert_eq!(slurs, units, "{unit:?}");
        }
    }
}

#[test]
fn many_cues_hits_and_rules_in_one_document() {
    check_context_documents(CONTEXT_SIZE);
}

/// The same at 1 MB. The context stage once compared every hit with every cue (quadratic: a
/// 512 KB document took seconds); its lookups are now windowed, and this finishes in seconds
/// even in a debug build.
#[test]
fn context_stage_1mb() {
    check_context_documents(MB);
}

// --- regressions from the fuzz targets -------------------------------------------------------

/// Replays every input saved under `fuzz/regressions/` (raw UTF-8 text, one file each).
#[test]
fn fuzz_regressions() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let Ok(files) = std::fs::read_dir(&dir) else {
        return;
    };
    for file in files {
        let path = file.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        check(text);
        let batch = tagger().tag_batch(&[text, "rafidah", text]);
        assert_eq!(batch[0], tagger().tag(text), "{}", path.display());
        assert_eq!(batch[2], batch[0], "{}", path.display());
    }
}
