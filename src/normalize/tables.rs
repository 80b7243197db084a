//! Folding tables, built once from the data files in `models/normalize/`.
//!
//! The per-character fold is context free: compatibility decomposition (the "K" of NFKC),
//! case folding, removal of combining marks, then the letter unification of `letters.tsv`.
//! Because every combining mark is dropped, recomposition (the "C" of NFKC) never changes the
//! result, so the fold of a character can be precomputed. Characters below
//! [`DENSE_LIMIT`] (Latin, Greek, Cyrillic, Arabic, Persian, Urdu, Pashto) are looked up in a
//! dense table; the rest are folded on the fly with the same function.
use std::collections::HashMap;

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

use super::DataError;
use crate::script::{is_alnum, lang_class, regular_class, Script, SCRIPTS};

/// Code points below this are folded through the dense table.
pub(crate) const DENSE_LIMIT: u32 = 0x0800;

/// The fold of one original character.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Fold {
    /// Folds to itself.
    Keep,
    /// Folds to another single character.
    Char(char),
    /// Folds to several characters (`ß` → `ss`, `ﻻ` → `لا`, `ﷺ` → a phrase).
    Str(Box<str>),
    /// A combining mark: removed, its bytes join the preceding letter's span.
    Mark,
    /// A default-ignorable or formatting character (zero-width, bidi control, tatweel, soft
    /// hyphen, variation selector): removed, and it does not break a word.
    Ignore,
}

/// Characters removed by folding that never break a word.
pub(crate) fn is_ignorable(c: char) -> bool {
    matches!(c as u32,
        0x00AD            // soft hyphen
        | 0x034F          // combining grapheme joiner
        | 0x0640          // Arabic tatweel
        | 0x061C          // Arabic letter mark
        | 0x115F | 0x1160 // Hangul fillers
        | 0x17B4 | 0x17B5
        | 0x180B..=0x180F // Mongolian variation selectors and vowel separator
        | 0x200B..=0x200F // zero-width space, ZWNJ, ZWJ, LRM, RLM
        | 0x202A..=0x202E // bidi embeddings and overrides
        | 0x2060..=0x206F // word joiner, invisible operators, bidi isolates
        | 0x3164
        | 0xFE00..=0xFE0F // variation selectors
        | 0xFEFF          // zero-width no-break space / BOM
        | 0xFFA0
        | 0xE0000..=0xE0FFF // tags and variation selectors supplement
    )
}

/// Everything the fast path needs to know about one character of the dense range, packed
/// into one word: its one-char fold (if it has one), its classes, and its class for the
/// language guess.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Info(u64);

impl Info {
    const CHAR_MASK: u64 = 0x1F_FFFF;
    /// The fold is exactly one char (Keep or Char).
    pub(crate) const SINGLE: u64 = 1 << 21;
    /// The folded char has the byte length of the original.
    pub(crate) const SAME_LEN: u64 = 1 << 22;
    /// The original char is alphanumeric.
    pub(crate) const ALNUM: u64 = 1 << 23;
    /// The folded char is alphabetic.
    pub(crate) const F_ALPHA: u64 = 1 << 24;
    /// The folded char is alphanumeric.
    pub(crate) const F_ALNUM: u64 = 1 << 25;
    const SCRIPT_SHIFT: u64 = 26;
    /// The script bits (see [`Info::script_bits`]).
    const SCRIPT_MASK: u64 = 7 << Self::SCRIPT_SHIFT;
    /// The original char belongs to a word (`Normalizer::is_word_char`: alphanumeric, a
    /// leetspeak symbol, a combining mark or an invisible character).
    pub(crate) const WORD: u64 = 1 << 29;
    /// The original char is a combining mark (`Fold::Mark`).
    pub(crate) const MARK: u64 = 1 << 30;
    /// The original char is invisible (`Fold::Ignore`).
    pub(crate) const IGNORE: u64 = 1 << 31;
    /// The char folds to itself (`Fold::Keep`).
    pub(crate) const KEEP: u64 = 1 << 32;
    /// The language guess counts the char as its fold says (`script::regular_class`); the
    /// marker bits it sets are above `SEEN_SHIFT`.
    pub(crate) const REGULAR: u64 = 1 << 33;
    const LANG_SHIFT: u64 = 40;
    const SEEN_SHIFT: u64 = 48;

    /// The one-char fold (meaningful with `SINGLE`).
    #[inline]
    pub(crate) fn folded(self) -> char {
        char::from_u32((self.0 & Self::CHAR_MASK) as u32).unwrap_or('\u{FFFD}')
    }

    /// The one-char fold's code point (meaningful with `SINGLE`), for comparing folds.
    #[inline]
    pub(crate) fn folded_cp(self) -> u64 {
        self.0 & Self::CHAR_MASK
    }

    #[inline]
    pub(crate) fn has(self, flags: u64) -> bool {
        self.0 & flags == flags
    }

    /// Whether the flags of `mask` are exactly those of `want`.
    #[inline]
    pub(crate) fn is(self, mask: u64, want: u64) -> bool {
        self.0 & mask == want
    }

    /// Script of the folded char, as an index into `SCRIPTS`.
    #[inline]
    pub(crate) fn script(self) -> Script {
        SCRIPTS[((self.0 >> Self::SCRIPT_SHIFT) & 7) as usize]
    }

    /// The script of the folded char as bits, for comparing two chars' scripts.
    #[inline]
    pub(crate) fn script_bits(self) -> u64 {
        self.0 & Self::SCRIPT_MASK
    }

    /// The script that [`script_bits`](Self::script_bits) stand for.
    #[inline]
    pub(crate) fn script_of_bits(bits: u64) -> Script {
        SCRIPTS[((bits >> Self::SCRIPT_SHIFT) & 7) as usize]
    }

    /// The char's class for the language guess (`script::lang_class`).
    #[inline]
    pub(crate) fn lang_class(self) -> u8 {
        (self.0 >> Self::LANG_SHIFT) as u8
    }

    /// The marker bits a `REGULAR` char sets in the language guess.
    #[inline]
    pub(crate) fn seen(self) -> u16 {
        (self.0 >> Self::SEEN_SHIFT) as u16
    }
}

/// Tables shared by every [`Normalizer`](super::Normalizer).
#[derive(Debug)]
pub(crate) struct Tables {
    dense: Vec<Fold>,
    info: Box<[Info; DENSE_LIMIT as usize]>,
    letters: HashMap<char, Box<str>>,
    /// Original char → (as a Latin letter, as a Cyrillic letter).
    confusables: HashMap<char, (Option<char>, Option<char>)>,
    /// ASCII symbol → (as a Latin letter, as a Cyrillic letter).
    leet: [(Option<char>, Option<char>); 128],
    /// Every ASCII letter is a plain letter of one script (it folds to one letter of that
    /// script and its own length, is counted by the language guess as its fold says, and is
    /// neither a mark nor invisible), and every ASCII digit folds to itself. True for the
    /// embedded data; a custom `letters.tsv` can change it. The fast paths for ASCII words
    /// rely on it.
    ascii_plain: bool,
}

fn data_lines(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    text.lines().enumerate().filter_map(|(i, line)| {
        if line.trim().is_empty() || line.starts_with('#') {
            None
        } else {
            Some((i + 1, line.split('\t').collect()))
        }
    })
}

fn single_char(field: &str) -> Option<char> {
    let mut it = field.chars();
    match (it.next(), it.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

fn opt_char(field: &str) -> Option<char> {
    if field == "-" {
        None
    } else {
        single_char(field)
    }
}

impl Tables {
    /// Builds the tables from the contents of `letters.tsv`, `confusables.tsv` and `leet.tsv`.
    pub(crate) fn from_data(
        letters: &str,
        confusables: &str,
        leet: &str,
    ) -> Result<Tables, DataError> {
        let err = |file: &str, line: usize, msg: &str| DataError {
            file: file.to_string(),
            line,
            message: msg.to_string(),
        };
        let mut letter_map = HashMap::new();
        for (line, cols) in data_lines(letters) {
            if cols.len() < 2 {
                return Err(err("letters.tsv", line, "expected `from<TAB>to<TAB>why`"));
            }
            let from = single_char(cols[0])
                .ok_or_else(|| err("letters.tsv", line, "`from` must be one character"))?;
            if cols[1].is_empty() {
                return Err(err("letters.tsv", line, "`to` is empty"));
            }
            letter_map.insert(from, cols[1].into());
        }
        let mut conf = HashMap::new();
        for (line, cols) in data_lines(confusables) {
            if cols.len() != 4 {
                return Err(err("confusables.tsv", line, "expected 4 columns"));
            }
            let c = single_char(cols[0])
                .ok_or_else(|| err("confusables.tsv", line, "`char` must be one character"))?;
            conf.insert(c, (opt_char(cols[2]), opt_char(cols[3])));
        }
        let mut leet_table = [(None, None); 128];
        for (line, cols) in data_lines(leet) {
            if cols.len() != 3 {
                return Err(err("leet.tsv", line, "expected 3 columns"));
            }
            let c = single_char(cols[0])
                .filter(|c| c.is_ascii() && !c.is_ascii_alphabetic())
                .ok_or_else(|| {
                    err(
                        "leet.tsv",
                        line,
                        "`symbol` must be one ASCII digit or symbol",
                    )
                })?;
            leet_table[c as usize] = (opt_char(cols[1]), opt_char(cols[2]));
        }
        let mut tables = Tables {
            dense: Vec::new(),
            info: Box::new([Info::default(); DENSE_LIMIT as usize]),
            letters: letter_map,
            confusables: conf,
            leet: leet_table,
            ascii_plain: false,
        };
        tables.dense = (0..DENSE_LIMIT)
            .map(|cp| char::from_u32(cp).map_or(Fold::Keep, |c| tables.compute(c)))
            .collect();
        let info: Vec<Info> = (0..DENSE_LIMIT)
            .map(|cp| {
                let Some(c) = char::from_u32(cp) else {
                    return Info::default();
                };
                let lang = u64::from(lang_class(cp)) << Info::LANG_SHIFT;
                let leet = cp < 128 && {
                    let (lat, cyr) = tables.leet[cp as usize];
                    lat.is_some() || cyr.is_some()
                };
                let word = if is_alnum(c)
                    || leet
                    || matches!(&tables.dense[cp as usize], Fold::Mark | Fold::Ignore)
                {
                    Info::WORD
                } else {
                    0
                };
                let f = match &tables.dense[cp as usize] {
                    Fold::Keep => c,
                    Fold::Char(d) => *d,
                    other => {
                        let kind = match other {
                            Fold::Mark => Info::MARK,
                            Fold::Ignore => Info::IGNORE,
                            _ => 0,
                        };
                        let alnum = if c.is_alphanumeric() { Info::ALNUM } else { 0 };
                        return Info(word | kind | alnum | lang);
                    }
                };
                let script = SCRIPTS
                    .iter()
                    .position(|s| *s == Script::of(f))
                    .unwrap_or(4) as u64;
                let mut bits =
                    u64::from(f) | Info::SINGLE | word | lang | (script << Info::SCRIPT_SHIFT);
                if f == c {
                    bits |= Info::KEEP;
                }
                if let Some(seen) = regular_class(lang_class(cp), Script::of(f), f.is_alphabetic())
                {
                    bits |= Info::REGULAR | (u64::from(seen) << Info::SEEN_SHIFT);
                }
                if f.len_utf8() == c.len_utf8() {
                    bits |= Info::SAME_LEN;
                }
                if c.is_alphanumeric() {
                    bits |= Info::ALNUM;
                }
                if f.is_alphabetic() {
                    bits |= Info::F_ALPHA;
                }
                if f.is_alphanumeric() {
                    bits |= Info::F_ALNUM;
                }
                Info(bits)
            })
            .collect();
        tables.info.copy_from_slice(&info);
        let plain = Info::ALNUM | Info::SINGLE | Info::F_ALNUM | Info::F_ALPHA;
        let plain = plain | Info::SAME_LEN | Info::REGULAR;
        let mask = plain | Info::MARK | Info::IGNORE;
        let latin = tables.info[usize::from(b'a')].script_bits();
        tables.ascii_plain = (b'A'..=b'Z').chain(b'a'..=b'z').all(|b| {
            let i = tables.info[usize::from(b)];
            i.is(mask, plain) && i.script_bits() == latin
        }) && (b'0'..=b'9')
            .all(|b| tables.info[usize::from(b)].has(Info::KEEP));
        Ok(tables)
    }

    /// The fold of `c`, computed from scratch.
    fn compute(&self, c: char) -> Fold {
        if is_ignorable(c) {
            return Fold::Ignore;
        }
        if is_combining_mark(c) {
            return Fold::Mark;
        }
        let mut out = String::new();
        decompose_compatible(c, |d| {
            if is_combining_mark(d) || is_ignorable(d) {
                return;
            }
            for l in d.to_lowercase() {
                match self.letters.get(&l) {
                    Some(to) => out.push_str(to),
                    None => out.push(l),
                }
            }
        });
        let mut chars = out.chars();
        match (chars.next(), chars.next()) {
            (None, _) => Fold::Ignore,
            (Some(f), None) if f == c => Fold::Keep,
            (Some(f), None) => Fold::Char(f),
            _ => Fold::Str(out.into_boxed_str()),
        }
    }

    /// The packed classes of a char below [`DENSE_LIMIT`].
    #[inline]
    pub(crate) fn info(&self, cp: u32) -> Info {
        self.info[cp as usize]
    }

    /// Whether every ASCII letter is a plain letter of one script (see the field).
    #[inline]
    pub(crate) fn ascii_plain(&self) -> bool {
        self.ascii_plain
    }

    /// The whole dense table of [`Info`]s, for loops that look up every char.
    #[inline]
    pub(crate) fn infos(&self) -> &[Info; DENSE_LIMIT as usize] {
        &self.info
    }

    /// The fold of `c`: a table lookup for common scripts.
    #[inline]
    pub(crate) fn fold(&self, c: char) -> std::borrow::Cow<'_, Fold> {
        let cp = c as u32;
        if cp < DENSE_LIMIT {
            std::borrow::Cow::Borrowed(&self.dense[cp as usize])
        } else {
            std::borrow::Cow::Owned(self.compute(c))
        }
    }

    /// The letter `c` (an original character) looks like in a Latin or a Cyrillic word.
    #[inline]
    pub(crate) fn confusable(&self, c: char, toward_cyrillic: bool) -> Option<char> {
        self.confusables
            .get(&c)
            .and_then(|&(lat, cyr)| if toward_cyrillic { cyr } else { lat })
    }

    /// Whether `c` is a leetspeak symbol at all.
    #[inline]
    pub(crate) fn is_leet(&self, c: char) -> bool {
        (c as u32) < 128 && {
            let (a, b) = self.leet[c as usize];
            a.is_some() || b.is_some()
        }
    }

    /// The letter a leetspeak symbol stands for in a Latin or Cyrillic word.
    #[inline]
    pub(crate) fn leet(&self, c: char, toward_cyrillic: bool) -> Option<char> {
        if (c as u32) < 128 {
            let (lat, cyr) = self.leet[c as usize];
            if toward_cyrillic {
                cyr
            } else {
                lat
            }
        } else {
            None
        }
    }
}
