//! Script classes of letters, as tahrid needs them: for homoglyph folding (which script
//! dominates a word), for word boundaries (a change of script inside a run of letters is a
//! boundary: `وrafidah` is the Arabic conjunction and a Latin word), and for a coarse guess at a
//! document's language.

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

    fn compute(c: char) -> Script {
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
const TABLE_LIMIT: usize = 0x800;
const ALPHA: u8 = 1;
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
fn table() -> &'static [u8; TABLE_LIMIT] {
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

const LAT: usize = 0;
const CYR: usize = 1;
const ARB: usize = 2;
const PS: usize = 3;
const UR: usize = 4;
const FA: usize = 5;
const KY: usize = 6;
const UZC: usize = 7;
const TG: usize = 8;
const TR: usize = 9;
const UZL: usize = 10;
const APOS: usize = 11;
/// қ ғ ҳ: Tajik and Uzbek Cyrillic both use them.
const CAS: usize = 12;
const NONE: u8 = 0xFF;

/// The code point of the two-byte UTF-8 sequence at `i` (valid UTF-8, so the continuation
/// byte is there): what the hot loops decode inline.
#[inline]
pub(crate) fn two_byte_cp(bytes: &[u8], i: usize) -> usize {
    (usize::from(bytes[i] & 0x1F) << 6) | usize::from(bytes[i + 1] & 0x3F)
}

/// The class of a char below `TABLE_LIMIT` for the language guess (see `lang_table`); other
/// chars get `NONE` (the guess classifies them on the fly).
pub(crate) fn lang_class(cp: u32) -> u8 {
    lang_table().get(cp as usize).copied().unwrap_or(NONE)
}

/// For the fast fold, which counts a word's letters at once: whether a char of class `class`
/// whose fold is in `folded` (alphabetic or not) counts as the fold says, a letter of that
/// script (or, not alphabetic, as nothing), and if so the marker bits it sets (see
/// [`LangCounts`]).
pub(crate) fn regular_class(class: u8, folded: Script, alphabetic: bool) -> Option<u16> {
    if !alphabetic {
        return (class == NONE).then_some(0);
    }
    let counter = match folded {
        Script::Latin => LAT,
        Script::Cyrillic => CYR,
        Script::Arabic => ARB,
        _ => return None,
    };
    (class != NONE && class != APOS as u8 && usize::from(class & 0x0F) == counter)
        .then(|| 1u16 << (class >> 4))
}

/// Per char below `TABLE_LIMIT`: low nibble the script counter, high nibble a marker counter
/// (0 = none); `NONE` for non-letters; `APOS` for apostrophes that follow Uzbek o/g.
fn lang_table() -> &'static [u8; TABLE_LIMIT] {
    static TABLE: OnceLock<Box<[u8; TABLE_LIMIT]>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = Box::new([NONE; TABLE_LIMIT]);
        for (cp, slot) in t.iter_mut().enumerate() {
            let Some(c) = char::from_u32(cp as u32) else {
                continue;
            };
            let script = match Script::compute(c) {
                Script::Latin => LAT,
                Script::Cyrillic => CYR,
                Script::Arabic => ARB,
                _ => {
                    if matches!(c, 'ʻ' | 'ʼ') {
                        *slot = APOS as u8;
                    }
                    continue;
                }
            };
            let marker = match c {
                'ټ' | 'ډ' | 'ړ' | 'ښ' | 'ږ' | 'ځ' | 'ګ' | 'ۍ' | 'ې' | 'ڼ' => PS,
                'ٹ' | 'ڈ' | 'ڑ' | 'ں' | 'ے' | 'ھ' | 'ہ' => UR,
                'پ' | 'چ' | 'ژ' | 'گ' | 'ک' | 'ی' => FA,
                'ң' | 'ө' | 'ү' | 'Ң' | 'Ө' | 'Ү' => KY,
                'ў' | 'Ў' => UZC,
                'ӣ' | 'ӯ' | 'ҷ' | 'Ӣ' | 'Ӯ' | 'Ҷ' => TG,
                'қ' | 'ғ' | 'ҳ' | 'Қ' | 'Ғ' | 'Ҳ' => CAS,
                'ı' | 'ş' | 'ğ' | 'İ' | 'Ş' | 'Ğ' => TR,
                _ => 0,
            };
            *slot = (script | (marker << 4)) as u8;
        }
        t
    })
}

/// A coarse guess at a text's language from its letters: the script with the most letters,
/// then letters that only some languages of that script use (Pashto ټ ډ ړ ښ ږ ځ ګ ۍ ې ڼ;
/// Urdu ٹ ڈ ڑ ں ے ھ ہ; Persian پ چ ژ گ ک ی; Kyrgyz ң ө ү; Uzbek ў; Tajik ӣ ӯ ҷ; қ ғ ҳ
/// without either of those: Uzbek;
/// Turkish ı ş ğ; Uzbek Latin oʻ gʻ). Returns a BCP 47 code, or `und` for text without
/// letters. Latin text with neither Turkish nor Uzbek marks is reported as `en`.
///
/// It is a guess for routing and reporting, not language identification: short texts and
/// texts in languages outside the lexicon get the nearest code of their script.
///
/// ```
/// use tahrid::script::guess_lang;
/// assert_eq!(guess_lang("الرافضة"), "ar");
/// assert_eq!(guess_lang("رافضی‌ها"), "fa");
/// assert_eq!(guess_lang("рофизӣ"), "tg");
/// assert_eq!(guess_lang("рофизийлар қаерда"), "uz-Cyrl");
/// assert_eq!(guess_lang("rofiziylar oʻz"), "uz");
/// assert_eq!(guess_lang("12 34"), "und");
/// ```
pub fn guess_lang(text: &str) -> &'static str {
    let mut letters = LangCounts::new();
    letters.feed(text);
    letters.guess()
}

/// Something that watches the letters of a text go by, a piece at a time and in order: the
/// normalizer's fold loop reports what it reads to one, so that a caller who needs
/// [`guess_lang`] as well as the fold reads the text once (see [`LangCounts`]). `()` watches
/// nothing.
pub(crate) trait Letters: Copy {
    /// An ASCII byte.
    fn ascii(&mut self, b: u8);
    /// A char of two UTF-8 bytes, by its class (`lang_class`).
    fn class(&mut self, class: u8);
    /// A piece of text.
    fn feed(&mut self, text: &str);
    /// A word of `letters` letters whose folds are all of `script` and whose chars are all
    /// regular (`regular_class`), setting the marker bits `seen`; `og` says whether its last
    /// char is an ASCII `o` or `g`.
    fn word(&mut self, script: Script, letters: usize, seen: u16, og: bool);
}

impl Letters for () {
    #[inline(always)]
    fn ascii(&mut self, _: u8) {}
    #[inline(always)]
    fn class(&mut self, _: u8) {}
    #[inline(always)]
    fn feed(&mut self, _: &str) {}
    #[inline(always)]
    fn word(&mut self, _: Script, _: usize, _: u16, _: bool) {}
}

/// The letter counts behind [`guess_lang`]: letters per script, a bit per marker letter seen
/// (markers only need to be there), and whether the last char was an ASCII `o` or `g` (for
/// Uzbek `oʻ`). Fed a piece at a time, in order, it counts what one pass over the whole text
/// counts.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LangCounts {
    table: &'static [u8; TABLE_LIMIT],
    lat: usize,
    cyr: usize,
    arb: usize,
    seen: u32,
    prev_og: bool,
}

impl LangCounts {
    pub(crate) fn new() -> LangCounts {
        LangCounts {
            table: lang_table(),
            lat: 0,
            cyr: 0,
            arb: 0,
            seen: 0,
            prev_og: false,
        }
    }

    /// The guess from what was fed (see [`guess_lang`]).
    pub(crate) fn guess(&self) -> &'static str {
        let (lat, cyr, arb) = (self.lat, self.cyr, self.arb);
        let has = |counter: usize| self.seen & (1 << counter) != 0;
        if lat == 0 && cyr == 0 && arb == 0 {
            return "und";
        }
        if arb >= lat && arb >= cyr {
            if has(PS) {
                "ps"
            } else if has(UR) {
                "ur"
            } else if has(FA) {
                "fa"
            } else {
                "ar"
            }
        } else if cyr >= lat {
            if has(KY) {
                "ky"
            } else if has(UZC) {
                "uz-Cyrl"
            } else if has(TG) {
                "tg"
            } else if has(CAS) {
                // қ ғ ҳ without Tajik's ӣ ӯ ҷ or Uzbek's ў: Uzbek is the likelier
                "uz-Cyrl"
            } else {
                "ru"
            }
        } else if has(TR) {
            "tr"
        } else if has(UZL) {
            "uz"
        } else {
            "en"
        }
    }
}

impl Letters for LangCounts {
    #[inline]
    fn ascii(&mut self, b: u8) {
        self.lat += usize::from(b.is_ascii_alphabetic());
        if self.prev_og && (b == b'\'' || b == b'`') {
            self.seen |= 1 << UZL;
        }
        // `| 0x20` maps only O and G onto o and g
        self.prev_og = matches!(b | 0x20, b'o' | b'g');
    }

    #[inline]
    fn class(&mut self, class: u8) {
        if class == APOS as u8 {
            if self.prev_og {
                self.seen |= 1 << UZL;
            }
        } else if class != NONE {
            match usize::from(class & 0x0F) {
                LAT => self.lat += 1,
                CYR => self.cyr += 1,
                _ => self.arb += 1,
            }
            self.seen |= 1 << (class >> 4);
        }
        self.prev_og = false;
    }

    #[inline]
    fn word(&mut self, script: Script, letters: usize, seen: u16, og: bool) {
        match script {
            Script::Latin => self.lat += letters,
            Script::Cyrillic => self.cyr += letters,
            Script::Arabic => self.arb += letters,
            // regular letters are of these three scripts; a word of digits has none
            _ => {}
        }
        self.seen |= u32::from(seen);
        self.prev_og = og;
    }

    fn feed(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b < 0x80 && i + 32 <= bytes.len() && bytes[i + 31] < 0x80 {
                // a long ASCII stretch: counted a run at a time (these loops vectorize)
                let len = bytes[i..]
                    .iter()
                    .position(|&b| b >= 0x80)
                    .unwrap_or(bytes.len() - i);
                let run = &bytes[i..i + len];
                self.lat += run.iter().filter(|b| b.is_ascii_alphabetic()).count();
                if (self.prev_og && matches!(run[0], b'\'' | b'`'))
                    || ((run.contains(&b'\'') || run.contains(&b'`'))
                        && run.windows(2).any(|w| {
                            matches!(w[0] | 0x20, b'o' | b'g') && matches!(w[1], b'\'' | b'`')
                        }))
                {
                    self.seen |= 1 << UZL;
                }
                self.prev_og = matches!(run[len - 1] | 0x20, b'o' | b'g');
                i += len;
                continue;
            }
            if b < 0x80 {
                self.ascii(b);
                i += 1;
                continue;
            }
            // two-byte sequences (Arabic, Cyrillic, Greek, Latin supplements) decode inline;
            // the text is valid UTF-8, so the continuation byte is there
            if b < 0xE0 {
                let class = self.table[two_byte_cp(bytes, i)];
                i += 2;
                self.class(class);
                continue;
            }
            let c = text[i..].chars().next().unwrap_or(' ');
            i += c.len_utf8();
            self.class(match Script::of(c) {
                Script::Latin => LAT as u8,
                Script::Cyrillic => CYR as u8,
                Script::Arabic => ARB as u8,
                _ if matches!(c, '‘' | '’') => APOS as u8,
                _ => NONE,
            });
        }
    }
}
