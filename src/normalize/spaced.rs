//! Spaced-out letters: `r.a.f.i.d.a.h`, `R a f i d a h`, `ر ا ف ض ة` folded as one word.
//!
//! At the start of a word, [`Normalizer::fold_spaced_run`] checks whether the word is a single
//! letter (with its marks) standing alone; if so, it keeps reading pieces separated by short
//! runs of spacers (at most [`MAX_SPACER_RUN`] characters of spaces, dots, dashes and the like)
//! while each piece is a single letter of the same script. Three or more pieces are handed to
//! the word pass as one word, so the joined letters also get homoglyphs, leetspeak and repeats
//! folded; the spacers between them fold to nothing and sit in the gaps of the offset map. A
//! run is cut after [`MAX_SPACED_LETTERS`] letters, and every character is read a bounded
//! number of times, so a hostile run costs linear time.

use super::folded::Folded;
use super::normalizer::{char_at, is_inner_apostrophe, Normalizer};
use super::tables::{is_ignorable, Fold};
use super::word::Scratch;
use crate::script::{is_alpha, Script};

/// Separators allowed between spaced single letters (`r.a.f.i.d.a.h`).
fn is_spacer(c: char) -> bool {
    matches!(
        c,
        ' ' | '.' | '-' | '_' | '*' | '+' | '/' | '~' | '·' | '•' | '‧' | '∙' | '\u{00A0}'
    ) || is_ignorable(c)
}

/// Longest spacer run between two spaced letters, in characters.
pub(super) const MAX_SPACER_RUN: usize = 3;
/// Most spaced letters joined into one word; a longer run is folded in several words.
const MAX_SPACED_LETTERS: usize = 512;

impl Normalizer {
    /// If a run of spaced single letters (`r.a.f.i.d.a.h`) starts at `start`, folds it as one
    /// word into `out` and returns where it ends.
    pub(super) fn fold_spaced_run(
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
