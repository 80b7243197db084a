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
        for (i, c) in t.char_indices() {
            if is_alnum(c) || (c == '\'' && start.is_some()) {
                start.get_or_insert(i);
                continue;
            }
            if let Some(s) = start.take() {
                words.push((s, i, sentence));
            }
            if is_sentence_end(c) {
                sentence += 1;
            }
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

    /// (first word, last word, sentence) of a span.
    pub(super) fn span(&self, r: &Range<usize>) -> (usize, usize, u32) {
        let a = self.at(r.start);
        let b = self.at(r.end.saturating_sub(1)).max(a);
        let sentence = self.words.get(a).map_or(u32::MAX, |w| w.2);
        (a, b, sentence)
    }
}

/// Quotation spans of a folded text: « », “ ”, „ “, ‹ ›, 「 」 and straight quotes.
pub(super) fn quote_spans(t: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut open: Vec<(char, usize)> = Vec::new();
    let mut prev = ' ';
    let mut it = t.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let next = it.peek().map_or(' ', |&(_, n)| n);
        let closer = match c {
            '«' => Some('»'),
            '“' => Some('”'),
            '„' => Some('“'),
            '‹' => Some('›'),
            '「' => Some('」'),
            '"' => Some('"'),
            '\'' if !(is_alnum(prev) && is_alnum(next)) => Some('\''),
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
        prev = c;
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
