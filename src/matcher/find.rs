//! The search: every occurrence of a pattern, its word, its owner, and the hits that remain.
//!
//! # How it works
//! [`Matcher::find`] runs the automaton once over the folded text and takes every occurrence,
//! overlapping ones included. For each entry that owns the pattern (an entry may own it in
//! several languages) it tries each language in turn:
//! 1. [`Matcher::word_span`] extends the occurrence to its whole word and accepts it only if
//!    the letters around it, in the same script, are an allowed prefix and suffix of the
//!    language's morphology class; or, for a variant of [`MIN_INNER_LEN`] chars or more, if
//!    the occurrence lies inside a hashtag, which it then spans.
//! 2. The entry's context rules (see `rules.rs`) may cancel the match.
//! 3. Of the languages that accept the word, the document's guessed language wins, else the
//!    first.
//!
//! [`resolve`] then drops the hits of an entry that lie inside a longer hit of the same entry,
//! and orders the rest by position. Hits of different entries may nest (a slur inside an
//! incitement phrase gives both).
use std::ops::Range;

use super::boundaries::{hashtag_span, scan_back, scan_forward};
use aho_corasick::Anchored;

use super::build::{Class, Matcher, Owner, MIN_INNER_LEN, NO_EXTRA};
use crate::lexicon::Lang;
use crate::script::{is_alpha, Script};

/// A match in folded text, before it is mapped back to the original.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RawHit {
    /// Index of the entry in the lexicon.
    pub entry: usize,
    /// Language of the matched variant.
    pub lang: Lang,
    /// The variant as written in the lexicon.
    pub variant: usize,
    /// The whole word(s) in the folded text, affixes included.
    pub span: Range<usize>,
    /// The variant's own occurrence in the folded text.
    pub core: Range<usize>,
}

impl Matcher {
    /// Finds every hit in `folded`, ordered by position. Where a folded form belongs to the
    /// same entry in several languages, the hit takes `preferred` (the document's guessed
    /// language) if that language's morphology accepts the word, else the first language
    /// that does. An exclude rule that fires for any of them cancels the entry's match, and so
    /// does a `requires` rule of the preferred language that finds no supporting word.
    ///
    /// The same scan appends every occurrence of an extra pattern (see [`Matcher::build`]) to
    /// `extra`, as (extra pattern index, folded span), in the automaton's order.
    pub(crate) fn find(
        &self,
        folded: &str,
        preferred: Option<Lang>,
        extra: &mut Vec<(u32, Range<usize>)>,
    ) -> Vec<RawHit> {
        let mut hits: Vec<RawHit> = Vec::new();
        let mut occurrence = |pat: usize, s: usize, e: usize| {
            if self.extra_of[pat] != NO_EXTRA {
                extra.push((self.extra_of[pat], s..e));
            }
            // owners of one entry are contiguous (they are added entry by entry)
            for group in self.owners[pat].chunk_by(|a, b| a.entry == b.entry) {
                let mut chosen: Option<(&Owner, Range<usize>)> = None;
                let mut excluded = false;
                for owner in group {
                    let class = owner.class.map(|c| &self.classes[c]);
                    let Some(span) = self.word_span(folded, s, e, class, self.pattern_chars[pat])
                    else {
                        continue;
                    };
                    if self.excluded(folded, &span, owner) {
                        excluded = true;
                        break;
                    }
                    if !self.required_context(folded, &span, owner) {
                        // the document's own language needs context it lacks: no falling back
                        // to a same-looking variant of another language without that rule
                        if Some(owner.lang) == preferred {
                            excluded = true;
                            break;
                        }
                        continue;
                    }
                    if chosen.is_none() || Some(owner.lang) == preferred {
                        chosen = Some((owner, span));
                    }
                }
                if let (false, Some((owner, span))) = (excluded, chosen) {
                    hits.push(RawHit {
                        entry: owner.entry,
                        lang: owner.lang,
                        variant: owner.variant,
                        span,
                        core: s..e,
                    });
                }
            }
        };
        let (hay, lens) = (folded.as_bytes(), &self.ac.pattern_bytes);
        match (self.ac.dfa.get(), &self.ac.alphabet) {
            (Some(dfa), Some(a)) => scan(dfa, hay, lens, |i| a.symbol(hay, i), &mut occurrence),
            (None, Some(a)) => scan(
                &self.ac.nfa,
                hay,
                lens,
                |i| a.symbol(hay, i),
                &mut occurrence,
            ),
            (Some(dfa), None) => scan(dfa, hay, lens, |i| (hay[i], 1), &mut occurrence),
            (None, None) => scan(&self.ac.nfa, hay, lens, |i| (hay[i], 1), &mut occurrence),
        }
        resolve(&mut hits);
        hits
    }

    /// The whole word span around `s..e` if its affixes are allowed.
    fn word_span(
        &self,
        t: &str,
        s: usize,
        e: usize,
        class: Option<&Class>,
        len: usize,
    ) -> Option<Range<usize>> {
        let first = t[s..e].chars().find(|&c| is_alpha(c))?;
        let last = t[s..e].chars().rev().find(|&c| is_alpha(c))?;
        let (max_p, max_s) = class.map_or((0, 0), |c| (c.max_prefix, c.max_suffix));
        let ws = scan_back(t, s, Script::of(first), max_p + 1);
        let we = scan_forward(t, e, Script::of(last), max_s + 1);
        let prefix = &t[ws..s];
        let suffix = &t[e..we];
        let ok_p = prefix.is_empty() || class.is_some_and(|c| c.prefixes.contains(prefix));
        let ok_s = suffix.is_empty() || class.is_some_and(|c| c.suffixes.contains(suffix));
        if ok_p && ok_s {
            return Some(ws..we);
        }
        if len >= MIN_INNER_LEN {
            if let Some(tag) = hashtag_span(t, s, e) {
                return Some(tag);
            }
        }
        None
    }
}

/// Runs `aut` over `hay` and calls `each(pattern, start, end)` for every occurrence of every
/// pattern, overlapping ones included, in the order of aho-corasick's overlapping search: by
/// end, then by the match state's order. The loop is that search's, without its iterator:
/// every match of a state is handled in one step, so frequent short patterns (cue words such
/// as `لا` or `не` inside longer words) cost a few instructions each, not a call.
///
/// `step(i)` gives the automaton's input at byte `i` of `hay` and its length in bytes: a
/// char's symbol (see `alphabet.rs`) or the byte itself. `lens` holds each pattern's length
/// in bytes of `hay`, which puts an occurrence's start that many bytes before its end.
#[inline(always)]
fn scan<A: aho_corasick::automaton::Automaton>(
    aut: &A,
    hay: &[u8],
    lens: &[usize],
    step: impl Fn(usize) -> (u8, usize),
    each: &mut impl FnMut(usize, usize, usize),
) {
    let Ok(mut sid) = aut.start_state(Anchored::No) else {
        // every automaton here is built for unanchored searches
        return;
    };
    let mut report = |sid, end: usize| {
        for k in 0..aut.match_len(sid) {
            let pat = aut.match_pattern(sid, k).as_usize();
            each(pat, end - lens[pat], end);
        }
    };
    // an empty pattern matches before the first byte (the lexicon has none; kept exact)
    if aut.is_match(sid) {
        report(sid, 0);
    }
    let mut i = 0;
    while i < hay.len() {
        let (input, len) = step(i);
        i += len;
        sid = aut.next_state(Anchored::No, sid, input);
        if aut.is_special(sid) {
            if aut.is_dead(sid) {
                return;
            }
            if aut.is_match(sid) {
                report(sid, i);
            }
        }
    }
}

/// Drops hits of an entry that lie inside a longer hit of the same entry, and orders the rest.
fn resolve(hits: &mut Vec<RawHit>) {
    hits.sort_by(|a, b| {
        (
            a.entry,
            a.span.start,
            std::cmp::Reverse(a.span.end),
            std::cmp::Reverse(a.core.len()),
        )
            .cmp(&(
                b.entry,
                b.span.start,
                std::cmp::Reverse(b.span.end),
                std::cmp::Reverse(b.core.len()),
            ))
    });
    let mut kept: Vec<RawHit> = Vec::with_capacity(hits.len());
    for h in hits.drain(..) {
        if let Some(k) = kept.last() {
            if k.entry == h.entry && k.span.start <= h.span.start && h.span.end <= k.span.end {
                continue;
            }
        }
        kept.push(h);
    }
    kept.sort_by_key(|h| (h.span.start, std::cmp::Reverse(h.span.end), h.entry));
    *hits = kept;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Cues;
    use crate::lexicon::Lexicon;
    use crate::normalize::Normalizer;

    /// Every text of the functional fixtures and the sample.
    fn fixture_texts() -> Vec<String> {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
        let mut files: Vec<_> = std::fs::read_dir(format!("{root}/functional"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
            .collect();
        files.push(format!("{root}/sample.jsonl").into());
        let mut texts = Vec::new();
        for f in files {
            for line in std::fs::read_to_string(f).unwrap().lines() {
                // the sample holds a broken line on purpose
                let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
                    continue;
                };
                if let Some(t) = v["text"].as_str() {
                    texts.push(t.to_string());
                }
            }
        }
        texts
    }

    /// Both matchers find the same hits and cue occurrences in the same order in every text.
    fn assert_same_finds(x: &Matcher, y: &Matcher, texts: &[String]) {
        let n = Normalizer::default();
        for t in texts {
            let folded = n.fold_str(t);
            let (mut a, mut b) = (Vec::new(), Vec::new());
            assert_eq!(
                x.find(&folded, None, &mut a),
                y.find(&folded, None, &mut b),
                "{t}"
            );
            assert_eq!(a, b, "{t}");
        }
    }

    #[test]
    fn the_dfa_finds_what_the_nfa_finds_in_the_same_order() {
        let n = Normalizer::default();
        let cues = Cues::embedded();
        let lexicon = Lexicon::embedded();
        let nfa = Matcher::build(lexicon, &n, false, cues.patterns()).unwrap();
        let dfa = Matcher::build(lexicon, &n, true, cues.patterns()).unwrap();
        assert!(nfa.ac.dfa.get().is_none());
        // the DFA is compiled in the background: wait for it (a minute at most)
        let start = std::time::Instant::now();
        while dfa.ac.dfa.get().is_none() {
            assert!(start.elapsed().as_secs() < 60, "the DFA was never built");
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let texts = fixture_texts();
        assert!(texts.len() > 200);
        assert_same_finds(&nfa, &dfa, &texts);
    }

    #[test]
    fn a_scan_of_symbols_finds_what_a_scan_of_bytes_finds_in_the_same_order() {
        let n = Normalizer::default();
        let cues = Cues::embedded();
        let lexicon = Lexicon::embedded();
        let symbols = Matcher::build(lexicon, &n, false, cues.patterns()).unwrap();
        let bytes = Matcher::build_with(lexicon, &n, false, cues.patterns(), false).unwrap();
        assert!(
            symbols.ac.alphabet.is_some(),
            "the embedded data fits a byte of symbols"
        );
        assert!(bytes.ac.alphabet.is_none());
        let mut texts = fixture_texts();
        // chars outside the patterns, of every UTF-8 length, between and inside words
        texts.push("x\u{4E2D}رافضه\u{1F600}الرافضة 中 ﷺ rafidah\u{10FFFF}".into());
        assert_same_finds(&symbols, &bytes, &texts);
    }
}
