//! Word boundaries in folded text: how far a word reaches, hashtags, and the words around a
//! position.
//!
//! # How it works
//! A word is a run of letters of one script: a change of script is a boundary (`وrafidah`),
//! digits and punctuation are boundaries, an apostrophe between two letters of the word is
//! not. [`scan_back`] and [`scan_forward`] walk from a match to the ends of its word, but at
//! most a given number of chars (one more than the longest affix), so that a 10 MB "word"
//! costs no more than a short one. [`hashtag_span`] finds the hashtag a match lies in, also
//! bounded ([`MAX_HASHTAG`]).
//!
//! The context rules read whole words (alphanumeric runs): [`next_word`] and [`prev_word`]
//! give the word right after or before a position, skipping at most [`MAX_GAP`] separators
//! and never a line break; [`words_after`] and [`words_before`] iterate over the words on
//! either side, nearest first.
use std::ops::Range;

use crate::script::{is_alnum, is_alpha, Script};

/// Longest hashtag scanned for the hashtag rule, in chars.
const MAX_HASHTAG: usize = 64;
/// How far excludes look for the next/previous word, in chars of separators.
const MAX_GAP: usize = 4;

/// Words (alphanumeric runs) before `s`, nearest first.
pub(super) fn words_before(t: &str, s: usize) -> impl Iterator<Item = &str> {
    let mut end = s;
    std::iter::from_fn(move || {
        let before = &t[..end];
        let stop = before
            .char_indices()
            .rev()
            .find(|&(_, c)| is_alnum(c))
            .map(|(i, c)| i + c.len_utf8())?;
        let start = before[..stop]
            .char_indices()
            .rev()
            .find(|&(_, c)| !is_alnum(c))
            .map_or(0, |(i, c)| i + c.len_utf8());
        end = start;
        Some(&t[start..stop])
    })
}

/// Words (alphanumeric runs) after `e`, nearest first.
pub(super) fn words_after(t: &str, e: usize) -> impl Iterator<Item = &str> {
    let mut pos = e;
    std::iter::from_fn(move || {
        let rest = &t[pos..];
        let start = pos + rest.char_indices().find(|&(_, c)| is_alnum(c))?.0;
        let len = t[start..]
            .char_indices()
            .find(|&(_, c)| !is_alnum(c))
            .map_or(t.len() - start, |(i, _)| i);
        pos = start + len;
        Some(&t[start..start + len])
    })
}

/// Whether `c` continues a word of script `script` (apostrophes are handled by the callers).
#[inline]
fn same_word(c: char, script: Script) -> bool {
    is_alpha(c) && Script::of(c) == script
}

/// Start of the same-script word part before `s`, scanning at most `limit` chars (one more
/// than the longest prefix: a longer run is reported so that the caller rejects it).
pub(super) fn scan_back(t: &str, s: usize, script: Script, limit: usize) -> usize {
    let mut p = s;
    let mut n = 0;
    let mut it = t[..s].char_indices().rev().peekable();
    while let Some((i, c)) = it.next() {
        let inner_apostrophe = c == '\''
            && it.peek().is_some_and(|&(_, b)| same_word(b, script))
            && t[i + 1..]
                .chars()
                .next()
                .is_some_and(|a| same_word(a, script));
        if !(same_word(c, script) || inner_apostrophe) || n >= limit {
            break;
        }
        p = i;
        n += 1;
    }
    p
}

/// End of the same-script word part after `e`, scanning at most `limit` chars.
pub(super) fn scan_forward(t: &str, e: usize, script: Script, limit: usize) -> usize {
    let mut p = e;
    let mut n = 0;
    let mut it = t[e..].char_indices().peekable();
    let mut prev_letter = t[..e]
        .chars()
        .next_back()
        .is_some_and(|c| same_word(c, script));
    while let Some((i, c)) = it.next() {
        let inner_apostrophe =
            c == '\'' && prev_letter && it.peek().is_some_and(|&(_, a)| same_word(a, script));
        if !(same_word(c, script) || inner_apostrophe) || n >= limit {
            break;
        }
        prev_letter = same_word(c, script);
        p = e + i + c.len_utf8();
        n += 1;
    }
    p
}

fn is_tag_char(c: char) -> bool {
    is_alnum(c) || c == '_'
}

/// If `s..e` lies inside a hashtag, the hashtag's span (without `#`).
pub(super) fn hashtag_span(t: &str, s: usize, e: usize) -> Option<Range<usize>> {
    let mut start = s;
    let mut n = 0;
    for (i, c) in t[..s].char_indices().rev() {
        if c == '#' {
            let mut end = e;
            for (j, c) in t[e..].char_indices() {
                if !is_tag_char(c) || n > 2 * MAX_HASHTAG {
                    break;
                }
                end = e + j + c.len_utf8();
                n += 1;
            }
            return Some(start..end);
        }
        if !is_tag_char(c) || n >= MAX_HASHTAG {
            return None;
        }
        start = i;
        n += 1;
    }
    None
}

/// The word after position `e`, skipping a few separators.
pub(super) fn next_word(t: &str, e: usize) -> Option<&str> {
    let rest = &t[e..];
    let mut skipped = 0;
    let mut start = None;
    for (i, c) in rest.char_indices() {
        if is_alnum(c) {
            start = Some(i);
            break;
        }
        skipped += 1;
        if skipped > MAX_GAP || c == '\n' {
            return None;
        }
    }
    let start = start?;
    let len = rest[start..]
        .char_indices()
        .find(|&(_, c)| !is_alnum(c))
        .map_or(rest.len() - start, |(i, _)| i);
    Some(&rest[start..start + len])
}

/// The word before position `s`, skipping a few separators.
pub(super) fn prev_word(t: &str, s: usize) -> Option<&str> {
    let before = &t[..s];
    let mut skipped = 0;
    let mut end = None;
    for (i, c) in before.char_indices().rev() {
        if is_alnum(c) {
            end = Some(i + c.len_utf8());
            break;
        }
        skipped += 1;
        if skipped > MAX_GAP || c == '\n' {
            return None;
        }
    }
    let end = end?;
    let start = before[..end]
        .char_indices()
        .rev()
        .find(|&(_, c)| !is_alnum(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    Some(&before[start..end])
}
