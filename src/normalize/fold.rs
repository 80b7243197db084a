//! The fold loop: walk the text and hand each word to the pass that folds it.
//!
//! [`Normalizer::fold`] visits the text left to right. First, the document-level fast path
//! (`stretch.rs`) folds as long a stretch of gaps and simple words as it can; where it stops,
//! one piece is folded here ([`fold_step`](Normalizer::fold_step)), and the fast path resumes.
//! In a piece, characters between words are folded one at a time (a run of plain ASCII
//! punctuation and spaces is copied whole). Where a word starts, the passes are tried from the
//! cheapest: a long run of one letter (`fast.rs`), a simple word (`fast.rs`), a run of spaced
//! single letters (`spaced.rs`), and, when none applies, the word pass (`word.rs`) over the word
//! as far as [`Normalizer::word_end`] reaches. Every pass either consumes input and appends its
//! fold, or declines having written nothing, so the next one starts from the same position.
//! Every piece read is also reported, in order, to the language guess's counters
//! ([`Letters`]), so that [`fold_and_guess`](Normalizer::fold_and_guess) reads the text once.

use super::folded::Folded;
use super::normalizer::{char_at, is_inner_apostrophe, Normalizer, MAX_WORD_BYTES};
use super::tables::Fold;
use super::word::Scratch;
use crate::script::{is_alnum, LangCounts, Letters};

impl Normalizer {
    /// Folds `text`; see the [module docs](crate::normalize) for the rules.
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
        self.fold_impl(text, out, true, &mut ());
    }

    /// Folds `text` into `out` and returns [`guess_lang`](crate::script::guess_lang)`(text)`,
    /// counted while folding: one read of the text for both.
    pub(crate) fn fold_and_guess(&self, text: &str, out: &mut Folded) -> &'static str {
        let mut letters = LangCounts::new();
        self.fold_impl(text, out, true, &mut letters);
        letters.guess(text)
    }

    /// The fold loop; `fast` enables the fast paths (tests compare both); every piece of
    /// `text` it reads is reported to `letters`, in order.
    pub(super) fn fold_impl<L: Letters>(
        &self,
        text: &str,
        out: &mut Folded,
        fast: bool,
        letters: &mut L,
    ) {
        out.text.clear();
        out.offsets.clear();
        out.text.reserve(text.len());
        let mut scratch = Scratch::default();
        let mut i = 0;
        while i < text.len() {
            if fast {
                // gaps and simple words in one tight loop; it stops where it needs this one
                i = self.fold_fast(text, i, out, letters);
                if i >= text.len() {
                    break;
                }
            }
            let at = i;
            i = self.fold_step(text, i, out, fast, &mut scratch);
            letters.feed(&text[at..i]);
        }
    }

    /// Folds the one piece at `i` (a run of gap chars, a gap char or a word) and returns its
    /// end.
    fn fold_step(
        &self,
        text: &str,
        i: usize,
        out: &mut Folded,
        fast: bool,
        scratch: &mut Scratch,
    ) -> usize {
        let bytes = text.as_bytes();
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
            return j;
        }
        let c = char_at(text, i);
        if !self.is_word_char(c) {
            self.fold_gap_char(c, i, out);
            return i + c.len_utf8();
        }
        // A word starts at i. A long run of one letter (`raaaa…afidah` padded past any
        // buffer) folds to that letter in constant memory.
        if let Some(end) = self.fold_long_run(text, i, out) {
            return end;
        }
        // Most words need none of the evasion rules.
        if let Some(end) = fast.then(|| self.fold_simple_word(text, i, out)).flatten() {
            return end;
        }
        if let Some(end) = self.fold_spaced_run(text, i, out, scratch) {
            return end;
        }
        let end = self.word_end(text, i);
        scratch.chars.clear();
        scratch.base.clear();
        for (off, ch) in text[i..end].char_indices() {
            self.push_char(scratch, i + off, ch);
        }
        self.emit_word(out, scratch);
        end
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
}
