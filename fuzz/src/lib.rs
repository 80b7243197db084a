//! Shared invariants and input decoding for the tahrid fuzz targets.
//!
//! Two input modes, chosen by the first byte:
//! - **raw**: the bytes are UTF-8 text (inputs that are not valid UTF-8 are skipped);
//! - **structured**: a first byte of `0xFF` (never the start of valid UTF-8) makes the rest a
//!   list of fragment indices: lexicon variants, affixes, context words, and evasion pieces
//!   (marks, zero-width and bidi characters, separators, leetspeak symbols, homoglyphs). This
//!   reaches the matcher's word-boundary, morphology, exclude and hashtag paths far faster
//!   than random bytes do.
use std::sync::OnceLock;

use tahrid::normalize::Normalizer;
use tahrid::{Report, Tagger};

/// The tagger on the embedded lexicon, built once per process.
pub fn tagger() -> &'static Tagger {
    static T: OnceLock<Tagger> = OnceLock::new();
    T.get_or_init(Tagger::default)
}

/// The same tagger with the matcher compiled to a DFA (`TaggerBuilder::dfa`): its reports
/// must equal the default tagger's.
pub fn tagger_dfa() -> &'static Tagger {
    static T: OnceLock<Tagger> = OnceLock::new();
    T.get_or_init(|| {
        Tagger::builder()
            .dfa(true)
            .build()
            .expect("default lexicon")
    })
}

/// The default normalizer.
pub fn normalizer() -> &'static Normalizer {
    static N: OnceLock<Normalizer> = OnceLock::new();
    N.get_or_init(Normalizer::default)
}

/// Evasion pieces and structure: one byte below `0xC0` picks one of these.
const PIECES: &[&str] = &[
    // separators and spacers
    " ",
    "  ",
    ".",
    "-",
    "_",
    "*",
    "+",
    "/",
    "~",
    "·",
    "•",
    "\u{00A0}",
    "\n",
    "\t",
    "\r\n",
    ",",
    "!",
    "?",
    ":",
    ";",
    "#",
    "@",
    "&",
    // apostrophes and quotes
    "'",
    "`",
    "‘",
    "’",
    "ʹ",
    "′",
    "ʻ",
    "ʼ",
    "\"",
    "«",
    "»",
    "“",
    "”",
    "‹",
    "›",
    "「",
    // invisible characters
    "\u{200B}",
    "\u{200C}",
    "\u{200D}",
    "\u{200E}",
    "\u{200F}",
    "\u{202A}",
    "\u{202E}",
    "\u{2060}",
    "\u{2066}",
    "\u{2069}",
    "\u{FEFF}",
    "\u{00AD}",
    "\u{034F}",
    "\u{061C}",
    "\u{FE0F}",
    "\u{E0041}",
    "\u{3164}",
    "\u{115F}",
    "ـ",
    // combining marks
    "\u{064E}",
    "\u{0651}",
    "\u{0670}",
    "\u{0301}",
    "\u{0308}",
    "\u{0306}",
    "\u{0327}",
    "\u{20DD}",
    "\u{1AB0}",
    "\u{0483}",
    // digits and leetspeak
    "0",
    "1",
    "3",
    "4",
    "5",
    "7",
    "9",
    "2024",
    "2nd",
    "٣",
    "۴",
    "$",
    "|",
    "(",
    ")",
    "[",
    // single letters of each script, homoglyphs
    "a",
    "e",
    "i",
    "o",
    "r",
    "f",
    "d",
    "h",
    "k",
    "l",
    "s",
    "A",
    "I",
    "R",
    "а",
    "е",
    "і",
    "о",
    "р",
    "с",
    "ф",
    "и",
    "д",
    "ы",
    "т",
    "Р",
    "А",
    "ё",
    "й",
    "ӣ",
    "ӯ",
    "ҳ",
    "қ",
    "ң",
    "ө",
    "ү",
    "ў",
    "ı",
    "İ",
    "ş",
    "ğ",
    "ß",
    "ς",
    "σ",
    "α",
    "ο",
    "ρ",
    "ι",
    "ا",
    "أ",
    "إ",
    "آ",
    "ٱ",
    "ر",
    "ف",
    "ض",
    "ة",
    "ه",
    "ى",
    "ي",
    "ی",
    "ک",
    "ك",
    "ہ",
    "ھ",
    "ے",
    "و",
    "ل",
    "ب",
    "پ",
    "ټ",
    "ښ",
    // compatibility forms and expansions
    "ﻻ",
    "ﷺ",
    "ﷲ",
    "ｒ",
    "Ａ",
    "𝐫",
    "𝐚",
    "ﬁ",
    "ŉ",
    "Ǆ",
    "㎏",
    "①",
    "½",
    "ẞ",
    // other scripts, emoji, odd code points
    "中",
    "한",
    "ก",
    "א",
    "😀",
    "👍🏽",
    "🇸🇦",
    "\u{FFFD}",
    "\u{0}",
    "\u{7F}",
    "\u{85}",
    "\u{2028}",
    "\u{10FFFF}",
    "\u{E000}",
];

const CUES_TOML: &str = include_str!("../../models/context/cues.toml");

/// Lexicon fragments: every variant, affix and context word of the embedded lexicon, and every
/// context cue phrase.
fn lexicon_fragments() -> &'static [String] {
    static F: OnceLock<Vec<String>> = OnceLock::new();
    F.get_or_init(|| {
        let lex = tagger().lexicon();
        let mut out = Vec::new();
        let glob = |s: &str| s.trim_matches('*').to_string();
        for e in lex.entries() {
            for list in e.variants.values() {
                out.extend(list.iter().cloned());
            }
            for class in e.morphology.values() {
                if let Some(c) = lex.class(class) {
                    out.extend(c.prefixes.iter().cloned());
                    out.extend(c.suffixes.iter().cloned());
                }
            }
            for x in &e.excludes {
                out.extend(x.next_word.iter().map(|s| glob(s)));
                out.extend(x.prev_word.iter().map(|s| glob(s)));
            }
            for r in &e.requires {
                out.extend(r.near.iter().map(|s| glob(s)));
            }
        }
        // context cues: attribution, condemnation, negation, violence, group names...
        let cues: toml::Table = CUES_TOML.parse().expect("cues.toml parses");
        for kind in cues.values() {
            for phrases in kind.as_table().into_iter().flat_map(|t| t.values()) {
                for p in phrases.as_array().into_iter().flatten() {
                    out.extend(p.as_str().map(glob));
                }
            }
        }
        out.retain(|s| !s.is_empty());
        out.sort();
        out.dedup();
        out
    })
}

/// Decodes a fuzz input into text; `None` for raw inputs that are not UTF-8.
pub fn decode(data: &[u8]) -> Option<String> {
    match data.split_first() {
        Some((0xFF, rest)) => Some(structured(rest)),
        _ => std::str::from_utf8(data).ok().map(str::to_string),
    }
}

/// The structured mode: bytes below `0xC0` pick a piece, a byte `0xC0..` and the next byte
/// pick a lexicon fragment.
pub fn structured(data: &[u8]) -> String {
    let lex = lexicon_fragments();
    let mut out = String::new();
    let mut it = data.iter().copied();
    while let Some(b) = it.next() {
        if b < 0xC0 {
            out.push_str(PIECES[b as usize % PIECES.len()]);
        } else {
            let lo = it.next().unwrap_or(0);
            let idx = (usize::from(b & 0x3F) << 8) | usize::from(lo);
            if !lex.is_empty() {
                out.push_str(&lex[idx % lex.len()]);
            }
        }
    }
    out
}

/// Folds `text` and checks the offset map (`Folded::validate`: monotonic, every folded char
/// maps to a non-empty original range on char boundaries inside the text, and original
/// positions never go back). Also checks that folding is deterministic and that `fold_into`
/// with a reused buffer gives the same result as `fold`. Panics on a violation.
pub fn check_fold(text: &str) {
    let n = normalizer();
    let folded = n.fold(text);
    let f = folded.as_str();
    let map = folded.offsets();
    if let Err(e) = folded.validate(text) {
        panic!("{e} in {text:?}");
    }
    // determinism and buffer reuse
    let again = n.fold(text);
    assert_eq!(again.as_str(), f, "fold is not deterministic for {text:?}");
    let mut reused = n.fold("ﻻ raaaafidah r.a.f.i.d.a.h \u{200B}ß");
    n.fold_into(text, &mut reused);
    assert_eq!(
        reused.as_str(),
        f,
        "fold_into with a reused buffer differs for {text:?}"
    );
    assert_eq!(reused.offsets(), map, "fold_into map differs for {text:?}");
    assert_eq!(n.fold_str(text), f, "fold_str differs for {text:?}");
}

/// Checks a report against the text (`Report::validate`: every hit, cue and rule span
/// non-empty, on char boundaries inside the text, with `text == original[start..end]`; hits
/// ordered by start; scores in `[0, 1]`). Panics on a violation.
pub fn check_report(text: &str, report: &Report) {
    if let Err(e) = report.validate(text) {
        panic!("{e} in {text:?}");
    }
}

/// Folds `text` ([`check_fold`]), tags it and checks the report; also checks that `explain`
/// and the DFA matcher give the same report, and that the text tagged inside a batch (between
/// two other texts cut from it) gives the same report as alone.
pub fn check_tag(text: &str) {
    // the tagger folds with the same normalizer: its map must hold here too
    check_fold(text);
    let t = tagger();
    let alone = t.tag(text);
    check_report(text, &alone);
    let e = t.explain(text);
    assert_eq!(e.report, alone, "explain differs from tag for {text:?}");
    assert_eq!(e.folded_spans.len(), alone.hits.len());
    assert_eq!(
        tagger_dfa().tag(text),
        alone,
        "DFA matcher differs for {text:?}"
    );
    // cut at a char boundary near the middle: two other documents for the batch
    let mut cut = text.len() / 2;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let (head, tail) = text.split_at(cut);
    let batch = t.tag_batch(&[head, text, tail, text]);
    assert_eq!(batch.len(), 4);
    assert_eq!(
        batch[1], alone,
        "batch report differs from tag for {text:?}"
    );
    assert_eq!(
        batch[3], alone,
        "batch report differs from tag for {text:?}"
    );
    assert_eq!(batch[0], t.tag(head), "batch report differs for {head:?}");
    assert_eq!(batch[2], t.tag(tail), "batch report differs for {tail:?}");
    check_report(head, &batch[0]);
    check_report(tail, &batch[2]);
}
