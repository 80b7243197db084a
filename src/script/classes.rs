//! Script classes of chars: which script a letter belongs to, and fast `is_alphabetic`.

use std::sync::OnceLock;

/// The scripts tahrid tells apart. Everything else is [`Script::Other`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Script {
    /// Latin letters (ASCII and the Latin supplements and extensions).
    Latin,
    /// Cyrillic letters (Russian, Tajik, Uzbek, Kyrgyz...).
    Cyrillic,
    /// Greek letters (only ever folded toward Latin or Cyrillic as homoglyphs).
    Greek,
    /// Arabic-script letters (Arabic, Persian, Dari, Pashto, Urdu).
    Arabic,
    /// Digits, punctuation and every other script.
    Other,
}

impl Script {
    /// The script of a character. Only letters get a script; digits, marks and punctuation
    /// are [`Script::Other`].
    ///
    /// ```
    /// use tahrid::script::Script;
    /// assert_eq!(Script::of('r'), Script::Latin);
    /// assert_eq!(Script::of('р'), Script::Cyrillic);
    /// assert_eq!(Script::of('ر'), Script::Arabic);
    /// assert_eq!(Script::of('4'), Script::Other);
    /// ```
    #[inline]
    pub fn of(c: char) -> Script {
        let cp = c as u32;
        if (cp as usize) < TABLE_LIMIT {
            return SCRIPTS[(table()[cp as usize] >> 4) as usize];
        }
        Script::compute(c)
    }

    pub(super) fn compute(c: char) -> Script {
        let cp = c as u32;
        if cp < 0x80 {
            return if c.is_ascii_alphabetic() {
                Script::Latin
            } else {
                Script::Other
            };
        }
        match cp {
            0x00C0..=0x024F | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF
                if c.is_alphabetic() =>
            {
                if cp == 0x00D7 || cp == 0x00F7 {
                    Script::Other
                } else {
                    Script::Latin
                }
            }
            0x0370..=0x03FF | 0x1F00..=0x1FFF if c.is_alphabetic() => Script::Greek,
            0x0400..=0x052F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F
                if c.is_alphabetic() =>
            {
                Script::Cyrillic
            }
            0x0600..=0x06FF
            | 0x0750..=0x077F
            | 0x08A0..=0x08FF
            | 0xFB50..=0xFDFF
            | 0xFE70..=0xFEFF
                if c.is_alphabetic() =>
            {
                Script::Arabic
            }
            _ => Script::Other,
        }
    }
}

/// Characters below this code point have their classes in a table.
pub(super) const TABLE_LIMIT: usize = 0x800;
pub(super) const ALPHA: u8 = 1;
const NUMERIC: u8 = 2;
pub(crate) const SCRIPTS: [Script; 5] = [
    Script::Latin,
    Script::Cyrillic,
    Script::Greek,
    Script::Arabic,
    Script::Other,
];

/// Per-character classes of the first 2,048 code points: `char::is_alphabetic` is a binary
/// search for non-ASCII characters, and the hot loops ask it for every character.
pub(super) fn table() -> &'static [u8; TABLE_LIMIT] {
    static TABLE: OnceLock<Box<[u8; TABLE_LIMIT]>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = Box::new([0u8; TABLE_LIMIT]);
        for (cp, slot) in t.iter_mut().enumerate() {
            let Some(c) = char::from_u32(cp as u32) else {
                continue;
            };
            let script = SCRIPTS
                .iter()
                .position(|s| *s == Script::compute(c))
                .unwrap_or(4) as u8;
            *slot = (script << 4)
                | if c.is_alphabetic() { ALPHA } else { 0 }
                | if c.is_numeric() { NUMERIC } else { 0 };
        }
        t
    })
}

/// `c.is_alphabetic()`, with a table for common scripts.
#[inline]
pub(crate) fn is_alpha(c: char) -> bool {
    let cp = c as usize;
    if cp < 0x80 {
        c.is_ascii_alphabetic()
    } else if cp < TABLE_LIMIT {
        table()[cp] & ALPHA != 0
    } else {
        c.is_alphabetic()
    }
}

/// `c.is_alphanumeric()`, with a table for common scripts.
#[inline]
pub(crate) fn is_alnum(c: char) -> bool {
    let cp = c as usize;
    if cp < 0x80 {
        c.is_ascii_alphanumeric()
    } else if cp < TABLE_LIMIT {
        table()[cp] & (ALPHA | NUMERIC) != 0
    } else {
        c.is_alphanumeric()
    }
}

/// The code point of the two-byte UTF-8 sequence at `i` (valid UTF-8, so the continuation
/// byte is there): what the hot loops decode inline.
#[inline]
pub(crate) fn two_byte_cp(bytes: &[u8], i: usize) -> usize {
    (usize::from(bytes[i] & 0x1F) << 6) | usize::from(bytes[i + 1] & 0x3F)
}
