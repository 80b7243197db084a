//! Stage 1: fold text into a canonical form for matching, keeping the way back to the original.
//!
//! People who want a word to get past a filter write it in ways a byte comparison will not
//! recognise: `R4F1D4H`, `r.a.f.i.d.a.h`, `rаfіdah` with Cyrillic letters, `الرَّافِضَةُ` with
//! harakat, `رافضـــة` with tatweel. This stage maps all of these to one form, so that the
//! lexicon needs one variant where a reader sees one word. [`Normalizer::fold`] returns the
//! folded text as a [`Folded`], whose [`OffsetMap`] leads every folded byte back to the bytes
//! of the original, so a match found in the folded text is reported on the text the user sent.
//!
//! ```
//! use tahrid::normalize::Normalizer;
//!
//! let n = Normalizer::default();
//! let text = "Ｔｈｅ R a f i d a h, the r4f1d4h";
//! let folded = n.fold(text);
//! assert_eq!(folded.as_str(), "the rafidah, the rafidah");
//!
//! // the first "rafidah" is the spaced-out original, spaces included
//! let at = folded.as_str().find("rafidah").unwrap();
//! let span = folded.original_range(at..at + "rafidah".len());
//! assert_eq!(&text[span], "R a f i d a h");
//! ```
//!
//! # The rules
//!
//! [`Normalizer::fold`] makes one left-to-right pass over the text, a word at a time. The rules,
//! in the order they apply to each character (each is tested in this module's tests with a case
//! it must fold and a case it must leave alone):
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
//! # How a fold runs
//!
//! Rules 1 to 4 are context free: they depend on one character, and are precomputed per
//! character (`tables.rs`). Rules 5 to 8 depend on the word around the character. The fold loop
//! (`fold.rs`) walks the text and, at each position, hands the text to the first of these that
//! takes it (first of all, a tight loop over gaps and simple words, `stretch.rs`,
//! which takes most of ordinary text in one stretch, marks and invisible characters inside
//! words included, and stops where a piece needs one of the passes below):
//!
//! * characters between words (spaces, punctuation) are copied or folded one by one, a run
//!   of ASCII ones at a time;
//! * a word that needs none of rules 5 to 8 — nearly every word of ordinary text — goes to
//!   the **fast paths** (`fast.rs`), which fold it while scanning it and give up, having
//!   written nothing, at the first sign that it needs more; so does a very long run of one
//!   letter;
//! * three or more single letters apart (`r.a.f.i.d.a.h`) are gathered by the
//!   **spaced-letter pass** (`spaced.rs`) into one word;
//! * anything else goes to the **word pass** (`word.rs`), which records each character of the
//!   word, decides the word's dominant script, and then applies homoglyphs, leetspeak and the
//!   collapse of repeats.
//!
//! Each pass appends folded text and runs of the offset map to the [`Folded`] output
//! (`folded.rs`, `offsets.rs`). The fast paths are an optimisation only: a property test
//! checks that the fold with them and the fold without them are the same, bytes and offsets.
//!
//! # Cost
//! The per-character fold of the first 2,048 code points (Latin, Greek, Cyrillic, Arabic and
//! its Persian, Urdu and Pashto letters) is a table lookup; rarer characters are folded on the
//! fly by the same function. The offset map stores runs, not a pair per byte (see
//! [`OffsetMap`]). Time is linear in the input: every character is visited a bounded number
//! of times, also inside spaced-letter runs.

mod error;
mod fast;
mod fold;
mod folded;
mod normalizer;
mod offsets;
mod spaced;
mod stretch;
mod tables;
mod word;

pub use error::DataError;
pub use folded::Folded;
pub use normalizer::Normalizer;
pub use offsets::OffsetMap;

#[cfg(test)]
mod tests;
