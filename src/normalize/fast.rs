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

use super::folded::Folded;
use super::normalizer::{char_at, is_inner_apostrophe, Normalizer, MAX_WORD_BYTES};
use unicode_normalization::char::is_combining_mark;

use super::tables::{self, is_ignorable, Fold, Info};
use crate::script::{is_alpha, Letters, Script};

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

    /// The document-level fast path: folds from `start` for as long as the text is made of
    /// gaps and simple words, and returns where it stopped: the end of the text, or a
    /// character or word start that needs the general loop (which then resumes here after
    /// that one piece).
    ///
    /// A simple word here is what [`fold_simple_word`](Self::fold_simple_word) takes, with
    /// combining marks and invisible characters allowed inside (folded as the word pass does:
    /// a mark joins the span of the char before it, an invisible char sits in a gap), as long
    /// as every char folds to one char of its own byte length. Everything else identity-maps,
    /// so the offset map gets one identity run per stretch between marks and invisible chars,
    /// and each character costs one lookup in the dense table.
    ///
    /// It stops, having written nothing for that piece, at: a gap character of three or four
    /// UTF-8 bytes or whose fold changes its length; a leetspeak symbol, mark or invisible
    /// character starting a word; a single letter (it may start a spaced-out run); and any
    /// other word it does not take. Where it does not stop, its output is what the general
    /// loop writes (the gap copies of `fold_impl`, and the word pass's fold of the word).
    pub(super) fn fold_fast<L: Letters>(
        &self,
        text: &str,
        start: usize,
        out: &mut Folded,
        letters: &mut L,
    ) -> usize {
        let bytes = text.as_bytes();
        // the identity run being extended: where it starts in the original and the folded text
        let mut run = (start, out.text.len());
        let mut i = start;
        while i < bytes.len() {
            let b = bytes[i];
            let info = if b < 0x80 {
                let info = self.tables.info(u32::from(b));
                if !info.has(Info::WORD) {
                    // ASCII outside words is copied as it is (see `fold_impl`)
                    letters.ascii(b);
                    out.text.push(char::from(b));
                    i += 1;
                    continue;
                }
                info
            } else if b < 0xE0 {
                let cp = (u32::from(b & 0x1F) << 6) | u32::from(bytes[i + 1] & 0x3F);
                let info = self.tables.info(cp);
                if !info.has(Info::WORD) {
                    if !info.has(Info::SINGLE | Info::SAME_LEN) {
                        break;
                    }
                    letters.two_bytes(cp);
                    out.text.push(info.folded());
                    i += 2;
                    continue;
                }
                info
            } else {
                break;
            };
            // a leetspeak symbol, mark or invisible char starting a word: the general loop
            if !info.has(Info::ALNUM) || info.has(Info::MARK) || info.has(Info::IGNORE) {
                break;
            }
            match self.fast_word(text, i, out, &mut run, letters) {
                Some(end) => i = end,
                None => break,
            }
        }
        if i > run.0 {
            out.offsets.push(run.1, i - run.0, run.0, i, true);
        }
        i
    }

    /// Folds the word at `start` if [`fold_fast`](Self::fold_fast) takes it (see there), and
    /// returns its end; otherwise returns `None` having changed nothing. `run` is the pending
    /// identity run, which the word extends, or closes and reopens around marks and invisible
    /// chars.
    #[inline]
    fn fast_word<L: Letters>(
        &self,
        text: &str,
        start: usize,
        out: &mut Folded,
        run: &mut (usize, usize),
        letters: &mut L,
    ) -> Option<usize> {
        let bytes = text.as_bytes();
        let fstart = out.text.len();
        let (saved_run, saved_map, saved_letters) = (*run, out.offsets.checkpoint(), *letters);
        let bail = |out: &mut Folded, run: &mut (usize, usize), letters: &mut L| {
            out.text.truncate(fstart);
            out.offsets.rollback(saved_map);
            *run = saved_run;
            *letters = saved_letters;
            None
        };
        let mut j = start;
        let mut script = Script::Other;
        let (mut n_letters, mut digits) = (0usize, 0usize);
        let (mut p1, mut p2) = ('\0', '\0');
        // the last char written: its original start and folded start
        let mut last = (start, fstart);
        while j < bytes.len() {
            if j - start >= MAX_WORD_BYTES || (n_letters > 0 && digits > 0) {
                return bail(out, run, letters);
            }
            let b = bytes[j];
            let (info, len) = if b < 0x80 {
                let info = self.tables.info(u32::from(b));
                if !info.has(Info::ALNUM) {
                    // a leetspeak symbol or apostrophe continues the word: the general loop
                    if info.has(Info::WORD) || b == b'\'' || b == b'`' {
                        return bail(out, run, letters);
                    }
                    break;
                }
                (info, 1)
            } else if b < 0xE0 {
                let cp = (u32::from(b & 0x1F) << 6) | u32::from(bytes[j + 1] & 0x3F);
                let info = self.tables.info(cp);
                // some marks and invisible chars are alphabetic (harakat, tatweel)
                if info.has(Info::MARK) || info.has(Info::IGNORE) {
                    match self.fast_marks(text, j, last, n_letters + digits == 1, out, run) {
                        Some(end) => {
                            letters.feed(&text[j..end]);
                            j = end;
                        }
                        None => return bail(out, run, letters),
                    }
                    continue;
                }
                if !info.has(Info::ALNUM) {
                    if info.has(Info::WORD) {
                        return bail(out, run, letters);
                    }
                    break;
                }
                (info, 2)
            } else {
                let c = char_at(text, j);
                if is_ignorable(c) || is_combining_mark(c) {
                    match self.fast_marks(text, j, last, n_letters + digits == 1, out, run) {
                        Some(end) => {
                            letters.feed(&text[j..end]);
                            j = end;
                        }
                        None => return bail(out, run, letters),
                    }
                    continue;
                }
                // an apostrophe may join two words into one for the word pass
                if self.is_word_char(c) || is_inner_apostrophe(c) {
                    return bail(out, run, letters);
                }
                break;
            };
            if !info.has(Info::SINGLE | Info::F_ALNUM | Info::SAME_LEN) {
                return bail(out, run, letters);
            }
            let f = info.folded();
            if info.has(Info::F_ALPHA) {
                let s = info.script();
                if n_letters > 0 && s != script {
                    return bail(out, run, letters);
                }
                script = s;
                n_letters += 1;
                if f == p1 && f == p2 {
                    return bail(out, run, letters);
                }
                p2 = p1;
                p1 = f;
            } else {
                digits += 1;
                p2 = p1;
                p1 = '\0';
            }
            if len == 1 {
                letters.ascii(b);
            } else {
                letters.two_bytes((u32::from(b & 0x1F) << 6) | u32::from(bytes[j + 1] & 0x3F));
            }
            last = (j, out.text.len());
            out.text.push(f);
            j += len;
        }
        if n_letters == 1 || (n_letters > 0 && digits > 0) {
            return bail(out, run, letters);
        }
        Some(j)
    }

    /// Inside a word, after the char written at `last` (original start, folded start): takes
    /// the run of marks and invisible chars at `at` and returns its end. As in the word pass,
    /// marks join that char's span (it becomes a unit of its own in the offset map) and
    /// invisible chars are left in a gap; the identity run `run` is closed before the char
    /// (or before the run, when it holds no mark) and reopened after the run.
    ///
    /// Returns `None`, having written nothing, when `first` (the word has one char so far)
    /// and the run holds an invisible char: that char may separate spaced-out letters, which
    /// `spaced.rs` decides.
    fn fast_marks(
        &self,
        text: &str,
        at: usize,
        last: (usize, usize),
        first: bool,
        out: &mut Folded,
        run: &mut (usize, usize),
    ) -> Option<usize> {
        let mut j = at;
        let mut mark_end = None;
        while j < text.len() {
            let c = char_at(text, j);
            let (mark, ignore) = if (c as u32) < tables::DENSE_LIMIT {
                let info = self.tables.info(c as u32);
                (info.has(Info::MARK), info.has(Info::IGNORE))
            } else {
                // `Tables::compute` checks invisibility first
                let ignore = is_ignorable(c);
                (!ignore && is_combining_mark(c), ignore)
            };
            if !(mark || ignore) {
                break;
            }
            if ignore && first {
                return None;
            }
            j += c.len_utf8();
            if mark {
                mark_end = Some(j);
            }
        }
        let folded_end = out.text.len();
        match mark_end {
            Some(end) => {
                // the char before the marks, as a unit spanning them
                if last.0 > run.0 {
                    out.offsets.push(run.1, last.0 - run.0, run.0, last.0, true);
                }
                out.offsets
                    .push(last.1, folded_end - last.1, last.0, end, false);
            }
            None => {
                if at > run.0 {
                    out.offsets.push(run.1, at - run.0, run.0, at, true);
                }
            }
        }
        *run = (j, folded_end);
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
}
