//! Stage 3: context. Tells use from mention, finds document-level signals, and applies the
//! composite rules (a violence verb near a target, a hostile predicate about a group).
//!
//! # How it works
//! Context cues are data (`models/context/cues.toml`): phrases per kind and language, folded
//! like the text and found with one Aho-Corasick automaton in the folded text the matcher saw.
//! A document reads the cues of the languages its letters allow (see `cue_langs`): Persian text
//! does not read Urdu or Arabic cues that are other words in Persian.
//! The folded text is cut into words and sentences (`.`, `!`, `?`, `؟`, `۔`, `;`, `؛`, line
//! breaks), and every cue and hit gets a word index, so that "near" means "in the same sentence,
//! within N words" whatever the script.
//!
//! A hit's [`Role`]:
//! - `counter` if a condemnation cue is near ("we condemn", ندين, осуждаем);
//! - `negated` if it is an incitement term with a negation just before it ("don't kill");
//! - `mention` if an attribution or definition cue is near ("said", بحسب, по данным,
//!   "a derogatory term"), or it stands inside quotation marks in a document that reports
//!   (reporting-register words such as "militants" or "propaganda" count for the document, not
//!   for the roles of the hits near them);
//! - `use` otherwise.
//!
//! Composite rules find harm no single term carries: a violence cue (an imperative such as
//! "kill", اقتلوا, убивайте) followed within a few words by a target (a group name such as
//! "Shia" or a slur hit) is incitement; a hate verb followed by a target ("I hate X"), or a
//! target followed by an insult ("X are dogs") or, within a few words, by a takfir predicate
//! ("X are apostates"), is a hostile predicate. Composites get roles by
//! the same rules. A group name alone is never harmful.
mod hits;

pub use hits::{CueHit, CueKind, Hit, Role, RuleHit};

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use toml::{Table, Value};

use crate::lexicon::{Category, Lang, LexiconError};
use crate::normalize::Normalizer;
use crate::script::{is_alnum, is_alpha, Script};

const CUES_TOML: &str = include_str!("../../models/context/cues.toml");

/// One cue phrase, compiled.
#[derive(Clone, Debug)]
struct Phrase {
    kind: CueKind,
    /// The last word may continue (`condemn*`).
    wildcard: bool,
    arabic: bool,
    /// Languages whose lists hold the phrase (bit per `Lang::ALL` index).
    langs: u16,
}

fn lang_bit(l: Lang) -> u16 {
    1 << Lang::ALL.iter().position(|x| *x == l).unwrap_or(0)
}

/// Cue languages that apply to a document whose language was guessed as `doc`.
///
/// Languages of one script share many words with other meanings (Persian کرد "did" is Urdu
/// "Kurd", Persian کره "Korea" is Arabic "hatred"), so a document marked as one language by its
/// letters reads only that language's cues. Unmarked text (`ar`, `ru`, `en`: no letter that only
/// some languages of the script use) reads every language of its script; marked Cyrillic and
/// Latin text also reads Russian or English, which such text often quotes.
pub(crate) fn cue_langs(doc: &str) -> u16 {
    use Lang::*;
    let set = |ls: &[Lang]| ls.iter().fold(0u16, |m, l| m | lang_bit(*l));
    match doc {
        "ar" => set(&[Ar, Fa, Ps, Ur]),
        "fa" => set(&[Fa]),
        "ps" => set(&[Ps]),
        "ur" => set(&[Ur]),
        // the `uz` lists hold Uzbek in both scripts
        "ru" => set(&[Ru, Tg, UzCyrl, Uz, Ky]),
        "tg" => set(&[Tg, UzCyrl, Uz, Ru]),
        "ky" => set(&[Ky, Ru]),
        "uz-Cyrl" => set(&[UzCyrl, Uz, Tg, Ru]),
        "en" => set(&[En, Ur, Uz, Tr]),
        "tr" => set(&[Tr, En]),
        "uz" => set(&[Uz, UzCyrl, En]),
        _ => u16::MAX,
    }
}

/// Context cues, compiled for matching. Cheap to clone.
///
/// ```
/// use tahrid::context::Cues;
/// let cues = Cues::embedded();
/// assert!(cues.len() > 500);
/// ```
#[derive(Clone, Debug)]
pub struct Cues {
    inner: Arc<CuesInner>,
}

#[derive(Debug)]
struct CuesInner {
    ac: AhoCorasick,
    patterns: Vec<String>,
    phrases: Vec<Vec<Phrase>>,
}

/// Arabic-script clitics that may precede a cue in the same word.
const AR_PREFIXES: &[&str] = &[
    "و", "ف", "ب", "ل", "ك", "ال", "وال", "فال", "بال", "كال", "لل", "ولل", "فلل", "وب", "ول",
    "فل", "فب",
];
/// Arabic-script pronoun clitics that may follow a cue in the same word.
const AR_SUFFIXES: &[&str] = &["ه", "ها", "هم", "هن", "كم", "نا", "ي"];

impl Cues {
    /// The cues embedded in the crate (`models/context/cues.toml`), compiled once.
    pub fn embedded() -> Cues {
        static CUES: OnceLock<Cues> = OnceLock::new();
        CUES.get_or_init(|| {
            Cues::from_toml_str("cues.toml", CUES_TOML, &Normalizer::default())
                .expect("the embedded cues are valid (checked by tests)")
        })
        .clone()
    }

    /// Parses and compiles a cue file in the format of `models/context/cues.toml`.
    ///
    /// ```
    /// use tahrid::context::Cues;
    /// use tahrid::normalize::Normalizer;
    /// let err = Cues::from_toml_str("c.toml", "[shouting]\nen = [\"x\"]", &Normalizer::default()).unwrap_err();
    /// assert!(err.to_string().starts_with("c.toml: entry `shouting`: field `shouting`: unknown cue kind"));
    /// ```
    pub fn from_toml_str(
        name: &str,
        text: &str,
        normalizer: &Normalizer,
    ) -> Result<Cues, LexiconError> {
        let table: Table = toml::from_str(text).map_err(|e| LexiconError::Parse {
            file: name.to_string(),
            message: e.to_string().trim_end().replace('\n', " "),
        })?;
        let err = |entry: &str, field: String, message: String| LexiconError::Invalid {
            file: name.to_string(),
            entry: entry.to_string(),
            field,
            message,
        };
        let mut index: BTreeMap<String, usize> = BTreeMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut phrases: Vec<Vec<Phrase>> = Vec::new();
        for (kind_name, langs) in &table {
            let kind = CueKind::ALL
                .into_iter()
                .find(|k| k.as_str() == kind_name)
                .ok_or_else(|| {
                    err(
                        kind_name,
                        kind_name.clone(),
                        "unknown cue kind (expected one of attribution, reporting, outsider, definition, condemnation, negation, honorific, violence, group, insult, takfir, hate_verb)".into(),
                    )
                })?;
            let Value::Table(langs) = langs else {
                return Err(err(
                    kind_name,
                    kind_name.clone(),
                    "expected a table of languages".into(),
                ));
            };
            for (code, list) in langs {
                let field = format!("{kind_name}.{code}");
                if Lang::parse(code).is_none() {
                    return Err(err(kind_name, field, format!("unknown language `{code}`")));
                }
                let Value::Array(items) = list else {
                    return Err(err(kind_name, field, "expected an array of strings".into()));
                };
                for (i, item) in items.iter().enumerate() {
                    let Value::String(raw) = item else {
                        return Err(err(
                            kind_name,
                            format!("{field}[{i}]"),
                            "expected a string".into(),
                        ));
                    };
                    let wildcard = raw.ends_with('*');
                    let folded = normalizer.fold_str(raw.trim_end_matches('*').trim());
                    if !folded.chars().any(is_alnum) {
                        return Err(err(
                            kind_name,
                            format!("{field}[{i}]"),
                            format!("`{raw}` folds to nothing matchable"),
                        ));
                    }
                    let arabic = folded.chars().find(|c| is_alpha(*c)).map(Script::of)
                        == Some(Script::Arabic);
                    let pi = *index.entry(folded.clone()).or_insert_with(|| {
                        patterns.push(folded);
                        phrases.push(Vec::new());
                        patterns.len() - 1
                    });
                    let bit = Lang::parse(code).map_or(0, lang_bit);
                    if let Some(p) = phrases[pi]
                        .iter_mut()
                        .find(|p| p.kind == kind && p.wildcard == wildcard)
                    {
                        p.langs |= bit;
                        continue;
                    }
                    let phrase = Phrase {
                        kind,
                        wildcard,
                        arabic,
                        langs: bit,
                    };
                    {
                        phrases[pi].push(phrase);
                    }
                }
            }
        }
        let ac = compile(&patterns, false).map_err(|message| LexiconError::Parse {
            file: name.to_string(),
            message,
        })?;
        Ok(Cues {
            inner: Arc::new(CuesInner {
                ac,
                patterns,
                phrases,
            }),
        })
    }

    /// The same cues compiled to a DFA (faster scans, slower build), for
    /// [`TaggerBuilder::dfa`](crate::TaggerBuilder::dfa).
    pub(crate) fn to_dfa(&self) -> Cues {
        match compile(&self.inner.patterns, true) {
            Ok(ac) => Cues {
                inner: Arc::new(CuesInner {
                    ac,
                    patterns: self.inner.patterns.clone(),
                    phrases: self.inner.phrases.clone(),
                }),
            },
            // the NFA already built is a correct fallback
            Err(_) => self.clone(),
        }
    }

    /// Number of distinct folded cue phrases.
    pub fn len(&self) -> usize {
        self.inner.phrases.len()
    }

    /// Whether there are no cues.
    pub fn is_empty(&self) -> bool {
        self.inner.phrases.is_empty()
    }

    /// Every cue occurrence in a folded text, with its folded span (whole words).
    pub(crate) fn find(&self, t: &str, langs: u16) -> Vec<(CueKind, Range<usize>)> {
        let mut out = Vec::new();
        for m in self.inner.ac.find_overlapping_iter(t) {
            for p in &self.inner.phrases[m.pattern().as_usize()] {
                if p.langs & langs == 0 {
                    continue;
                }
                if let Some(span) = cue_span(t, m.start(), m.end(), p) {
                    out.push((p.kind, span));
                }
            }
        }
        // of overlapping cues of one kind keep the longest (`بحسب` over the `حسب` inside it)
        out.sort_by_key(|(k, s)| (*k, s.start, std::cmp::Reverse(s.end)));
        let mut kept: Vec<(CueKind, Range<usize>)> = Vec::with_capacity(out.len());
        for (k, s) in out {
            if let Some((lk, ls)) = kept.last() {
                if *lk == k && s.start < ls.end {
                    continue;
                }
            }
            kept.push((k, s));
        }
        kept.sort_by_key(|(k, s)| (s.start, s.end, *k));
        kept
    }
}

fn compile(patterns: &[String], dfa: bool) -> Result<AhoCorasick, String> {
    AhoCorasickBuilder::new()
        .match_kind(MatchKind::Standard)
        .kind(Some(if dfa {
            AhoCorasickKind::DFA
        } else {
            AhoCorasickKind::ContiguousNFA
        }))
        .build(patterns)
        .map_err(|e| e.to_string())
}

/// The word span of a cue occurrence if it respects word boundaries.
fn cue_span(t: &str, s: usize, e: usize, p: &Phrase) -> Option<Range<usize>> {
    let first = t[s..e]
        .chars()
        .find(|c| is_alpha(*c))
        .map_or(Script::Other, Script::of);
    let last = t[s..e]
        .chars()
        .rev()
        .find(|c| is_alpha(*c))
        .map_or(Script::Other, Script::of);
    let same = |c: char, sc: Script| is_alpha(c) && Script::of(c) == sc;
    // start: word start, or an Arabic clitic prefix
    let mut ws = s;
    for (i, c) in t[..s].char_indices().rev() {
        if !same(c, first) {
            break;
        }
        ws = i;
        if s - ws > 8 {
            return None;
        }
    }
    if ws < s && !(p.arabic && AR_PREFIXES.contains(&&t[ws..s])) {
        return None;
    }
    let mut we = e;
    for (i, c) in t[e..].char_indices() {
        if !same(c, last) {
            break;
        }
        we = e + i + c.len_utf8();
        if !p.wildcard && we - e > 8 {
            return None;
        }
    }
    if we > e && !p.wildcard && !(p.arabic && AR_SUFFIXES.contains(&&t[e..we])) {
        return None;
    }
    Some(ws..we)
}

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
    fn span(&self, r: &Range<usize>) -> (usize, usize, u32) {
        let a = self.at(r.start);
        let b = self.at(r.end.saturating_sub(1)).max(a);
        let sentence = self.words.get(a).map_or(u32::MAX, |w| w.2);
        (a, b, sentence)
    }
}

/// Quotation spans of a folded text: « », “ ”, „ “, ‹ ›, 「 」 and straight quotes.
fn quote_spans(t: &str) -> Vec<Range<usize>> {
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

/// Settings the context stage reads from the weights file.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Reach {
    pub window: usize,
    pub target_distance: usize,
    pub predicate_distance: usize,
    pub takfir_distance: usize,
}

/// A hit as the context stage sees it.
pub(crate) struct HitIn {
    pub span: Range<usize>,
    pub category: Category,
}

/// A composite-rule finding.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Composite {
    /// `incitement` (violence + target) or `hostile_predicate`.
    pub rule: &'static str,
    pub span: Range<usize>,
    pub role: Role,
    /// The cue span and the target span (folded).
    pub parts: (Range<usize>, Range<usize>),
}

/// What the context stage found in one document.
pub(crate) struct Context {
    pub cues: Vec<(CueKind, Range<usize>)>,
    pub roles: Vec<Role>,
    pub composites: Vec<Composite>,
}

pub(crate) fn analyze(
    t: &str,
    hits: &[HitIn],
    cues: &Cues,
    reach: Reach,
    doc_lang: &str,
) -> Context {
    let found = cues.find(t, cue_langs(doc_lang));
    // Roles need hits; composites need a violence, hate, insult or takfir cue. Without either,
    // only the document-level cues matter and words and quotes need not be read.
    let composable = found.iter().any(|(k, _)| {
        matches!(
            k,
            CueKind::Violence | CueKind::HateVerb | CueKind::Insult | CueKind::Takfir
        )
    });
    if hits.is_empty() && !composable {
        return Context {
            cues: found,
            roles: Vec::new(),
            composites: Vec::new(),
        };
    }
    let words = Words::new(t);
    let located: Vec<(CueKind, (usize, usize, u32))> =
        found.iter().map(|(k, s)| (*k, words.span(s))).collect();
    // Every lookup below reads only the cues whose first word lies in a window around the
    // word it asks about (`located` is ordered by position, so by first word): the stage stays
    // linear in the number of hits and cues, however many a hostile document packs in.
    let cues_from = |lo: usize, hi: usize| {
        let start = located.partition_point(|(_, (a, _, _))| *a < lo);
        let end = located.partition_point(|(_, (a, _, _))| *a <= hi);
        start..end.max(start)
    };
    let quotes = merge(quote_spans(t));
    let quoted = |span: &Range<usize>| {
        let i = quotes.partition_point(|q| q.start <= span.start);
        i > 0 && span.end <= quotes[i - 1].end
    };
    let doc_reports = found.iter().any(|(k, _)| {
        matches!(
            k,
            CueKind::Attribution | CueKind::Reporting | CueKind::Outsider | CueKind::Definition
        )
    });
    let near = |kinds: &[CueKind], at: (usize, usize, u32), window: usize| {
        located[cues_from(at.0.saturating_sub(window + MAX_CUE_WORDS), at.1 + window)]
            .iter()
            .any(|(k, (a, b, s))| {
                kinds.contains(k)
                    && *s == at.2
                    && (a.abs_diff(at.0) <= window || b.abs_diff(at.1) <= window)
            })
    };
    // a negation ending at most `gap` words before `first_word`, outside `except`
    let negation_before = |first_word: usize, sentence: u32, gap: usize, except: &Range<usize>| {
        let range = cues_from(first_word.saturating_sub(gap + MAX_CUE_WORDS), first_word);
        located[range.clone()]
            .iter()
            .zip(&found[range])
            .any(|((k, (_, b, s)), (_, n_span))| {
                *k == CueKind::Negation
                    && *s == sentence
                    && *b < first_word
                    && first_word - b <= gap
                    && (n_span.end <= except.start || n_span.start >= except.end)
            })
    };
    let role_of = |span: &Range<usize>, negatable: bool| -> Role {
        let at = words.span(span);
        if near(&[CueKind::Condemnation], at, reach.window) {
            Role::Counter
        } else if negatable && negation_before(at.0, at.2, 3, &(0..0)) {
            Role::Negated
        } else if near(
            &[CueKind::Attribution, CueKind::Definition],
            at,
            reach.window,
        ) || (doc_reports && quoted(span))
        {
            Role::Mention
        } else {
            Role::Use
        }
    };
    let roles: Vec<Role> = hits
        .iter()
        .map(|h| role_of(&h.span, h.category == Category::Incitement))
        .collect();

    // Targets: group names and slur hits (takfir labels are predicates, not targets), ordered
    // by first word.
    let mut targets: Vec<(Range<usize>, (usize, usize, u32))> = found
        .iter()
        .zip(&located)
        .filter(|((k, _), _)| *k == CueKind::Group)
        .map(|((_, s), (_, at))| (s.clone(), *at))
        .collect();
    for h in hits {
        if h.category == Category::SectarianSlur {
            targets.push((h.span.clone(), words.span(&h.span)));
        }
    }
    targets.sort_by_key(|(s, at)| (at.0, s.start));
    let mut composites = Vec::new();
    let mut seen = HashSet::new();
    for ((kind, cue_span), (_, at)) in found.iter().zip(&located) {
        let (rule, after, before) = match kind {
            // both directions: SOV languages put the imperative after its object
            CueKind::Violence => ("incitement", true, true),
            CueKind::HateVerb => ("hostile_predicate", true, false),
            CueKind::Insult | CueKind::Takfir => ("hostile_predicate", false, true),
            _ => continue,
        };
        // violence: same sentence, close; predicates may refer back across a sentence
        let (same_sentence, reach_words) = match kind {
            CueKind::Violence => (true, reach.target_distance),
            CueKind::Takfir => (true, reach.takfir_distance),
            _ => (false, reach.predicate_distance),
        };
        let lo = targets
            .partition_point(|(_, t_at)| t_at.0 + MAX_CUE_WORDS < at.0.saturating_sub(reach_words));
        let hi = targets.partition_point(|(_, t_at)| t_at.0 <= at.1 + reach_words.max(2));
        let target = targets[lo..hi.max(lo)].iter().find(|(_, t_at)| {
            (!same_sentence || t_at.2 == at.2)
                && ((after && t_at.0 > at.1 && t_at.0 - at.1 <= reach_words)
                    || (before && at.0 > t_at.1 && at.0 - t_at.1 <= reach_words)
                    || (*kind == CueKind::Insult && t_at.0 > at.1 && t_at.0 - at.1 <= 2))
        });
        let Some((t_span, _)) = target else {
            continue;
        };
        let span = cue_span.start.min(t_span.start)..cue_span.end.max(t_span.end);
        if !seen.insert((span.start, span.end, rule)) {
            continue;
        }
        // a negation right before the verb or predicate ("not dogs", "don't kill"), outside
        // the cue itself ("not Muslims" is a predicate, not a negated one)
        let negation_inside = negation_before(at.0, at.2, 1, cue_span);
        let mut role = role_of(&span, true);
        if negation_inside && role == Role::Use {
            role = Role::Negated;
        }
        composites.push(Composite {
            rule,
            span,
            role,
            parts: (cue_span.clone(), t_span.clone()),
        });
    }
    Context {
        cues: found,
        roles,
        composites,
    }
}

/// Longest cue or target, in words, that the windowed lookups allow for.
const MAX_CUE_WORDS: usize = 16;

/// Merges quotation spans into disjoint, ordered spans (nested quotes lie inside outer ones).
fn merge(mut spans: Vec<Range<usize>>) -> Vec<Range<usize>> {
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

    fn fold(s: &str) -> String {
        Normalizer::default().fold_str(s)
    }

    fn kinds(s: &str) -> Vec<CueKind> {
        Cues::embedded()
            .find(&fold(s), u16::MAX)
            .into_iter()
            .map(|(k, _)| k)
            .collect()
    }

    #[test]
    fn cues_respect_word_boundaries_and_arabic_clitics() {
        assert_eq!(kinds("they condemned it"), [CueKind::Condemnation]);
        assert!(kinds("the condemnation-free zone").contains(&CueKind::Condemnation));
        assert!(kinds("unsaid").is_empty());
        assert_eq!(kinds("وبحسب"), [CueKind::Attribution]); // not also the حسب inside it
        assert!(kinds("فاقتلوهم").contains(&CueKind::Violence));
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
