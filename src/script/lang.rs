//! The language guess: letters per script, marker letters, and the refinements for addresses
//! and for Persian letters in Arabic words (see [`guess_lang`]).

use std::sync::OnceLock;

use super::classes::{table, two_byte_cp, Script, ALPHA, TABLE_LIMIT};

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
/// پ چ ژ گ: Persian, but also Iraqi and Gulf Arabic colloquial spellings (يگول, چلاب), so
/// without ک or ی they need the words' say (see `reads_arabic`).
const FAW: usize = 13;
const NONE: u8 = 0xFF;

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
                'ک' | 'ی' => FA,
                'پ' | 'چ' | 'ژ' | 'گ' => FAW,
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
/// Urdu ٹ ڈ ڑ ں ے ھ ہ; Persian ک ی; Kyrgyz ң ө ү; Uzbek ў; Tajik ӣ ӯ ҷ; қ ғ ҳ
/// without either of those: Uzbek;
/// Turkish ı ş ğ; Uzbek Latin oʻ gʻ). Returns a BCP 47 code, or `und` for text without
/// letters. Latin text with neither Turkish nor Uzbek marks is reported as `en`.
///
/// Two refinements keep common social-media text on its own language:
/// - **Addresses do not vote.** When the text has an `@`, or Latin letters win but the text
///   has Arabic or Cyrillic letters too, the letters are counted again without the links,
///   e-mail addresses and @-handles (the tokens the n-gram stage skips too): an Arabic reply
///   that opens with three handles is Arabic, and a handle's Persian letters (`@کاربر`) do not
///   make it Persian.
/// - **پ چ ژ گ without ک or ی.** These letters are Persian, but Iraqi and Gulf Arabic write
///   them in colloquial words (يگول "he says", چلاب "dogs"), and Persian typed on an Arabic
///   keyboard has ي and ك instead of ی and ک. So the words decide: the text is Arabic when at
///   least two of its words carry the Arabic article (ال, لل, or ال after و ف ب ل) or end in
///   ة, and they outnumber twice its Persian function words (را از در است اين كه براي مي
///   هاي...); names with الله and Persian words that begin with ال (البته, الان) do not
///   count. Measured: 1 of the 10,190 Persian lines of the benchmark corpus that reach this
///   test reads as Arabic, and all 16 Arabic dev items that reach it do.
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
/// // handles do not outvote the text
/// assert_eq!(guess_lang("@user_one @user_two @user_three لان الشيعة خونة"), "ar");
/// // Iraqi Arabic with گ, and Persian typed with Arabic ي and ك
/// assert_eq!(guess_lang("هو يگول الشيعة في العراق"), "ar");
/// assert_eq!(guess_lang("اين گزارش را خبرگزاري منتشر كرد"), "fa");
/// ```
pub fn guess_lang(text: &str) -> &'static str {
    let mut letters = LangCounts::new();
    letters.feed(text);
    letters.guess(text)
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

    /// The guess for `text`, whose letters are what was fed (see [`guess_lang`]).
    pub(crate) fn guess(&self, text: &str) -> &'static str {
        let mixed = self.script() == Some(LAT) && (self.arb > 0 || self.cyr > 0);
        if mixed || text.as_bytes().contains(&b'@') {
            // the letters of links and handles may have outvoted the text's own, or brought
            // marker letters of another language (`@کاربر` in an Arabic reply)
            let mut own = LangCounts::new();
            for token in text.split_whitespace().filter(|t| !is_address(t)) {
                own.feed(token);
                own.feed(" ");
            }
            // (a text of nothing but addresses keeps the guess of their letters)
            if own.script().is_some() {
                return own.decide(text, true);
            }
        }
        self.decide(text, false)
    }

    /// The counter of the script with the most letters (ties: Arabic, then Cyrillic), if any.
    fn script(&self) -> Option<usize> {
        let (lat, cyr, arb) = (self.lat, self.cyr, self.arb);
        if lat == 0 && cyr == 0 && arb == 0 {
            None
        } else if arb >= lat && arb >= cyr {
            Some(ARB)
        } else if cyr >= lat {
            Some(CYR)
        } else {
            Some(LAT)
        }
    }

    /// The language within the winning script, by its marker letters (and, for پ چ ژ گ
    /// alone, by the words of `text`, without its addresses if `skip_addresses`).
    fn decide(&self, text: &str, skip_addresses: bool) -> &'static str {
        let has = |counter: usize| self.seen & (1 << counter) != 0;
        match self.script() {
            None => "und",
            Some(ARB) => {
                if has(PS) {
                    "ps"
                } else if has(UR) {
                    "ur"
                } else if has(FA) || (has(FAW) && !reads_arabic(text, skip_addresses)) {
                    "fa"
                } else {
                    "ar"
                }
            }
            Some(CYR) => {
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
            }
            Some(_) => {
                if has(TR) {
                    "tr"
                } else if has(UZL) {
                    "uz"
                } else {
                    "en"
                }
            }
        }
    }
}

/// Links, e-mail addresses and @-handles: they name a place or a person, and their letters
/// say nothing of the language or the content of the text around them.
pub(crate) fn is_address(token: &str) -> bool {
    token.starts_with('@')
        || token.contains("://")
        || token.starts_with("www.")
        || (token.contains('/') && token.contains('.'))
        || (token.contains('@') && token.contains('.'))
}

/// Persian function words that Arabic does not use, in the Arabic spellings of ی and ک (with
/// ک or ی a text is Persian before its words are read): a word counts when its part before
/// any ZWNJ is one of them (مي‌شود, هاي).
const PERSIAN_WORDS: [&str; 14] = [
    "را", "از", "در", "است", "اين", "كه", "براي", "شد", "مي", "اند", "ها", "هاي", "آن", "بر",
];

/// Common Persian words that begin with ال without being Arabic: "of course", "now", "model",
/// "inspiration", a province, "diamond", "electronic" (in Arabic letters: with ک or ی a text is
/// Persian before the words are read).
const PERSIAN_AL_WORDS: [&str; 8] = [
    "البته",
    "الان",
    "الآن",
    "الگو",
    "الهام",
    "البرز",
    "الماس",
    "الكترونيك",
];

/// Whether the Arabic-script words of `text` read as Arabic rather than Persian (see
/// [`guess_lang`]): at least two words with the Arabic article or a final ة, more than twice
/// as many as Persian function words. Marks and tatweel are skipped; ZWNJ stays in a word.
pub(crate) fn reads_arabic(text: &str, skip_addresses: bool) -> bool {
    let mut counts = (0usize, 0usize);
    let mut cleaned = String::new();
    if skip_addresses {
        for token in text.split_whitespace().filter(|t| !is_address(t)) {
            count_words(token, &mut counts, &mut cleaned);
        }
    } else {
        count_words(text, &mut counts, &mut cleaned);
    }
    let (arabic, persian) = counts;
    arabic >= 2 && arabic > 2 * persian
}

/// Adds to `counts` the words of `text` with the Arabic article or a final ة, and its Persian
/// function words (see [`reads_arabic`]).
fn count_words(text: &str, counts: &mut (usize, usize), cleaned: &mut String) {
    // marks and tatweel: skipped inside a word
    let mark = |cp: usize| matches!(cp, 0x0610..=0x061A | 0x064B..=0x065F | 0x0670 | 0x06D6..=0x06ED | 0x0640);
    const ZWNJ: &[u8] = "\u{200c}".as_bytes();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // a word: a run of letters and marks of U+0600–U+06FF (two bytes each) and ZWNJ,
        // read a byte at a time (this runs on every text with پ چ ژ گ and no ک or ی)
        let start = i;
        let (mut marks, mut joined) = (false, false);
        while i < bytes.len() {
            if (0xD8..=0xDB).contains(&bytes[i]) {
                let cp = two_byte_cp(bytes, i);
                let m = mark(cp);
                if !(m || table()[cp] & ALPHA != 0) {
                    break;
                }
                marks |= m;
                i += 2;
            } else if i > start && bytes[i..].starts_with(ZWNJ) {
                joined = true;
                i += ZWNJ.len();
            } else {
                break;
            }
        }
        if i == start {
            // not a word char: the next char
            i += 1;
            while i < bytes.len() && !text.is_char_boundary(i) {
                i += 1;
            }
            continue;
        }
        let mut word = &text[start..i];
        if marks {
            cleaned.clear();
            cleaned.extend(word.chars().filter(|&c| !mark(c as usize)));
            word = cleaned;
        }
        let head = if joined {
            word.split('\u{200c}').next().unwrap_or("")
        } else {
            // one piece: the article before at least two letters (not الله, not a Persian
            // word that begins with ال), or a final ة
            let article = ["ال", "وال", "فال", "بال", "لال", "لل"].iter().any(|a| {
                word.strip_prefix(a)
                    .is_some_and(|rest| rest.chars().nth(1).is_some())
            }) && !matches!(word, "الله" | "لله" | "والله" | "بالله" | "فالله")
                && !PERSIAN_AL_WORDS.contains(&word);
            if article || word.ends_with('ة') {
                counts.0 += 1;
            }
            word
        };
        // (the Persian function words take at most four letters)
        if head.len() <= 8 && PERSIAN_WORDS.contains(&head) {
            counts.1 += 1;
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
