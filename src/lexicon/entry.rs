//! The lexicon's records: an [`Entry`], its context rules ([`Exclude`], [`Require`]) and the
//! [`MorphClass`]es its variants use.
//!
//! These are plain data, produced only by validation (see the [lexicon docs](crate::lexicon)),
//! so every field holds a checked value: a known category and language, a severity in range,
//! variants that fold to something matchable. Entries keep variants and patterns as written;
//! classes keep their affixes folded and expanded.

use std::collections::{BTreeMap, BTreeSet};

use super::schema::{Ambiguity, Category, Lang};

/// A context rule that cancels a match of its entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exclude {
    /// Languages of the matched variant this rule applies to; empty means all.
    pub langs: Vec<Lang>,
    /// Patterns for the word right after the match: `word`, `prefix*` or `*suffix`.
    pub next_word: Vec<String>,
    /// Patterns for the word right before the match.
    pub prev_word: Vec<String>,
    /// Why the rule exists (shown by tooling).
    pub reason: String,
}

/// A context rule an entry needs before a match counts: some word from `near` within
/// `window` words of the match (`al-Naba` needs "weekly", "newsletter" or صحيفة nearby).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Require {
    /// Languages of the matched variant this rule applies to; empty means all.
    pub langs: Vec<Lang>,
    /// Patterns for a nearby word: `word`, `prefix*` or `*suffix`.
    pub near: Vec<String>,
    /// How many words before and after the match are searched (default 8).
    pub window: usize,
    /// Why the rule exists (shown by tooling).
    pub reason: String,
}

/// One lexicon entry, validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Stable identifier, reported in every hit.
    pub id: String,
    /// What kind of term this is.
    pub category: Category,
    /// 1 (offensive) to 3 (most severe).
    pub severity: u8,
    /// How often the forms mean something harmless.
    pub ambiguity: Ambiguity,
    /// The entry's reference form.
    pub canonical: String,
    /// A short neutral description.
    pub gloss: Option<String>,
    /// Surface forms per language, as written in the lexicon.
    pub variants: BTreeMap<Lang, Vec<String>>,
    /// Morphology class per language (see the module docs).
    pub morphology: BTreeMap<Lang, String>,
    /// Context rules that cancel a match.
    pub excludes: Vec<Exclude>,
    /// Context rules a match needs before it counts (all applicable rules must hold).
    pub requires: Vec<Require>,
    /// Texts that must be tagged with this entry.
    pub examples: Vec<String>,
    /// Texts that must not be tagged with this entry.
    pub counter_examples: Vec<String>,
    /// Where the variants were confirmed.
    pub sources: Vec<String>,
    /// The file the entry came from.
    pub file: String,
}

/// A morphology class: the affixes allowed around a variant inside one word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MorphClass {
    /// The class name.
    pub name: String,
    /// Languages whose variants may use the class.
    pub langs: Vec<Lang>,
    /// Every allowed prefix, slots expanded (the empty prefix is always allowed).
    pub prefixes: BTreeSet<String>,
    /// Every allowed suffix, slots expanded (the empty suffix is always allowed).
    pub suffixes: BTreeSet<String>,
    /// The file the class came from.
    pub file: String,
}
