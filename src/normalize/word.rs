//! The word pass: homoglyphs, leetspeak and repeats, decided over the whole word.
//!
//! The general case, for a word the fast paths declined. It runs in two steps over scratch
//! buffers reused across words. [`Normalizer::push_char`] records each original character:
//! its span, its per-character fold, its script, whether it is a letter, a mark, an invisible
//! character or a leetspeak symbol. [`Normalizer::emit_word`] then counts the Latin, Cyrillic and
//! Greek letters to find the word's dominant script, replaces homoglyphs of other scripts and
//! leetspeak symbols between letters with the letters they imitate, attaches dropped marks to
//! the letter before them, collapses runs of three or more equal letters, and appends the
//! result to the output with its offsets.

use super::folded::Folded;
use super::normalizer::Normalizer;
use super::tables::Fold;
use crate::script::{is_alpha, Script};

/// What a character of a word is, for the word pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Text,
    Mark,
    Ignore,
}

/// One original character of the word being folded.
#[derive(Clone, Copy, Debug)]
pub(super) struct CharInfo {
    pos: usize,
    end: usize,
    c: char,
    kind: Kind,
    /// Range of its base fold in the word scratch buffer.
    fstart: usize,
    fend: usize,
    script: Script,
    letter: bool,
    leet: bool,
}

/// One piece of folded output with its original span.
#[derive(Clone, Copy, Debug)]
struct Unit {
    fstart: usize,
    fend: usize,
    ostart: usize,
    oend: usize,
    /// The unit is a single letter (eligible for repeat collapsing).
    letter: Option<char>,
    /// One original char folded to one char of the same byte length.
    simple: bool,
}

/// Reusable buffers for one `fold` call.
#[derive(Default)]
pub(super) struct Scratch {
    pub(super) chars: Vec<CharInfo>,
    pub(super) base: String,
    units: Vec<Unit>,
    unit_text: String,
}

impl Normalizer {
    /// Records one original character of a word in the scratch buffers.
    pub(super) fn push_char(&self, scratch: &mut Scratch, pos: usize, c: char) {
        let fold = self.tables.fold(c);
        let fstart = scratch.base.len();
        let kind = match &*fold {
            Fold::Keep => {
                scratch.base.push(c);
                Kind::Text
            }
            Fold::Char(d) => {
                scratch.base.push(*d);
                Kind::Text
            }
            Fold::Str(s) => {
                scratch.base.push_str(s);
                Kind::Text
            }
            Fold::Mark => Kind::Mark,
            Fold::Ignore => Kind::Ignore,
        };
        let fend = scratch.base.len();
        let first = scratch.base[fstart..fend].chars().next();
        let letter = first.is_some_and(is_alpha);
        scratch.chars.push(CharInfo {
            pos,
            end: pos + c.len_utf8(),
            c,
            kind,
            fstart,
            fend,
            script: first.map_or(Script::Other, Script::of),
            letter,
            leet: c.is_ascii() && self.tables.is_leet(c),
        });
    }

    /// Folds the word recorded in `scratch.chars` and appends it to `out`.
    pub(super) fn emit_word(&self, out: &mut Folded, scratch: &mut Scratch) {
        let chars = &scratch.chars;
        // Which of Latin and Cyrillic dominates the word (homoglyph and leet target).
        let (mut lat, mut cyr, mut grk) = (0usize, 0usize, 0usize);
        let mut first_script = None;
        let mut first_letter = None;
        let mut last_letter = None;
        for (idx, ch) in chars.iter().enumerate() {
            if ch.kind != Kind::Text || !ch.letter {
                continue;
            }
            match ch.script {
                Script::Latin => lat += 1,
                Script::Cyrillic => cyr += 1,
                Script::Greek => grk += 1,
                _ => {}
            }
            if first_script.is_none() && matches!(ch.script, Script::Latin | Script::Cyrillic) {
                first_script = Some(ch.script);
            }
            first_letter.get_or_insert(idx);
            last_letter = Some(idx);
        }
        let dominant = if grk > lat + cyr {
            None
        } else if cyr > lat {
            Some(Script::Cyrillic)
        } else if lat > cyr {
            Some(Script::Latin)
        } else {
            first_script
        };
        let toward_cyr = dominant == Some(Script::Cyrillic);
        // Leetspeak applies when some symbol sits between two letters of the word.
        let inner = |idx: usize| match (first_letter, last_letter) {
            (Some(f), Some(l)) => f < idx && idx < l,
            _ => false,
        };
        let fold_leet = dominant.is_some()
            && chars.iter().enumerate().any(|(idx, ch)| {
                ch.leet && inner(idx) && self.tables.leet(ch.c, toward_cyr).is_some()
            });

        scratch.units.clear();
        scratch.unit_text.clear();
        for (idx, ch) in chars.iter().enumerate() {
            match ch.kind {
                Kind::Ignore => continue,
                Kind::Mark => {
                    if let Some(last) = scratch.units.last_mut() {
                        last.oend = ch.end;
                        last.simple = false;
                    }
                    continue;
                }
                Kind::Text => {}
            }
            let mut replacement = None;
            if ch.leet && fold_leet && (inner(idx) || ch.c.is_ascii_digit()) {
                replacement = self.tables.leet(ch.c, toward_cyr);
            } else if ch.letter
                && dominant.is_some()
                && ch.script != dominant.unwrap_or(Script::Other)
                && matches!(ch.script, Script::Latin | Script::Cyrillic | Script::Greek)
            {
                replacement = self.tables.confusable(ch.c, toward_cyr).or_else(|| {
                    let folded = scratch.base[ch.fstart..ch.fend].chars().next()?;
                    self.tables.confusable(folded, toward_cyr)
                });
            }
            let fstart = scratch.unit_text.len();
            let (letter, one_char) = match replacement {
                Some(r) => {
                    scratch.unit_text.push(r);
                    (Some(r), true)
                }
                None => {
                    let s = &scratch.base[ch.fstart..ch.fend];
                    scratch.unit_text.push_str(s);
                    let mut it = s.chars();
                    match (it.next(), it.next()) {
                        (Some(f), None) => (is_alpha(f).then_some(f), true),
                        _ => (None, false),
                    }
                }
            };
            let fend = scratch.unit_text.len();
            scratch.units.push(Unit {
                fstart,
                fend,
                ostart: ch.pos,
                oend: ch.end,
                letter,
                simple: one_char && fend - fstart == ch.end - ch.pos,
            });
        }

        // Collapse runs of 3+ identical letters, then append to the output.
        let units = &scratch.units;
        let mut k = 0;
        while k < units.len() {
            let u = units[k];
            let mut run = 1;
            if let Some(l) = u.letter {
                while k + run < units.len() && units[k + run].letter == Some(l) {
                    run += 1;
                }
            }
            if run >= 3 {
                let last = units[k + run - 1];
                let start = out.text.len();
                out.text.push_str(&scratch.unit_text[u.fstart..u.fend]);
                out.offsets
                    .push(start, u.fend - u.fstart, u.ostart, last.oend, false);
                k += run;
            } else {
                for u in &units[k..k + run] {
                    let start = out.text.len();
                    out.text.push_str(&scratch.unit_text[u.fstart..u.fend]);
                    out.offsets
                        .push(start, u.fend - u.fstart, u.ostart, u.oend, u.simple);
                }
                k += run;
            }
        }
    }
}
