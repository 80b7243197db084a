//! An entry's context rules, applied to a match: excludes and requires.
//!
//! # How it works
//! An exclude rule cancels a match when the word right after it or right before it (a few
//! separators away at most, not across a line break) matches one of the rule's [`Glob`]s:
//! `الرافضة للاتفاق` is "rejecting the agreement", not the slur. A requires rule keeps a
//! match only if one of its globs matches a word within its window on either side: `al-Naba`
//! counts next to "weekly" or صحيفة. Rules may be limited to some languages.
//!
//! A glob is a folded word, exact or with a `*` at one end (a prefix or a suffix). An
//! Arabic-script word is also compared without its leading clitic (`وصحيفة` is `صحيفة`).
use std::ops::Range;

use super::boundaries::{next_word, prev_word, words_after, words_before};
use super::build::{Glob, Matcher, Owner};

/// Clitics stripped from Arabic-script words when context rules compare them (folded forms).
const AR_CLITICS: &[&str] = &[
    "وال", "فال", "بال", "كال", "ولل", "ال", "لل", "و", "ف", "ب", "ل", "ك",
];

impl Glob {
    pub(super) fn matches(&self, word: &str) -> bool {
        let hit = |w: &str| match self {
            Glob::Exact(x) => w == x,
            Glob::Prefix(p) => w.starts_with(p.as_str()),
            Glob::Suffix(s) => w.ends_with(s.as_str()),
        };
        // Arabic-script words carry clitics: `وصحيفة` is `صحيفة` for a context rule
        hit(word)
            || AR_CLITICS
                .iter()
                .any(|c| word.len() > c.len() + 2 && word.starts_with(c) && hit(&word[c.len()..]))
    }
}

impl Matcher {
    pub(super) fn excluded(&self, t: &str, span: &Range<usize>, owner: &Owner) -> bool {
        let rules = &self.excludes[owner.entry];
        if rules.is_empty() {
            return false;
        }
        let next = next_word(t, span.end);
        let prev = prev_word(t, span.start);
        rules.iter().any(|r| {
            (r.langs.is_empty() || r.langs.contains(&owner.lang))
                && (next.is_some_and(|w| r.next.iter().any(|g| g.matches(w)))
                    || prev.is_some_and(|w| r.prev.iter().any(|g| g.matches(w))))
        })
    }

    /// Whether every `requires` rule of the owner's entry (for its language) finds one of its
    /// words within its window.
    pub(super) fn required_context(&self, t: &str, span: &Range<usize>, owner: &Owner) -> bool {
        self.requires[owner.entry]
            .iter()
            .filter(|r| r.langs.is_empty() || r.langs.contains(&owner.lang))
            .all(|r| {
                words_before(t, span.start)
                    .take(r.window)
                    .chain(words_after(t, span.end).take(r.window))
                    .any(|w| r.near.iter().any(|g| g.matches(w)))
            })
    }
}
