//! Stage 2: find lexicon variants in folded text.
//!
//! # Algorithm
//! 1. **Compile.** Every variant of every entry is folded with the same
//!    [`Normalizer`](crate::normalize::Normalizer) as the text. Two extra forms are added where
//!    they apply: the variant with doubled letters undoubled (`kill` → `kil`, because folding
//!    collapses `killll` to `kil`; only for variants of five letters or more), and the variant
//!    without apostrophes (`tog'ut` → `togut`), and phrases run together or joined by
//!    underscores as hashtags write them (`#باقية_وتتمدد`, `#killtherafidah`). Identical folded forms are merged, and one
//!    Aho-Corasick automaton is built over all of them.
//! 2. **Scan.** The automaton reports every occurrence, overlapping ones included, in one pass.
//! 3. **Word boundaries.** An occurrence counts only if the letters around it inside the same
//!    word form an allowed prefix and suffix of the entry's morphology class for that language
//!    (`وال` + `رافض` + `ه`). A word is a run of letters of one script: a change of script is a
//!    boundary (`وrafidah`), digits and punctuation are boundaries, an apostrophe between
//!    letters is not. Affix scans are bounded by the longest affix, so a 10 MB "word" costs no
//!    more than a short one. Inside a hashtag (`#killtherafidah`), variants of four letters or
//!    more match anywhere.
//! 4. **Context rules.** An entry's excludes look at the word before and after the match
//!    (`الرافضة للاتفاق` is "rejecting the agreement"); its requires look for a supporting word
//!    within a few words (`al-Naba` counts next to "weekly" or صحيفة).
//! 5. **Resolve.** A hit spans the whole word (prefixes and suffixes included). Of the hits of
//!    one entry, those inside a longer hit of the same entry are dropped; hits of different
//!    entries may nest (a slur inside an incitement phrase gives both).
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use crate::lexicon::{Lang, Lexicon};
use crate::normalize::Normalizer;
use crate::script::{is_alnum, is_alpha, Script};

/// One way a folded pattern belongs to an entry.
#[derive(Clone, Debug)]
struct Owner {
    entry: usize,
    lang: Lang,
    /// Index into `Matcher::variants` (the variant as written in the lexicon).
    variant: usize,
    class: Option<usize>,
}

#[derive(Debug)]
struct Class {
    prefixes: HashSet<String>,
    suffixes: HashSet<String>,
    max_prefix: usize,
    max_suffix: usize,
}

#[derive(Debug)]
enum Glob {
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

    fn matches(&self, word: &str) -> bool {
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

#[derive(Debug)]
struct Exclude {
    langs: Vec<Lang>,
    next: Vec<Glob>,
    prev: Vec<Glob>,
}

#[derive(Debug)]
struct Require {
    langs: Vec<Lang>,
    near: Vec<Glob>,
    window: usize,
}

/// Why the matcher could not be built: an entry names an unknown morphology class, or the
/// automaton is too large. Wrapped by [`Error::Automaton`](crate::Error::Automaton).
#[derive(Debug)]
pub(crate) struct AutomatonError(pub(crate) String);

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

/// The compiled matcher.
#[derive(Debug)]
pub(crate) struct Matcher {
    ac: AhoCorasick,
    owners: Vec<Vec<Owner>>,
    /// Folded pattern length in chars, per pattern.
    pattern_chars: Vec<usize>,
    classes: Vec<Class>,
    excludes: Vec<Vec<Exclude>>,
    requires: Vec<Vec<Require>>,
    variants: Vec<String>,
}

/// Clitics stripped from Arabic-script words when context rules compare them (folded forms).
const AR_CLITICS: &[&str] = &[
    "وال", "فال", "بال", "كال", "ولل", "ال", "لل", "و", "ف", "ب", "ل", "ك",
];
/// Largest pattern count compiled to a DFA.
const MAX_DFA_PATTERNS: usize = 20_000;
/// Longest hashtag scanned for the hashtag rule, in chars.
const MAX_HASHTAG: usize = 64;
/// Shortest variant (chars) that may match inside a hashtag or be undoubled.
const MIN_INNER_LEN: usize = 4;
const MIN_UNDOUBLE_LEN: usize = 5;
/// How far excludes look for the next/previous word, in chars of separators.
const MAX_GAP: usize = 4;

impl Matcher {
    pub(crate) fn build(
        lexicon: &Lexicon,
        normalizer: &Normalizer,
        dfa: bool,
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
        // A DFA scans about twice as fast as the contiguous NFA but takes several times longer
        // to build and more memory; it is opt-in (`TaggerBuilder::dfa`), and never past
        // `MAX_DFA_PATTERNS`, where its memory grows quickly.
        let kind = if dfa && patterns.len() <= MAX_DFA_PATTERNS {
            Some(AhoCorasickKind::DFA)
        } else {
            Some(AhoCorasickKind::ContiguousNFA)
        };
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(kind)
            .build(&patterns)
            .map_err(|e| AutomatonError(e.to_string()))?;
        Ok(Matcher {
            ac,
            pattern_chars: patterns.iter().map(|p| p.chars().count()).collect(),
            owners,
            classes,
            excludes,
            requires,
            variants,
        })
    }

    /// The variant as written in the lexicon.
    pub(crate) fn variant(&self, i: usize) -> &str {
        &self.variants[i]
    }

    /// Number of distinct folded patterns in the automaton.
    pub(crate) fn pattern_count(&self) -> usize {
        self.owners.len()
    }

    /// Finds every hit in `folded`, ordered by position. Where a folded form belongs to the
    /// same entry in several languages, the hit takes `preferred` (the document's guessed
    /// language) if that language's morphology accepts the word, else the first language
    /// that does. An exclude rule that fires for any of them cancels the entry's match, and so
    /// does a `requires` rule of the preferred language that finds no supporting word.
    pub(crate) fn find(&self, folded: &str, preferred: Option<Lang>) -> Vec<RawHit> {
        let mut hits: Vec<RawHit> = Vec::new();
        for m in self.ac.find_overlapping_iter(folded) {
            let (s, e) = (m.start(), m.end());
            let pat = m.pattern().as_usize();
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

    fn excluded(&self, t: &str, span: &Range<usize>, owner: &Owner) -> bool {
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
}

impl Matcher {
    /// Whether every `requires` rule of the owner's entry (for its language) finds one of its
    /// words within its window.
    fn required_context(&self, t: &str, span: &Range<usize>, owner: &Owner) -> bool {
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

/// Words (alphanumeric runs) before `s`, nearest first.
fn words_before(t: &str, s: usize) -> impl Iterator<Item = &str> {
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
fn words_after(t: &str, e: usize) -> impl Iterator<Item = &str> {
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

/// Whether `c` continues a word of script `script` (apostrophes are handled by the callers).
#[inline]
fn same_word(c: char, script: Script) -> bool {
    is_alpha(c) && Script::of(c) == script
}

/// Start of the same-script word part before `s`, scanning at most `limit` chars (one more
/// than the longest prefix: a longer run is reported so that the caller rejects it).
fn scan_back(t: &str, s: usize, script: Script, limit: usize) -> usize {
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
fn scan_forward(t: &str, e: usize, script: Script, limit: usize) -> usize {
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
fn hashtag_span(t: &str, s: usize, e: usize) -> Option<Range<usize>> {
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
fn next_word(t: &str, e: usize) -> Option<&str> {
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
fn prev_word(t: &str, s: usize) -> Option<&str> {
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
