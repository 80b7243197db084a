//! The scan's alphabet: one symbol per folded char instead of one step per UTF-8 byte.
//!
//! # Why
//! The automaton's scan is bound by memory latency: each step is one load from a transition
//! table of several megabytes (lexicon and context cues in one automaton), and it is the load,
//! not the arithmetic around it, that a profile of the scan shows. Arabic, Persian, Cyrillic
//! and Tajik text is two UTF-8 bytes per letter, so a byte-wise scan takes two of those steps
//! per letter, and every pattern takes twice as many states as it has letters.
//!
//! # How
//! [`Alphabet::new`] numbers every distinct non-ASCII char of the patterns (symbols
//! `0x81..=0xFF`); an ASCII char is its own symbol, and every other char is [`OTHER`]
//! (`0x80`), a symbol no pattern holds. The automaton is built over the patterns' symbols
//! ([`Alphabet::encode`]), and the scan decodes the folded text a char at a time and steps once
//! per char ([`Alphabet::symbol`]: the byte itself for ASCII, so that Latin-script text costs
//! what a byte-wise scan costs; a table lookup for the other chars below U+0800; a binary
//! search for the few wider chars the patterns hold).
//!
//! The occurrences are those of a byte-wise scan, in the same order. A pattern is valid UTF-8,
//! so an occurrence in the text's bytes starts and ends on char boundaries, and the numbering
//! is one to one on the patterns' chars: an occurrence of a pattern's symbols is an
//! occurrence of its bytes and the other way round. A char outside the patterns can be part
//! of no occurrence, whichever symbol stands for it, as long as no pattern char has that
//! symbol. The order (by end, then by the match state's list) is the same because the suffix
//! relation between patterns is the same: a pattern that is a byte suffix of another starts on
//! one of its char boundaries. A unit test compares the two scans on every fixture text. With
//! more than 127 distinct non-ASCII chars in the patterns there is no such numbering; the
//! matcher then scans bytes ([`Alphabet::new`] returns `None`).

use crate::script::two_byte_cp;

/// The symbol of every non-ASCII char that no pattern holds.
pub(super) const OTHER: u8 = 0x80;

/// Chars below this code point (one or two UTF-8 bytes) have their symbol in a table.
const NARROW: usize = 0x800;

/// A numbering of the patterns' chars; see the module docs.
#[derive(Debug)]
pub(super) struct Alphabet {
    /// The symbol of every code point below [`NARROW`].
    narrow: Box<[u8; NARROW]>,
    /// The symbols of the patterns' wider chars, sorted by char.
    wide: Vec<(char, u8)>,
}

impl Alphabet {
    /// Numbers the chars of `patterns`, or returns `None` if more than 127 are not ASCII.
    pub(super) fn new<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Option<Alphabet> {
        let mut chars: Vec<char> = patterns
            .into_iter()
            .flat_map(str::chars)
            .filter(|c| !c.is_ascii())
            .collect();
        chars.sort_unstable();
        chars.dedup();
        let mut narrow = Box::new([OTHER; NARROW]);
        for b in 0..0x80u8 {
            narrow[usize::from(b)] = b;
        }
        let mut wide = Vec::new();
        for (i, c) in chars.into_iter().enumerate() {
            // symbols from OTHER + 1; `chars` is sorted, so `wide` is too
            let symbol = u8::try_from(usize::from(OTHER) + 1 + i).ok()?;
            match narrow.get_mut(c as usize) {
                Some(slot) => *slot = symbol,
                None => wide.push((c, symbol)),
            }
        }
        Some(Alphabet { narrow, wide })
    }

    /// The symbols of a pattern (every char of it has one).
    pub(super) fn encode(&self, pattern: &str) -> Vec<u8> {
        let mut buf = [0u8; 4];
        pattern
            .chars()
            .map(|c| self.symbol(c.encode_utf8(&mut buf).as_bytes(), 0).0)
            .collect()
    }

    /// The symbol of the char that starts at byte `i` of `text` (valid UTF-8, `i` on a char
    /// boundary), and the char's length in bytes.
    #[inline(always)]
    pub(super) fn symbol(&self, text: &[u8], i: usize) -> (u8, usize) {
        let b = text[i];
        if b < 0x80 {
            return (b, 1);
        }
        if b < 0xE0 {
            return (self.narrow[two_byte_cp(text, i)], 2);
        }
        self.wide_symbol(text, i)
    }

    /// [`symbol`](Self::symbol) for a char of three or four bytes.
    #[cold]
    fn wide_symbol(&self, text: &[u8], i: usize) -> (u8, usize) {
        let len = if text[i] < 0xF0 { 3 } else { 4 };
        let symbol = std::str::from_utf8(&text[i..i + len])
            .ok()
            .and_then(|s| s.chars().next())
            .and_then(|c| self.wide.binary_search_by_key(&c, |w| w.0).ok())
            .map_or(OTHER, |k| self.wide[k].1);
        (symbol, len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_char_has_its_own_symbol_and_other_chars_share_one() {
        let a = Alphabet::new(["رافضه", "kill", "рафидит", "ﷺ😀"]).unwrap();
        let enc = |s: &str| a.encode(s);
        assert_eq!(enc("kill").len(), 4);
        assert_eq!(enc("رافضه").len(), 5);
        assert!(enc("рафидит😀ﷺ").iter().all(|&s| s != OTHER));
        let mut all: Vec<u8> = enc("رافضهkilрафидтﷺ😀");
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 5 + 3 + 6 + 2, "one symbol per distinct char");
        assert_eq!(enc("kill"), b"kill", "ASCII is its own symbol");
        let text = "ب中🙂ёß";
        let mut i = 0;
        while i < text.len() {
            let (s, len) = a.symbol(text.as_bytes(), i);
            assert_eq!(s, OTHER, "{:?}", &text[i..i + len]);
            assert_eq!(len, text[i..].chars().next().unwrap().len_utf8());
            i += len;
        }
    }

    #[test]
    fn more_than_127_non_ascii_chars_have_no_alphabet() {
        let many: String = (0x4E00..0x4E00 + 127).filter_map(char::from_u32).collect();
        let ascii: String = (0u8..0x80).map(char::from).collect();
        assert!(Alphabet::new([many.as_str(), ascii.as_str()]).is_some());
        let too_many = format!("{many}é");
        assert!(Alphabet::new([too_many.as_str()]).is_none());
    }
}
