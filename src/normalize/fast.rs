//! The fast paths: words that need none of the contextual rules.
//!
//! Most words of real text have letters of one script, no marks, no invisible characters, no
//! leetspeak and no run of three equal letters. For them the word pass would apply only the
//! per-character fold, at the cost of a record per character. [`Normalizer::fold_simple_word`]
//! folds such a word while scanning it, straight into the output, and undoes what it wrote as
//! soon as the word turns out not to be simple; [`Normalizer::fold_ascii_word`] does the same
//! for ASCII words with one lowercase copy. [`Normalizer::fold_long_run`] takes a long run of
//! one letter (`aaaa…`, padding meant to exhaust buffers) in constant memory. Results are
//! identical to the word pass's, bytes and offsets (a property test compares the two).
//!
//! Before any of these, the fold loop tries the document-level fast path of `stretch.rs`,
//! which folds whole stretches of gaps and simple words in one loop; these per-word paths take
//! the pieces it leaves (a word whose fold changes a char's byte length, say).

use super::folded::Folded;
use super::normalizer::{char_at, Normalizer, MAX_WORD_BYTES};
use super::tables::{self, Fold, Info};
use crate::script::{is_alpha, two_byte_cp, Script};

/// Runs of one letter at least this long are folded without per-char records.
const LONG_RUN: usize = 64;

impl Normalizer {
    /// Folds a run of at least [`LONG_RUN`] copies of one letter starting at `start` into one
    /// folded letter spanning the whole run, and returns where the run ends.
    pub(super) fn fold_long_run(
        &self,
        text: &str,
        start: usize,
        out: &mut Folded,
    ) -> Option<usize> {
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
    pub(super) fn fold_simple_word(
        &self,
        text: &str,
        start: usize,
        out: &mut Folded,
    ) -> Option<usize> {
        let bytes = text.as_bytes();
        // (one lowercase copy is the fold only if every ASCII letter is plain)
        if bytes[start].is_ascii_alphanumeric() && self.tables.ascii_plain() {
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
                    char::from_u32(two_byte_cp(bytes, j) as u32).unwrap_or('\u{FFFD}')
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
}
