//! The document-level fast path: a stretch of gaps and simple words folded in one loop.
//!
//! [`Normalizer::fold_fast`] is the first thing the fold loop (`fold.rs`) tries at every
//! position. It reads the text a character at a time, with one lookup per character in the
//! dense table of [`Info`]s, and folds gaps (spaces, punctuation) and simple words (one script,
//! no leetspeak, no run of three equal letters, every character folded to one of its own byte
//! length; marks and invisible characters inside are allowed and folded as the word pass folds
//! them) until it reaches something that needs a rule of the general loop: then it stops at
//! the start of that piece, having written nothing for it. Characters that fold to themselves
//! are not written one by one but copied a stretch at a time ([`Stretch`]), everything it folds
//! extends one identity run of the offset map, and a simple word's letters are counted for the
//! language guess at once. Inside a word, a run of ASCII letters, or of two-byte letters of one
//! script, goes through a loop of its own that checks only what can vary for such letters (a
//! run of three, the script, the fold). A property test checks that the fold with this path and the fold
//! without any fast path are the same, bytes, offsets and language guess.

use unicode_normalization::char::is_combining_mark;

use super::folded::Folded;
use super::normalizer::{char_at, is_inner_apostrophe, Normalizer, MAX_WORD_BYTES};
use super::spaced::MAX_SPACER_RUN;
use super::tables::{self, is_ignorable, Info};
use crate::script::{two_byte_cp, Letters};

impl Normalizer {
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
    /// and each character costs one lookup in the dense table. Most characters fold to
    /// themselves: their bytes are not written one by one but copied a stretch at a time,
    /// when a character that folds to another (or the end) is reached.
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
        let infos = self.tables.infos();
        let mut st = Stretch {
            run: (start, out.text.len()),
            copy: start,
        };
        let mut i = start;
        while i < bytes.len() {
            let b = bytes[i];
            let info = if b < 0x80 {
                let info = infos[usize::from(b)];
                if !info.has(Info::WORD) {
                    // ASCII outside words is copied as it is (see `fold_impl`)
                    letters.ascii(b);
                    i += 1;
                    continue;
                }
                info
            } else if b < 0xE0 {
                let info = infos[two_byte_cp(bytes, i)];
                if !info.has(Info::WORD) {
                    if !info.has(Info::SINGLE | Info::SAME_LEN) {
                        break;
                    }
                    letters.class(info.lang_class());
                    if !info.has(Info::KEEP) {
                        st.write(text, i, 2, info.folded(), out);
                    }
                    i += 2;
                    continue;
                }
                info
            } else {
                break;
            };
            // a leetspeak symbol, mark or invisible char starting a word: the general loop
            if !info.is(Info::ALNUM | Info::MARK | Info::IGNORE, Info::ALNUM) {
                break;
            }
            match self.fast_word(text, i, out, &mut st, letters) {
                Some(end) => i = end,
                None => break,
            }
        }
        st.flush(text, i, out);
        if i > st.run.0 {
            out.offsets.push(st.run.1, i - st.run.0, st.run.0, i, true);
        }
        i
    }

    /// Folds the word at `start` if [`fold_fast`](Self::fold_fast) takes it (see there), and
    /// returns its end; otherwise returns `None` having changed nothing. The word extends the
    /// pending stretch `st`, or closes and reopens its identity run around marks and
    /// invisible chars.
    #[inline]
    fn fast_word<L: Letters>(
        &self,
        text: &str,
        start: usize,
        out: &mut Folded,
        st: &mut Stretch,
        letters: &mut L,
    ) -> Option<usize> {
        let bytes = text.as_bytes();
        let infos = self.tables.infos();
        let saved = (*st, out.text.len(), out.offsets.checkpoint(), *letters);
        let bail = |out: &mut Folded, st: &mut Stretch, letters: &mut L| {
            *st = saved.0;
            out.text.truncate(saved.1);
            out.offsets.rollback(saved.2);
            *letters = saved.3;
            None
        };
        // what a letter or digit of a simple word is: alphanumeric, one char of its own length,
        // neither a mark nor invisible (some of those are alphabetic: harakat, tatweel), and
        // counted by the language guess as its fold says (the word is counted at once)
        const TEXT: u64 =
            Info::ALNUM | Info::SINGLE | Info::F_ALNUM | Info::SAME_LEN | Info::REGULAR;
        const TEXT_MASK: u64 = TEXT | Info::MARK | Info::IGNORE;
        let mut j = start;
        let mut script = 0;
        let (mut n_letters, mut digits) = (0usize, 0usize);
        let (mut p1, mut p2) = (u64::MAX, u64::MAX);
        let mut seen = 0u16;
        // the original start and byte length of the last char, for marks that follow it
        let mut last = (start, 0usize);
        // a word of MAX_WORD_BYTES or more goes to the word pass in pieces (`word_end`)
        let limit = bytes.len().min(start + MAX_WORD_BYTES);
        // A word's ASCII letters, the bulk of Latin-script text, in a tighter loop: with the
        // embedded data every one is a `TEXT` letter of one script (`Tables::ascii_plain`), so
        // only runs of three and the fold remain to look at. The general loop takes the rest.
        if bytes[start].is_ascii_alphabetic() && self.tables.ascii_plain() {
            while j < limit && bytes[j].is_ascii_alphabetic() {
                let info = infos[usize::from(bytes[j])];
                let f = info.folded_cp();
                if f == p1 && f == p2 {
                    return bail(out, st, letters);
                }
                if !info.has(Info::KEEP) {
                    st.write(text, j, 1, info.folded(), out);
                }
                seen |= info.seen();
                (p2, p1) = (p1, f);
                n_letters += 1;
                j += 1;
            }
            script = infos[usize::from(b'a')].script_bits();
            last = (j.saturating_sub(1), 1);
        } else if (0xC2..0xE0).contains(&bytes[start]) {
            // Likewise a word's two-byte letters (Arabic-script, Cyrillic, Latin with
            // diacritics), as long as each is a `TEXT` letter of the word's script; the general
            // loop takes the rest (marks, digits, the word's end) with the same state.
            const LETTER: u64 = TEXT | Info::F_ALPHA;
            const LETTER_MASK: u64 = TEXT_MASK | Info::F_ALPHA;
            while j < limit && (0xC2..0xE0).contains(&bytes[j]) {
                let info = infos[two_byte_cp(bytes, j)];
                if !info.is(LETTER_MASK, LETTER) {
                    break;
                }
                let (s, f) = (info.script_bits(), info.folded_cp());
                if (n_letters > 0 && s != script) || (f == p1 && f == p2) {
                    return bail(out, st, letters);
                }
                if !info.has(Info::KEEP) {
                    st.write(text, j, 2, info.folded(), out);
                }
                script = s;
                seen |= info.seen();
                (p2, p1) = (p1, f);
                n_letters += 1;
                last = (j, 2);
                j += 2;
            }
        }
        while j < limit {
            let b = bytes[j];
            let step = if b < 0x80 {
                let info = infos[usize::from(b)];
                if info.has(Info::ALNUM) {
                    Step::Char(info, 1)
                } else if info.has(Info::WORD) || b == b'\'' || b == b'`' {
                    // a leetspeak symbol or apostrophe continues the word: the general loop
                    Step::Bail
                } else {
                    Step::End
                }
            } else if b < 0xE0 {
                let info = infos[two_byte_cp(bytes, j)];
                if info.is(TEXT_MASK, TEXT) {
                    Step::Char(info, 2)
                } else if info.has(Info::MARK) || info.has(Info::IGNORE) {
                    Step::Marks
                } else if info.has(Info::ALNUM) || info.has(Info::WORD) {
                    Step::Bail
                } else {
                    Step::End
                }
            } else {
                let c = char_at(text, j);
                if is_ignorable(c) || is_combining_mark(c) {
                    Step::Marks
                } else if self.is_word_char(c) || is_inner_apostrophe(c) {
                    // (an apostrophe may join two words into one for the word pass)
                    Step::Bail
                } else {
                    Step::End
                }
            };
            let (info, len) = match step {
                Step::Char(info, len) => (info, len),
                Step::Marks => {
                    let first = n_letters + digits == 1;
                    match self.fast_marks(text, j, last, first, out, st) {
                        Some(end) => {
                            letters.feed(&text[j..end]);
                            j = end;
                            continue;
                        }
                        None => return bail(out, st, letters),
                    }
                }
                Step::Bail => return bail(out, st, letters),
                Step::End => break,
            };
            if !info.is(TEXT_MASK, TEXT) {
                return bail(out, st, letters);
            }
            let f = info.folded_cp();
            if info.has(Info::F_ALPHA) {
                let s = info.script_bits();
                if (n_letters > 0 && s != script) || digits > 0 || (f == p1 && f == p2) {
                    return bail(out, st, letters);
                }
                script = s;
                n_letters += 1;
                seen |= info.seen();
                p2 = p1;
                p1 = f;
            } else {
                if n_letters > 0 {
                    return bail(out, st, letters);
                }
                digits += 1;
                p2 = p1;
                p1 = u64::MAX;
            }
            if !info.has(Info::KEEP) {
                st.write(text, j, len, info.folded(), out);
            }
            last = (j, len);
            j += len;
        }
        if j >= limit && j < bytes.len() {
            return bail(out, st, letters);
        }
        // a single letter may start a spaced-out run (`spaced.rs`), unless what follows it
        // cannot continue one
        if n_letters == 1 && !self.ends_no_spaced_run(bytes, j) {
            return bail(out, st, letters);
        }
        let og = bytes[j - 1] < 0x80 && matches!(bytes[j - 1] | 0x20, b'o' | b'g');
        letters.word(Info::script_of_bits(script), n_letters, seen, og);
        Some(j)
    }

    /// Whether a single letter ending at `end` (with no other char in its word) can be
    /// folded as a word of its own: no spaced-out run (`r a f i d a h`) starts with it. That
    /// is so at the end of the text, and where at most [`MAX_SPACER_RUN`] ASCII spacers lead
    /// to a word of two letters or more, or to a char that is neither a spacer nor part of a
    /// word (the spaced-letter pass then finds one piece only). Anything else is left to that
    /// pass.
    fn ends_no_spaced_run(&self, bytes: &[u8], end: usize) -> bool {
        let infos = self.tables.infos();
        let mut j = end;
        let mut spacers = 0;
        while j < bytes.len()
            && matches!(
                bytes[j],
                b' ' | b'.' | b'-' | b'_' | b'*' | b'+' | b'/' | b'~'
            )
        {
            j += 1;
            spacers += 1;
        }
        if j >= bytes.len() {
            // a single piece (or one and spacers): no run
            return true;
        }
        if spacers > MAX_SPACER_RUN {
            return true;
        }
        // the char after the spacers, and the one after it: two letters of one word, or a
        // char that is neither a spacer nor a word char (ASCII or two bytes)
        let at = |k: usize| -> Option<(Info, usize)> {
            let b = *bytes.get(k)?;
            if b < 0x80 {
                Some((infos[usize::from(b)], 1))
            } else if b < 0xE0 {
                Some((infos[two_byte_cp(bytes, k)], 2))
            } else {
                None
            }
        };
        const LETTER: u64 = Info::ALNUM | Info::F_ALPHA | Info::SINGLE;
        const LETTER_MASK: u64 = LETTER | Info::MARK | Info::IGNORE;
        match at(j) {
            Some((first, len)) if first.is(LETTER_MASK, LETTER) => {
                matches!(at(j + len), Some((second, _)) if second.is(LETTER_MASK, LETTER))
            }
            // a gap char that is no spacer (`,` `?` `:` quotes): the run has no second piece
            Some((first, 1)) if spacers == 0 && !first.has(Info::WORD) => true,
            _ => false,
        }
    }

    /// Inside a word, after the char at `last` (original start, byte length; folded to the
    /// same length): takes the run of marks and invisible chars at `at` and returns its end.
    /// As in the word pass, marks join that char's span (it becomes a unit of its own in the
    /// offset map) and invisible chars are left in a gap; the identity run is closed before
    /// the char (or before the run, when it holds no mark) and reopened after the run.
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
        st: &mut Stretch,
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
        // the folded text up to the marks, written out
        st.flush(text, at, out);
        let folded_end = out.text.len();
        let run = &mut st.run;
        match mark_end {
            Some(end) => {
                // the char before the marks, as a unit spanning them
                let (pos, len) = last;
                if pos > run.0 {
                    out.offsets.push(run.1, pos - run.0, run.0, pos, true);
                }
                out.offsets.push(folded_end - len, len, pos, end, false);
            }
            None => {
                if at > run.0 {
                    out.offsets.push(run.1, at - run.0, run.0, at, true);
                }
            }
        }
        *run = (j, folded_end);
        st.copy = j;
        Some(j)
    }
}

/// The fast path's pending output: the identity run of the offset map being extended, and
/// the original bytes from `copy` on, which fold to themselves and are written when
/// something else must be (or at the end).
#[derive(Clone, Copy, Debug)]
struct Stretch {
    /// Where the identity run starts in the original and in the folded text.
    run: (usize, usize),
    /// Original bytes from here to the current position are pending: copied as they are.
    copy: usize,
}

impl Stretch {
    /// Writes the pending bytes before `at`.
    #[inline]
    fn flush(&mut self, text: &str, at: usize, out: &mut Folded) {
        if at > self.copy {
            out.text.push_str(&text[self.copy..at]);
        }
        self.copy = at;
    }

    /// Writes `folded` for the char of `len` bytes at `at` (folded to the same length), after
    /// the pending bytes.
    #[inline]
    fn write(&mut self, text: &str, at: usize, len: usize, folded: char, out: &mut Folded) {
        self.flush(text, at, out);
        out.text.push(folded);
        self.copy = at + len;
    }
}

/// What the fast word loop does with the char it reads.
enum Step {
    /// A letter or digit, with its entry and byte length (checked further).
    Char(Info, usize),
    /// Marks or invisible chars (`fast_marks`).
    Marks,
    /// The word needs the general loop.
    Bail,
    /// The word ends before this char.
    End,
}
