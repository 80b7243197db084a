//! Stage 1: fold text into a canonical form for matching, keeping the way back to the original.
//!
//! [`Normalizer::fold`] makes one left-to-right pass over the text, a word at a time, and
//! returns a [`Folded`] text with an [`OffsetMap`] back to the original bytes. The rules, in the
//! order they apply to each character (each is tested in this module's tests with a case it must
//! fold and a case it must leave alone):
//!
//! 1. **Compatibility decomposition and case folding.** Fullwidth `ｒａｆｉｄａｈ` and
//!    mathematical `𝐫𝐚𝐟𝐢𝐝𝐚𝐡` become `rafidah`; `ß` → `ss`, `ς` → `σ`. Case folding is the
//!    Unicode lowercase mapping plus the full-folding expansions listed in
//!    `models/normalize/letters.tsv`. **Turkish i:** `İ`, `I`, `ı` and `i` all fold to `i`. This
//!    is a search folding, not Turkish-locale lowercasing: a Turkish `RAFIZI` and an English
//!    `Rafizi` reach the same variant, at the price of not telling `ı` from `i`.
//! 2. **Marks removed.** Every combining mark is dropped: Arabic harakat (U+064B–U+065F),
//!    superscript alef (U+0670), Latin accents, Cyrillic breve and diaeresis (`ё` → `е`,
//!    `й` → `и`, `ӣ` → `и`). Since compatibility decomposition splits `أ إ آ` into alef and a
//!    mark, they become `ا` here too. A dropped mark's bytes join the span of the letter before it.
//! 3. **Letters unified** (`models/normalize/letters.tsv`): `ٱ → ا`, `ى → ي`, `ة → ه`,
//!    Persian/Urdu/Pashto `ی ې ۍ ے → ي`, `ک → ك`, `ہ ھ → ه`; Arabic-Indic and Persian digits
//!    to ASCII; Uzbek apostrophes `ʻ ʼ ' ` ‘ ’` to `'`.
//! 4. **Invisible characters removed**: zero-width space/joiners (ZWNJ included), bidi
//!    controls, tatweel, soft hyphen, variation selectors. None of them breaks a word, so the
//!    Persian `رافضی‌ها` (ZWNJ before the plural suffix) is one word `رافضيها`.
//! 5. **Homoglyphs** (`models/normalize/confusables.tsv`, derived from Unicode's UTS #39 data):
//!    a Latin, Cyrillic or Greek letter inside a word whose letters are mostly of another of
//!    these scripts is replaced by the letter it imitates in the dominant script: `rаfіdah`
//!    (Cyrillic `а`, `і`) → `rafidah`, `рaфидиты` (Latin `a`) → `рафидиты`. Words written in one
//!    script are never transliterated.
//! 6. **Leetspeak** (`models/normalize/leet.tsv`): a digit or symbol between letters of a
//!    Latin or Cyrillic word is the letter it imitates (`r4f1d4h`, `r@fidah`, `k!ll`); a digit
//!    at the word's edge too when the word already has one inside (`r4f1d4`). Numbers (`2024`),
//!    ordinals (`2nd`) and punctuation after a word (`kill!`) are left alone.
//! 7. **Spaced letters joined**: three or more single letters of one script separated by short
//!    runs of spaces, dots, dashes, underscores or similar (`r.a.f.i.d.a.h`, `R a f i d a h`,
//!    `ر ا ف ض ة`) become one word. Ordinary words are never joined.
//! 8. **Repeats collapsed**: a run of three or more identical letters becomes one letter
//!    (`raaaafidahhh` → `rafidah`); doubled letters are kept (`raafidah`, `Allah`, `للاتفاق`).
//!
//! Lexicon variants are folded with the same function, so a rule never has to be remembered
//! when writing an entry: write the word as people write it.
//!
//! # Cost
//! The per-character fold of the first 2,048 code points (Latin, Greek, Cyrillic, Arabic and
//! its Persian, Urdu and Pashto letters) is a table lookup; rarer characters are folded on the
//! fly by the same function. The offset map stores runs, not a pair per byte (see
//! [`OffsetMap`]). Time is linear in the input: every character is visited a bounded number
//! of times, also inside spaced-letter runs.

mod error;
mod offsets;
mod tables;

use std::sync::{Arc, OnceLock};

pub use error::DataError;
pub use offsets::OffsetMap;
pub(crate) use tables::is_ignorable;
use tables::{Fold, Info, Tables};

use crate::script::{is_alnum, is_alpha, Script};

const LETTERS_TSV: &str = include_str!("../../models/normalize/letters.tsv");
const CONFUSABLES_TSV: &str = include_str!("../../models/normalize/confusables.tsv");
const LEET_TSV: &str = include_str!("../../models/normalize/leet.tsv");

/// Folds text for matching; see the [module docs](self) for the rules.
///
/// Cheap to clone (the tables are shared) and `Send + Sync`.
///
/// ```
/// use tahrid::normalize::Normalizer;
///
/// let n = Normalizer::default();
/// assert_eq!(n.fold("الرَّافِضَةُ").as_str(), "الرافضه");
/// assert_eq!(n.fold("R a f i d a h").as_str(), "rafidah");
/// assert_eq!(n.fold("r4f1d4h in 2024").as_str(), "rafidah in 2024");
/// ```
#[derive(Clone, Debug)]
pub struct Normalizer {
    tables: Arc<Tables>,
}

impl Default for Normalizer {
    /// The normalizer built from the tables embedded in the crate.
    fn default() -> Self {
        static EMBEDDED: OnceLock<Arc<Tables>> = OnceLock::new();
        let tables = EMBEDDED.get_or_init(|| {
            Arc::new(
                Tables::from_data(LETTERS_TSV, CONFUSABLES_TSV, LEET_TSV)
                    .expect("embedded normalization tables are valid (checked by tests)"),
            )
        });
        Normalizer {
            tables: Arc::clone(tables),
        }
    }
}

/// Folded text and its alignment to the original; produced by [`Normalizer::fold`].
#[derive(Clone, Debug, Default)]
pub struct Folded {
    text: String,
    offsets: OffsetMap,
}

impl Folded {
    /// The folded text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The map from folded offsets to original offsets.
    pub fn offsets(&self) -> &OffsetMap {
        &self.offsets
    }

    /// Shorthand for [`OffsetMap::original_range`].
    pub fn original_range(&self, folded: std::ops::Range<usize>) -> std::ops::Range<usize> {
        self.offsets.original_range(folded)
    }

    /// Checks that this folded text belongs to `original`: the map is monotonic and covers the
    /// folded text, every folded char maps to a non-empty original range on char boundaries
    /// inside `original`, and original positions never go back. tahrid's property, hostile
    /// and fuzz checks use it; a pipeline can use it to catch a fold paired with the wrong text.
    ///
    /// ```
    /// use tahrid::normalize::Normalizer;
    /// let text = "Ｋｉｌｌ the r4f1d4h";
    /// let folded = Normalizer::default().fold(text);
    /// assert!(folded.validate(text).is_ok());
    /// assert!(folded.validate("kill").is_err());
    /// ```
    pub fn validate(&self, original: &str) -> Result<(), String> {
        let map = &self.offsets;
        if !map.is_monotonic() {
            return Err("offset map not monotonic".into());
        }
        if map.folded_len() != self.text.len() {
            return Err(format!(
                "offset map covers {} folded bytes, the folded text has {}",
                map.folded_len(),
                self.text.len()
            ));
        }
        let ok = |at: usize| at <= original.len() && original.is_char_boundary(at);
        let (mut prev_start, mut prev_end) = (0, 0);
        for (i, c) in self.text.char_indices() {
            let r = map.original_range(i..i + c.len_utf8());
            if !(ok(r.start) && ok(r.end) && r.start < r.end) {
                return Err(format!(
                    "folded char {c:?} at {i} maps to {r:?} (text length {})",
                    original.len()
                ));
            }
            if r.start < prev_start || r.end < prev_end {
                return Err(format!(
                    "folded char {c:?} at {i} maps to {r:?}, before the previous char's \
                     {prev_start}..{prev_end}"
                ));
            }
            (prev_start, prev_end) = (r.start, r.end);
            // ranges between any folded char boundaries are built from these two
            if !ok(map.original_start(i)) || !ok(map.original_end(i + c.len_utf8())) {
                return Err(format!("original_start/end off a char boundary at {i}"));
            }
        }
        let whole = map.original_range(0..self.text.len());
        if !(ok(whole.start) && ok(whole.end) && whole.start <= whole.end) {
            return Err(format!("the whole folded text maps to {whole:?}"));
        }
        Ok(())
    }
}

/// What a character of a word is, for the word pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Text,
    Mark,
    Ignore,
}

/// One original character of the word being folded.
#[derive(Clone, Copy, Debug)]
struct CharInfo {
    pos: usize,
    end: usize,
    c: char,
    kind: Kind,
    /// Range of its base fold in the word scratch buffer.
    fstart: usize,
    fend: usize,
    script: Script,
    letter: bool,
    leet: bool,
}

/// One piece of folded output with its original span.
#[derive(Clone, Copy, Debug)]
struct Unit {
    fstart: usize,
    fend: usize,
    ostart: usize,
    oend: usize,
    /// The unit is a single letter (eligible for repeat collapsing).
    letter: Option<char>,
    /// One original char folded to one char of the same byte length.
    simple: bool,
}

/// Reusable buffers for one `fold` call.
#[derive(Default)]
struct Scratch {
    chars: Vec<CharInfo>,
    base: String,
    units: Vec<Unit>,
    unit_text: String,
}

/// Separators allowed between spaced single letters (`r.a.f.i.d.a.h`).
fn is_spacer(c: char) -> bool {
    matches!(
        c,
        ' ' | '.' | '-' | '_' | '*' | '+' | '/' | '~' | '·' | '•' | '‧' | '∙' | '\u{00A0}'
    ) || is_ignorable(c)
}

/// Apostrophe-like characters that belong to a word when letters surround them.
fn is_inner_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '`' | '‘' | '’' | 'ʹ' | '′')
}

/// Longest spacer run between two spaced letters, in characters.
const MAX_SPACER_RUN: usize = 3;
/// Longest piece of a word folded at once by the word pass (see `word_end`).
const MAX_WORD_BYTES: usize = 4096;
/// Runs of one letter at least this long are folded without per-char records.
const LONG_RUN: usize = 64;
/// Most spaced letters joined into one word; a longer run is folded in several words.
const MAX_SPACED_LETTERS: usize = 512;

impl Normalizer {
    /// Builds a normalizer from the contents of the three data files (`letters.tsv`,
    /// `confusables.tsv`, `leet.tsv`, in the format of those in `models/normalize/`), for users
    /// who need other folding tables.
    ///
    /// ```
    /// use tahrid::normalize::Normalizer;
    /// // No letter unification, no homoglyphs, and only `4` as leetspeak.
    /// let n = Normalizer::from_tables("", "", "4\ta\t-\n").unwrap();
    /// assert_eq!(n.fold("Rаf1d4h").as_str(), "rаf1dah");
    /// assert!(Normalizer::from_tables("xy\tz\n", "", "").is_err());
    /// ```
    pub fn from_tables(letters: &str, confusables: &str, leet: &str) -> Result<Self, DataError> {
        Ok(Normalizer {
            tables: Arc::new(Tables::from_data(letters, confusables, leet)?),
        })
    }

    /// Folds `text`; see the [module docs](self) for the rules.
    ///
    /// ```
    /// use tahrid::normalize::Normalizer;
    ///
    /// let original = "ر ا ف ض ة";
    /// let folded = Normalizer::default().fold(original);
    /// assert_eq!(folded.as_str(), "رافضه");
    /// // the whole folded word maps back to the whole spaced-out original
    /// assert_eq!(folded.original_range(0..folded.as_str().len()), 0..original.len());
    /// ```
    pub fn fold(&self, text: &str) -> Folded {
        let mut out = Folded::default();
        self.fold_into(text, &mut out);
        out
    }

    /// Folds `text` into `out`, reusing its allocations.
    pub fn fold_into(&self, text: &str, out: &mut Folded) {
        self.fold_impl(text, out, true);
    }

    /// The fold loop; `fast` enables the simple-word fast path (tests compare both).
    fn fold_impl(&self, text: &str, out: &mut Folded, fast: bool) {
        out.text.clear();
        out.offsets.clear();
        out.text.reserve(text.len());
        let mut scratch = Scratch::default();
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < text.len() {
            let b = bytes[i];
            // Fast path: a run of ASCII characters that cannot be part of a word.
            if b < 0x80 && !b.is_ascii_alphanumeric() && !self.tables.is_leet(b as char) {
                let mut j = i + 1;
                while j < bytes.len()
                    && bytes[j] < 0x80
                    && !bytes[j].is_ascii_alphanumeric()
                    && !self.tables.is_leet(bytes[j] as char)
                {
                    j += 1;
                }
                let start = out.text.len();
                out.text.push_str(&text[i..j]);
                out.offsets.push(start, j - i, i, j, true);
                i = j;
                continue;
            }
            let c = char_at(text, i);
            if !self.is_word_char(c) {
                self.fold_gap_char(c, i, out);
                i += c.len_utf8();
                continue;
            }
            // A word starts at i. A long run of one letter (`raaaa…afidah` padded past any
            // buffer) folds to that letter in constant memory.
            if let Some(end) = self.fold_long_run(text, i, out) {
                i = end;
                continue;
            }
            // Most words need none of the evasion rules.
            if let Some(end) = fast.then(|| self.fold_simple_word(text, i, out)).flatten() {
                i = end;
                continue;
            }
            if let Some(end) = self.fold_spaced_run(text, i, out, &mut scratch) {
                i = end;
                continue;
            }
            let end = self.word_end(text, i);
            scratch.chars.clear();
            scratch.base.clear();
            for (off, ch) in text[i..end].char_indices() {
                self.push_char(&mut scratch, i + off, ch);
            }
            self.emit_word(out, &mut scratch);
            i = end;
        }
    }

    /// Folds a run of at least [`LONG_RUN`] copies of one letter starting at `start` into one
    /// folded letter spanning the whole run, and returns where the run ends.
    fn fold_long_run(&self, text: &str, start: usize, out: &mut Folded) -> Option<usize> {
        let c = char_at(text, start);
        let f = match &*self.tables.fold(c) {
            Fold::Keep => c,
            Fold::Char(d) => *d,
            _ => return None,
        };
        if !is_alpha(f) {
            return None;
        }
        let bytes = text.as_bytes();
        let len = c.len_utf8();
        let unit = &bytes[start..start + len];
        let mut j = start;
        while j + len <= bytes.len() && &bytes[j..j + len] == unit {
            j += len;
        }
        if (j - start) / len < LONG_RUN {
            return None;
        }
        let at = out.text.len();
        out.text.push(f);
        out.offsets.push(at, f.len_utf8(), start, j, false);
        Some(j)
    }

    /// The fast path: folds the word starting at `start` if it is *simple*, and returns its end;
    /// returns `None` (having written nothing) for any word that needs the full word pass.
    ///
    /// A simple word has letters of one script, each folding through the dense table to one
    /// char; no marks, invisible characters, leetspeak symbols or apostrophes; not digits and
    /// letters mixed; not a single letter (it may start a spaced-out run); no run of three equal
    /// letters. For such a word every rule of the word pass is the identity except the per-char
    /// fold, so the result is the same, at a fraction of the cost. ASCII words become one
    /// lowercase copy and one run of the offset map.
    #[inline]
    fn fold_simple_word(&self, text: &str, start: usize, out: &mut Folded) -> Option<usize> {
        let bytes = text.as_bytes();
        if bytes[start].is_ascii_alphanumeric() {
            if let Some(end) = self.fold_ascii_word(text, start, out) {
                return Some(end);
            }
        }
        let mut j = start;
        let mut script = Script::Other;
        let (mut letters, mut digits) = (0usize, 0usize);
        let mut same_len = true;
        let (mut p1, mut p2) = ('\0', '\0');
        let fstart = out.text.len();
        // Fold while scanning; on a word that is not simple, undo and let the word pass run.
        let bail = |out: &mut Folded| {
            out.text.truncate(fstart);
            None
        };
        while j < bytes.len() {
            if j - start >= MAX_WORD_BYTES || (letters > 0 && digits > 0) {
                return bail(out);
            }
            let b = bytes[j];
            let (info, len) = if b < 0x80 {
                let info = self.tables.info(b as u32);
                if !info.has(Info::ALNUM) {
                    if self.tables.is_leet(b as char) || b == b'\'' || b == b'`' {
                        return bail(out);
                    }
                    break;
                }
                (info, 1)
            } else {
                // two-byte sequences decode inline (the text is valid UTF-8)
                let c = if b < 0xE0 {
                    let cp = (u32::from(b & 0x1F) << 6) | u32::from(bytes[j + 1] & 0x3F);
                    char::from_u32(cp).unwrap_or('\u{FFFD}')
                } else {
                    char_at(text, j)
                };
                if c as u32 >= tables::DENSE_LIMIT {
                    if self.is_word_char(c) {
                        return bail(out);
                    }
                    break;
                }
                let info = self.tables.info(c as u32);
                if !info.has(Info::ALNUM) {
                    if matches!(&*self.tables.fold(c), Fold::Mark | Fold::Ignore) {
                        return bail(out);
                    }
                    break;
                }
                if !info.has(Info::SINGLE | Info::F_ALNUM) {
                    return bail(out);
                }
                same_len &= info.has(Info::SAME_LEN);
                (info, c.len_utf8())
            };
            let f = info.folded();
            if info.has(Info::F_ALPHA) {
                let s = info.script();
                if letters > 0 && s != script {
                    return bail(out);
                }
                script = s;
                letters += 1;
                if f == p1 && f == p2 {
                    return bail(out);
                }
                p2 = p1;
                p1 = f;
            } else {
                digits += 1;
                p2 = p1;
                p1 = '\0';
            }
            out.text.push(f);
            j += len;
        }
        if letters == 1 || (letters > 0 && digits > 0) || j == start {
            return bail(out);
        }
        if same_len {
            out.offsets.push(fstart, j - start, start, j, true);
        } else {
            let mut at = fstart;
            for (off, c) in text[start..j].char_indices() {
                let flen = self.tables.info(c as u32).folded().len_utf8();
                let pos = start + off;
                out.offsets
                    .push(at, flen, pos, pos + c.len_utf8(), flen == c.len_utf8());
                at += flen;
            }
        }
        Some(j)
    }

    /// The fast path's fast path: a word of ASCII letters or ASCII digits (not both), followed
    /// by an ASCII character that ends it. One lowercase copy, one run of the offset map.
    #[inline]
    fn fold_ascii_word(&self, text: &str, start: usize, out: &mut Folded) -> Option<usize> {
        let bytes = text.as_bytes();
        let (mut letters, mut digits, mut run) = (0usize, 0usize, 0usize);
        let mut prev = 0u8;
        let mut j = start;
        while j < bytes.len() {
            // long words go to the word pass in bounded pieces (see `word_end`)
            if j - start >= MAX_WORD_BYTES || (letters > 0 && digits > 0) {
                return None;
            }
            let b = bytes[j];
            if b.is_ascii_alphabetic() {
                let l = b | 0x20;
                run = if l == prev { run + 1 } else { 0 };
                if run >= 2 {
                    return None; // three equal letters: the word pass collapses them
                }
                prev = l;
                letters += 1;
            } else if b.is_ascii_digit() {
                digits += 1;
                prev = 0;
            } else {
                break;
            }
            j += 1;
        }
        // what ends the word must be ASCII and not continue it (leetspeak, apostrophe)
        if let Some(&b) = bytes.get(j) {
            if b >= 0x80 || self.tables.is_leet(b as char) || b == b'\'' || b == b'`' {
                return None;
            }
        }
        if letters == 1 || (letters > 0 && digits > 0) {
            return None;
        }
        let fstart = out.text.len();
        out.text.push_str(&text[start..j]);
        out.text[fstart..].make_ascii_lowercase();
        out.offsets.push(fstart, j - start, start, j, true);
        Some(j)
    }

    /// Folds a lexicon string (a variant, an affix): the same rules, text only.
    ///
    /// ```
    /// use tahrid::normalize::Normalizer;
    /// assert_eq!(Normalizer::default().fold_str("Рафидиты"), "рафидиты");
    /// ```
    pub fn fold_str(&self, text: &str) -> String {
        self.fold(text).text
    }

    fn is_word_char(&self, c: char) -> bool {
        is_alnum(c)
            || self.tables.is_leet(c)
            || matches!(&*self.tables.fold(c), Fold::Mark | Fold::Ignore)
    }

    /// End of the word starting at `start`.
    ///
    /// A word longer than [`MAX_WORD_BYTES`] ends at the first char boundary past that length
    /// that is not a mark or invisible character: the word pass keeps per-char scratch records,
    /// and a hostile 10 MB "word" must not cost gigabytes. Folding a long word in pieces can
    /// only differ at the cuts (a homoglyph or leetspeak decision, a run of repeats).
    fn word_end(&self, text: &str, start: usize) -> usize {
        let mut it = text[start..].char_indices().peekable();
        let mut prev_alnum = false;
        let (mut prev, mut run_start) = ('\0', 0);
        while let Some((off, c)) = it.next() {
            if c != prev {
                run_start = off;
            }
            prev = c;
            if off >= MAX_WORD_BYTES && !matches!(&*self.tables.fold(c), Fold::Mark | Fold::Ignore)
            {
                // never cut inside a run of one letter: it must collapse as a whole
                // (`fold_long_run` takes runs that start a piece)
                return start + if run_start > 0 { run_start } else { off };
            }
            if self.is_word_char(c) {
                prev_alnum = is_alnum(c);
                continue;
            }
            if is_inner_apostrophe(c) && prev_alnum {
                if let Some(&(_, next)) = it.peek() {
                    if is_alnum(next) {
                        continue;
                    }
                }
            }
            return start + off;
        }
        text.len()
    }

    fn fold_gap_char(&self, c: char, pos: usize, out: &mut Folded) {
        let start = out.text.len();
        let end = pos + c.len_utf8();
        match &*self.tables.fold(c) {
            Fold::Keep => {
                out.text.push(c);
                out.offsets.push(start, c.len_utf8(), pos, end, true);
            }
            Fold::Char(d) => {
                out.text.push(*d);
                let same = d.len_utf8() == c.len_utf8();
                out.offsets.push(start, d.len_utf8(), pos, end, same);
            }
            Fold::Str(s) => {
                out.text.push_str(s);
                out.offsets.push(start, s.len(), pos, end, false);
            }
            Fold::Mark | Fold::Ignore => {}
        }
    }

    /// Records one original character of a word in the scratch buffers.
    fn push_char(&self, scratch: &mut Scratch, pos: usize, c: char) {
        let fold = self.tables.fold(c);
        let fstart = scratch.base.len();
        let kind = match &*fold {
            Fold::Keep => {
                scratch.base.push(c);
                Kind::Text
            }
            Fold::Char(d) => {
                scratch.base.push(*d);
                Kind::Text
            }
            Fold::Str(s) => {
                scratch.base.push_str(s);
                Kind::Text
            }
            Fold::Mark => Kind::Mark,
            Fold::Ignore => Kind::Ignore,
        };
        let fend = scratch.base.len();
        let first = scratch.base[fstart..fend].chars().next();
        let letter = first.is_some_and(is_alpha);
        scratch.chars.push(CharInfo {
            pos,
            end: pos + c.len_utf8(),
            c,
            kind,
            fstart,
            fend,
            script: first.map_or(Script::Other, Script::of),
            letter,
            leet: c.is_ascii() && self.tables.is_leet(c),
        });
    }

    /// Folds the word recorded in `scratch.chars` and appends it to `out`.
    fn emit_word(&self, out: &mut Folded, scratch: &mut Scratch) {
        let chars = &scratch.chars;
        // Which of Latin and Cyrillic dominates the word (homoglyph and leet target).
        let (mut lat, mut cyr, mut grk) = (0usize, 0usize, 0usize);
        let mut first_script = None;
        let mut first_letter = None;
        let mut last_letter = None;
        for (idx, ch) in chars.iter().enumerate() {
            if ch.kind != Kind::Text || !ch.letter {
                continue;
            }
            match ch.script {
                Script::Latin => lat += 1,
                Script::Cyrillic => cyr += 1,
                Script::Greek => grk += 1,
                _ => {}
            }
            if first_script.is_none() && matches!(ch.script, Script::Latin | Script::Cyrillic) {
                first_script = Some(ch.script);
            }
            first_letter.get_or_insert(idx);
            last_letter = Some(idx);
        }
        let dominant = if grk > lat + cyr {
            None
        } else if cyr > lat {
            Some(Script::Cyrillic)
        } else if lat > cyr {
            Some(Script::Latin)
        } else {
            first_script
        };
        let toward_cyr = dominant == Some(Script::Cyrillic);
        // Leetspeak applies when some symbol sits between two letters of the word.
        let inner = |idx: usize| match (first_letter, last_letter) {
            (Some(f), Some(l)) => f < idx && idx < l,
            _ => false,
        };
        let fold_leet = dominant.is_some()
            && chars.iter().enumerate().any(|(idx, ch)| {
                ch.leet && inner(idx) && self.tables.leet(ch.c, toward_cyr).is_some()
            });

        scratch.units.clear();
        scratch.unit_text.clear();
        for (idx, ch) in chars.iter().enumerate() {
            match ch.kind {
                Kind::Ignore => continue,
                Kind::Mark => {
                    if let Some(last) = scratch.units.last_mut() {
                        last.oend = ch.end;
                        last.simple = false;
                    }
                    continue;
                }
                Kind::Text => {}
            }
            let mut replacement = None;
            if ch.leet && fold_leet && (inner(idx) || ch.c.is_ascii_digit()) {
                replacement = self.tables.leet(ch.c, toward_cyr);
            } else if ch.letter
                && dominant.is_some()
                && ch.script != dominant.unwrap_or(Script::Other)
                && matches!(ch.script, Script::Latin | Script::Cyrillic | Script::Greek)
            {
                replacement = self.tables.confusable(ch.c, toward_cyr).or_else(|| {
                    let folded = scratch.base[ch.fstart..ch.fend].chars().next()?;
                    self.tables.confusable(folded, toward_cyr)
                });
            }
            let fstart = scratch.unit_text.len();
            let (letter, one_char) = match replacement {
                Some(r) => {
                    scratch.unit_text.push(r);
                    (Some(r), true)
                }
                None => {
                    let s = &scratch.base[ch.fstart..ch.fend];
                    scratch.unit_text.push_str(s);
                    let mut it = s.chars();
                    match (it.next(), it.next()) {
                        (Some(f), None) => (is_alpha(f).then_some(f), true),
                        _ => (None, false),
                    }
                }
            };
            let fend = scratch.unit_text.len();
            scratch.units.push(Unit {
                fstart,
                fend,
                ostart: ch.pos,
                oend: ch.end,
                letter,
                simple: one_char && fend - fstart == ch.end - ch.pos,
            });
        }

        // Collapse runs of 3+ identical letters, then append to the output.
        let units = &scratch.units;
        let mut k = 0;
        while k < units.len() {
            let u = units[k];
            let mut run = 1;
            if let Some(l) = u.letter {
                while k + run < units.len() && units[k + run].letter == Some(l) {
                    run += 1;
                }
            }
            if run >= 3 {
                let last = units[k + run - 1];
                let start = out.text.len();
                out.text.push_str(&scratch.unit_text[u.fstart..u.fend]);
                out.offsets
                    .push(start, u.fend - u.fstart, u.ostart, last.oend, false);
                k += run;
            } else {
                for u in &units[k..k + run] {
                    let start = out.text.len();
                    out.text.push_str(&scratch.unit_text[u.fstart..u.fend]);
                    out.offsets
                        .push(start, u.fend - u.fstart, u.ostart, u.oend, u.simple);
                }
                k += run;
            }
        }
    }

    /// If a run of spaced single letters (`r.a.f.i.d.a.h`) starts at `start`, folds it as one
    /// word into `out` and returns where it ends.
    fn fold_spaced_run(
        &self,
        text: &str,
        start: usize,
        out: &mut Folded,
        scratch: &mut Scratch,
    ) -> Option<usize> {
        // The first piece decides cheaply whether to look further.
        let (first_end, script) = self.single_letter_piece(text, start)?;
        let mut pieces = vec![(start, first_end)];
        let mut at = first_end;
        loop {
            // a short run of spacers
            let mut n = 0;
            let mut j = at;
            while j < text.len() && n <= MAX_SPACER_RUN {
                let c = char_at(text, j);
                if !is_spacer(c) {
                    break;
                }
                j += c.len_utf8();
                n += 1;
            }
            if n == 0 || n > MAX_SPACER_RUN || j >= text.len() {
                break;
            }
            if pieces.len() >= MAX_SPACED_LETTERS {
                break;
            }
            match self.single_letter_piece(text, j) {
                Some((end, s)) if s == script => {
                    pieces.push((j, end));
                    at = end;
                }
                _ => break,
            }
        }
        if pieces.len() < 3 {
            return None;
        }
        scratch.chars.clear();
        scratch.base.clear();
        for &(ps, pe) in &pieces {
            for (off, ch) in text[ps..pe].char_indices() {
                self.push_char(scratch, ps + off, ch);
            }
        }
        self.emit_word(out, scratch);
        Some(at)
    }

    /// A piece made of one letter (plus marks and invisible characters) standing alone as a
    /// word: returns its end and the letter's script.
    fn single_letter_piece(&self, text: &str, start: usize) -> Option<(usize, Script)> {
        let c = char_at(text, start);
        if !is_alpha(c) {
            return None;
        }
        let folded = match &*self.tables.fold(c) {
            Fold::Keep => c,
            Fold::Char(d) => *d,
            _ => return None,
        };
        let script = Script::of(folded);
        if script == Script::Other {
            return None;
        }
        let mut end = start + c.len_utf8();
        for ch in text[end..].chars() {
            match &*self.tables.fold(ch) {
                Fold::Mark => end += ch.len_utf8(),
                Fold::Ignore if !is_spacer(ch) => end += ch.len_utf8(),
                _ => break,
            }
        }
        // the piece must end the word
        match text[end..].chars().next() {
            Some(next) if self.is_word_char(next) && !is_ignorable(next) => None,
            Some(next) if is_inner_apostrophe(next) => None,
            _ => Some((end, script)),
        }
    }
}

/// The char starting at byte `i` (which must be a char boundary).
#[inline]
fn char_at(text: &str, i: usize) -> char {
    text[i..].chars().next().unwrap_or('\u{FFFD}')
}

#[cfg(test)]
mod tests;
