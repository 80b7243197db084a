//! The compiled matcher and how the lexicon compiles into it.
//!
//! # How it works
//! [`Matcher::build`] walks the lexicon entry by entry. For each entry it compiles the context
//! rules (the words of an `exclude` or `requires` rule become [`Glob`]s, folded like the text)
//! and, per language, looks up the entry's morphology class once: a [`Class`] is the set of
//! prefixes and suffixes a word may carry around the variant, with the longest of each in
//! chars, which bounds the affix scans of a search.
//!
//! Every variant is folded with the text's [`Normalizer`], and a few extra forms are added
//! where they apply: undoubled (`kill` → `kil`, as folding collapses `killll`; variants of
//! [`MIN_UNDOUBLE_LEN`] letters or more), without apostrophes (`tog'ut` → `togut`), and,
//! for phrases, run together or joined by underscores as hashtags write them. Identical
//! folded forms become one pattern, and each pattern keeps its [`Owner`]s: the (entry,
//! language) pairs it stands for, added entry by entry so that one entry's owners are
//! contiguous. One Aho-Corasick automaton is built over all patterns, read as one symbol per
//! char (`alphabet.rs`): a contiguous NFA at once, and on request (up to
//! [`MAX_DFA_PATTERNS`]) a DFA on a background thread, which takes over the scans when it is
//! ready.
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock, Weak};

use aho_corasick::{dfa, nfa, MatchKind};

use super::alphabet::Alphabet;
use crate::lexicon::{Lang, Lexicon};
use crate::normalize::Normalizer;
use crate::script::is_alpha;

/// One way a folded pattern belongs to an entry.
#[derive(Clone, Debug)]
pub(super) struct Owner {
    pub(super) entry: usize,
    pub(super) lang: Lang,
    /// Index into `Matcher::variants` (the variant as written in the lexicon).
    pub(super) variant: usize,
    pub(super) class: Option<usize>,
}

#[derive(Debug)]
pub(super) struct Class {
    pub(super) prefixes: HashSet<String>,
    pub(super) suffixes: HashSet<String>,
    pub(super) max_prefix: usize,
    pub(super) max_suffix: usize,
}

#[derive(Debug)]
pub(super) enum Glob {
    Exact(String),
    Prefix(String),
    Suffix(String),
}

impl Glob {
    fn parse(pattern: &str, normalizer: &Normalizer) -> Glob {
        if let Some(p) = pattern.strip_suffix('*') {
            Glob::Prefix(normalizer.fold_str(p))
        } else if let Some(s) = pattern.strip_prefix('*') {
            Glob::Suffix(normalizer.fold_str(s))
        } else {
            Glob::Exact(normalizer.fold_str(pattern))
        }
    }
}

#[derive(Debug)]
pub(super) struct Exclude {
    pub(super) langs: Vec<Lang>,
    pub(super) next: Vec<Glob>,
    pub(super) prev: Vec<Glob>,
}

#[derive(Debug)]
pub(super) struct Require {
    pub(super) langs: Vec<Lang>,
    pub(super) near: Vec<Glob>,
    pub(super) window: usize,
}

/// Why the matcher could not be built: an entry names an unknown morphology class, or the
/// automaton is too large. Wrapped by [`Error::Automaton`](crate::Error::Automaton).
#[derive(Debug)]
pub(crate) struct AutomatonError(pub(crate) String);

/// The Aho-Corasick automata over every pattern, driven by `find.rs` one byte at a time
/// through aho-corasick's `Automaton` trait (every match of a state handled in one step).
///
/// A contiguous NFA is built at once; a DFA, when asked for, is compiled from the same
/// non-contiguous NFA on a background thread and used from the moment it is ready. Both give
/// the same occurrences in the same order, so which one scans a text changes its speed only.
///
/// The automata read one symbol per char of the folded text (see `alphabet.rs`), or, when the
/// patterns hold more distinct chars than a byte can number, its UTF-8 bytes.
#[derive(Debug)]
pub(super) struct Automaton {
    pub(super) nfa: nfa::contiguous::NFA,
    pub(super) dfa: Arc<OnceLock<dfa::DFA>>,
    /// The symbols the automata read, or `None` for bytes.
    pub(super) alphabet: Option<Alphabet>,
    /// Each pattern's length in bytes of folded text.
    pub(super) pattern_bytes: Vec<usize>,
}

impl Automaton {
    /// Builds the NFA over the patterns' symbols (bytes if `symbols` is false or there is no
    /// alphabet for them), and starts the DFA's build if `dfa`.
    fn build(patterns: &[String], dfa: bool, symbols: bool) -> Result<Automaton, AutomatonError> {
        let err = |e: aho_corasick::BuildError| AutomatonError(e.to_string());
        let alphabet = symbols
            .then(|| Alphabet::new(patterns.iter().map(String::as_str)))
            .flatten();
        let encoded: Vec<Vec<u8>> = match &alphabet {
            Some(a) => patterns.iter().map(|p| a.encode(p)).collect(),
            None => patterns.iter().map(|p| p.as_bytes().to_vec()).collect(),
        };
        let nnfa = nfa::noncontiguous::NFA::builder()
            .match_kind(MatchKind::Standard)
            // the scan in `find.rs` uses no prefilter
            .prefilter(false)
            .build(&encoded)
            .map_err(err)?;
        let nfa = nfa::contiguous::NFA::builder()
            .build_from_noncontiguous(&nnfa)
            .map_err(err)?;
        let cell = Arc::new(OnceLock::new());
        if dfa {
            // the thread holds the cell weakly: a tagger dropped before or during the build
            // keeps no DFA
            let (nnfa, ready) = (Arc::new(nnfa), Arc::downgrade(&cell));
            let (shared, weak) = (Arc::clone(&nnfa), ready.clone());
            let spawned = std::thread::Builder::new()
                .name("tahrid-dfa".into())
                .spawn(move || compile_dfa(&shared, &weak));
            if spawned.is_err() {
                // no threads here (a sandbox, a single-threaded target): build it now
                compile_dfa(&nnfa, &ready);
            }
        }
        Ok(Automaton {
            nfa,
            dfa: cell,
            alphabet,
            pattern_bytes: patterns.iter().map(String::len).collect(),
        })
    }
}

/// Compiles the DFA into `cell` unless the matcher is gone; a DFA that cannot be built leaves
/// the NFA in charge.
fn compile_dfa(nnfa: &nfa::noncontiguous::NFA, cell: &Weak<OnceLock<dfa::DFA>>) {
    if cell.strong_count() == 0 {
        return;
    }
    if let Ok(dfa) = dfa::DFA::builder().build_from_noncontiguous(nnfa) {
        if let Some(cell) = cell.upgrade() {
            let _ = cell.set(dfa);
        }
    }
}

/// The compiled matcher.
#[derive(Debug)]
pub(crate) struct Matcher {
    pub(super) ac: Automaton,
    pub(super) owners: Vec<Vec<Owner>>,
    /// Folded pattern length in chars, per pattern.
    pub(super) pattern_chars: Vec<usize>,
    pub(super) classes: Vec<Class>,
    pub(super) excludes: Vec<Vec<Exclude>>,
    pub(super) requires: Vec<Vec<Require>>,
    /// Per pattern: the index of the extra pattern (a context cue) it also stands for, or
    /// [`NO_EXTRA`].
    pub(super) extra_of: Vec<u32>,
    variants: Vec<String>,
    /// Number of patterns that come from the lexicon (the others are extra only).
    lexicon_patterns: usize,
}

/// `Matcher::extra_of` for a pattern that is no extra pattern.
pub(super) const NO_EXTRA: u32 = u32::MAX;

/// Largest pattern count compiled to a DFA.
const MAX_DFA_PATTERNS: usize = 20_000;
/// Shortest variant (chars) that may match inside a hashtag or be undoubled.
pub(super) const MIN_INNER_LEN: usize = 4;
const MIN_UNDOUBLE_LEN: usize = 5;

impl Matcher {
    /// Compiles `lexicon`, and `extra` patterns (already folded: the context cues) into the
    /// same automaton, so that one scan finds both (see [`Matcher::find`]).
    pub(crate) fn build(
        lexicon: &Lexicon,
        normalizer: &Normalizer,
        dfa: bool,
        extra: &[String],
    ) -> Result<Matcher, AutomatonError> {
        Matcher::build_with(lexicon, normalizer, dfa, extra, true)
    }

    /// [`build`](Self::build), with automata over symbols (`symbols`) or bytes; tests
    /// compare the two.
    pub(super) fn build_with(
        lexicon: &Lexicon,
        normalizer: &Normalizer,
        dfa: bool,
        extra: &[String],
        symbols: bool,
    ) -> Result<Matcher, AutomatonError> {
        let mut class_index: HashMap<&str, usize> = HashMap::new();
        let mut classes = Vec::new();
        let mut ids: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<Owner>> = Vec::new();
        let mut variants = Vec::new();
        let mut excludes = Vec::new();
        let mut requires = Vec::new();
        for (ei, entry) in lexicon.entries().iter().enumerate() {
            requires.push(
                entry
                    .requires
                    .iter()
                    .map(|r| Require {
                        langs: r.langs.clone(),
                        near: r.near.iter().map(|p| Glob::parse(p, normalizer)).collect(),
                        window: r.window,
                    })
                    .collect(),
            );
            excludes.push(
                entry
                    .excludes
                    .iter()
                    .map(|x| Exclude {
                        langs: x.langs.clone(),
                        next: x
                            .next_word
                            .iter()
                            .map(|p| Glob::parse(p, normalizer))
                            .collect(),
                        prev: x
                            .prev_word
                            .iter()
                            .map(|p| Glob::parse(p, normalizer))
                            .collect(),
                    })
                    .collect(),
            );
            for (&lang, list) in &entry.variants {
                let class = match entry.morphology.get(&lang) {
                    None => None,
                    Some(name) => Some(match class_index.get(name.as_str()) {
                        Some(&i) => i,
                        None => {
                            let c = lexicon.class(name).ok_or_else(|| {
                                AutomatonError(format!(
                                    "entry `{}`: unknown class `{name}`",
                                    entry.id
                                ))
                            })?;
                            let max = |s: &std::collections::BTreeSet<String>| {
                                s.iter().map(|a| a.chars().count()).max().unwrap_or(0)
                            };
                            classes.push(Class {
                                prefixes: c.prefixes.iter().cloned().collect(),
                                suffixes: c.suffixes.iter().cloned().collect(),
                                max_prefix: max(&c.prefixes),
                                max_suffix: max(&c.suffixes),
                            });
                            class_index.insert(name.as_str(), classes.len() - 1);
                            classes.len() - 1
                        }
                    }),
                };
                for v in list {
                    let vi = variants.len();
                    variants.push(v.clone());
                    let folded = normalizer.fold_str(v);
                    let mut forms = vec![folded.clone()];
                    if folded.chars().count() >= MIN_UNDOUBLE_LEN {
                        let undoubled = undouble(&folded);
                        if undoubled != folded {
                            forms.push(undoubled);
                        }
                    }
                    if folded.contains('\'') {
                        forms.push(folded.replace('\'', ""));
                    }
                    if folded.contains(' ') {
                        // hashtags write phrases run together or with underscores
                        forms.push(folded.replace(' ', ""));
                        forms.push(folded.replace(' ', "_"));
                    }
                    for form in forms {
                        let pi = *ids.entry(form.clone()).or_insert_with(|| {
                            patterns.push(form);
                            owners.push(Vec::new());
                            patterns.len() - 1
                        });
                        if !owners[pi].iter().any(|o| o.entry == ei && o.lang == lang) {
                            owners[pi].push(Owner {
                                entry: ei,
                                lang,
                                variant: vi,
                                class,
                            });
                        }
                    }
                }
            }
        }
        let lexicon_patterns = patterns.len();
        let mut extra_of = vec![NO_EXTRA; patterns.len()];
        for (xi, form) in extra.iter().enumerate() {
            let xi = u32::try_from(xi)
                .map_err(|_| AutomatonError("too many context cue patterns".into()))?;
            let pi = *ids.entry(form.clone()).or_insert_with(|| {
                patterns.push(form.clone());
                owners.push(Vec::new());
                extra_of.push(NO_EXTRA);
                patterns.len() - 1
            });
            // the cue compiler merges identical folded phrases: one extra per pattern
            extra_of[pi] = xi;
        }
        // A DFA scans faster than the contiguous NFA but takes several times longer to build
        // and much more memory; it is opt-in (`TaggerBuilder::dfa`), built in the background,
        // and never past `MAX_DFA_PATTERNS`, where its memory grows quickly.
        let ac = Automaton::build(
            &patterns,
            dfa && patterns.len() <= MAX_DFA_PATTERNS,
            symbols,
        )?;
        Ok(Matcher {
            ac,
            pattern_chars: patterns.iter().map(|p| p.chars().count()).collect(),
            owners,
            classes,
            excludes,
            requires,
            extra_of,
            variants,
            lexicon_patterns,
        })
    }

    /// The variant as written in the lexicon.
    pub(crate) fn variant(&self, i: usize) -> &str {
        &self.variants[i]
    }

    /// Number of distinct folded lexicon patterns in the automaton (extra patterns not
    /// counted).
    pub(crate) fn pattern_count(&self) -> usize {
        self.lexicon_patterns
    }
}

/// Collapses doubled letters (`kill` → `kil`).
fn undouble(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last = None;
    for c in s.chars() {
        if Some(c) == last && is_alpha(c) {
            continue;
        }
        out.push(c);
        last = Some(c);
    }
    out
}
