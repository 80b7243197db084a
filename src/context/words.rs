//! Words, sentences and quotations of a folded text: what "near" and "quoted" mean.
//!
//! # How it works
//! [`Words::new`] cuts the folded text in one pass into words (runs of letters and digits; an
//! apostrophe inside a word does not end it) and numbers each word with its sentence: a
//! sentence ends at `.`, `!`, `?`, `؟`, `۔`, `;`, `؛`, `。`, `…` or a line break. A span of the
//! text then maps, by binary search, to its first and last word and its sentence
//! ([`Words::span`]), so that distances are counted in words whatever the script.
//!
//! [`quote_spans`] pairs quotation marks (« », “ ”, „ “, ‹ ›, 「 」 and straight quotes, an
//! apostrophe between letters excepted) with a stack, and [`merge`] turns the pairs into
//! disjoint, ordered spans that a position can be looked up in.
use std::ops::Range;

use crate::script::is_alnum;

/// Words and sentences of a folded text.
pub(crate) struct Words {
    /// (start, end, sentence) per word.
    words: Vec<(usize, usize, u32)>,
}

fn is_sentence_end(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '?' | '؟' | '۔' | ';' | '؛' | '\n' | '。' | '…'
    )
}

impl Words {
    pub(crate) fn new(t: &str) -> Words {
        let mut words = Vec::new();
        let mut sentence = 0u32;
        let mut start = None;
        let bytes = t.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // ASCII inline; other chars decoded
            let (alnum, c, len) = match bytes[i] {
                b if b < 0x80 => (b.is_ascii_alphanumeric(), char::from(b), 1),
                _ => {
                    let c = t[i..].chars().next().unwrap_or(' ');
                    (is_alnum(c), c, c.len_utf8())
                }
            };
            if alnum || (c == '\'' && start.is_some()) {
                start.get_or_insert(i);
                i += len;
                continue;
            }
            if let Some(s) = start.take() {
                words.push((s, i, sentence));
            }
            if is_sentence_end(c) {
                sentence += 1;
            }
            i += len;
        }
        if let Some(s) = start {
            words.push((s, t.len(), sentence));
        }
        Words { words }
    }

    /// Index of the word containing or following byte `pos`.
    fn at(&self, pos: usize) -> usize {
        self.words.partition_point(|w| w.1 <= pos)
    }

    /// The byte span of word `i`, if there is one.
    pub(super) fn word(&self, i: usize) -> Option<Range<usize>> {
        self.words.get(i).map(|w| w.0..w.1)
    }

    /// (first word, last word, sentence) of a span.
    pub(super) fn span(&self, r: &Range<usize>) -> (usize, usize, u32) {
        let a = self.at(r.start);
        let b = self.at(r.end.saturating_sub(1)).max(a);
        let sentence = self.words.get(a).map_or(u32::MAX, |w| w.2);
        (a, b, sentence)
    }
}

/// Quotation spans of a folded text: « », “ ”, „ “, ‹ ›, 「 」 and straight quotes.
///
/// Only the bytes that can start a quotation mark are visited one by one (`"`, `'`, and the
/// lead bytes of the others); the text between them is skipped a stretch at a time.
pub(super) fn quote_spans(t: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut open: Vec<(char, usize)> = Vec::new();
    let bytes = t.as_bytes();
    let mut i = 0;
    while let Some(off) = bytes[i..]
        .iter()
        .position(|&b| matches!(b, b'"' | b'\'' | 0xC2 | 0xE2 | 0xE3))
    {
        i += off;
        let c = t[i..].chars().next().unwrap_or(' ');
        let closer = match c {
            '«' => Some('»'),
            '“' => Some('”'),
            '„' => Some('“'),
            '‹' => Some('›'),
            '「' => Some('」'),
            '"' => Some('"'),
            '\'' => {
                // an apostrophe between letters is not a quotation mark
                let prev = t[..i].chars().next_back().unwrap_or(' ');
                let next = t[i + 1..].chars().next().unwrap_or(' ');
                (!(is_alnum(prev) && is_alnum(next))).then_some('\'')
            }
            _ => None,
        };
        if let Some(pos) = open
            .iter()
            .rposition(|&(close, _)| close == c || (c == '”' && close == '“'))
        {
            let (_, start) = open[pos];
            spans.push(start..i + c.len_utf8());
            open.truncate(pos);
        } else if let Some(close) = closer {
            if open.len() < 16 {
                open.push((close, i));
            }
        }
        i += c.len_utf8();
    }
    spans
}

/// Merges quotation spans into disjoint, ordered spans (nested quotes lie inside outer ones).
pub(super) fn merge(mut spans: Vec<Range<usize>>) -> Vec<Range<usize>> {
    spans.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(spans.len());
    for r in spans {
        match out.last_mut() {
            Some(last) if r.start < last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::Normalizer;

    fn fold(s: &str) -> String {
        Normalizer::default().fold_str(s)
    }

    #[test]
    fn quotes_pair_up() {
        let t = fold("he said «rafidah» and \"x\"");
        let q = quote_spans(&t);
        assert_eq!(q.len(), 2);
        assert_eq!(&t[q[0].clone()], "«rafidah»");
    }

    #[test]
    fn sentences_separate_words() {
        let w = Words::new("kill. the shia");
        assert_eq!(w.words.len(), 3);
        assert_ne!(w.words[0].2, w.words[2].2);
    }
}
