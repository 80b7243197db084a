//! The analysis of one document: each hit's role from the cues around it, and the composite
//! rules.
//!
//! # How it works
//! [`analyze`] selects the document's cues ([`Cues::find_in`]) among the cue occurrences the
//! matcher's scan found (cues and lexicon share one automaton). Without hits and without a cue that
//! starts a composite rule (violence, hate verb, insult, takfir), only the document-level cues
//! matter, and it returns them without reading words or quotes. Otherwise every cue gets its
//! word position ([`Words::span`]), and the cues, ordered by position, are looked up through a
//! window of words around the position asked about: the stage stays linear in the number of
//! hits and cues.
//!
//! A hit's [`Role`] is `counter` with a condemnation cue near (same sentence, within
//! [`Reach::window`] words), `negated` for an incitement term with a negation at most three
//! words before it, `mention` with an attribution or definition cue near or inside quotation
//! marks in a document that reports, and `use` otherwise.
//!
//! Composite rules pair a cue with a target (a group-name cue or a slur hit; takfir labels are
//! predicates, not targets), the first in reading order that fits:
//! - a violence cue with a target on either side (SOV languages put the imperative after its
//!   object), in the same sentence, within [`Reach::target_distance`] words, is `incitement`;
//! - a hate verb before a target, an insult after one or right before one, within
//!   [`Reach::predicate_distance`] words and possibly across a sentence, is a
//!   `hostile_predicate`; so is a takfir predicate after a target in the same sentence, within
//!   [`Reach::takfir_distance`] words, unless it is coordinated with the target
//!   (`اليهود والنصارى والمشركين`, "Jews, Christians and polytheists": a list of categories,
//!   see `coordinated`).
//!
//! Each span fires once per rule, and gets a role by the same rules as a hit; where that role
//! is `use`, a negation right before the verb or predicate (outside the cue: "not Muslims" is a
//! predicate) makes it `negated`.
//!
//! A first-person subject cue ("I am", "we are", انا, نحن; whole words) right before a slur
//! hit, with nothing between them but group names, other slurs and an article and no
//! punctuation, is a `self_designation` (`انا رافضي`, "I'm a Shia rafidi") when the slur ends
//! its clause (`ends_clause`): the speaker names their own group with the outsiders' word. The
//! classifier counts the slurs inside it as no harm. Followed by a verb, the slur is the
//! object of the pronoun's verb in SOV languages (`Я рафидитов ненавижу`), not a predicate.
use std::collections::HashSet;
use std::ops::Range;

use super::cues::{cue_langs, Cues};
use super::hits::{CueKind, Role};
use super::words::{merge, quote_spans, Words};
use crate::lexicon::Category;
use crate::script::is_alnum;

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

/// Analyzes folded text `t` with its hits and the occurrences of cue patterns that the
/// matcher's scan found (see [`Cues::find_in`]).
pub(crate) fn analyze(
    t: &str,
    hits: &[HitIn],
    cues: &Cues,
    occurrences: &[(u32, Range<usize>)],
    reach: Reach,
    doc_lang: &str,
) -> Context {
    let found = cues.find_in(t, occurrences, cue_langs(doc_lang));
    // Roles need hits; composites need a violence, hate, insult or takfir cue. Without either,
    // only the document-level cues matter and words and quotes need not be read.
    let composable = found.iter().any(|(k, _)| {
        matches!(
            k,
            CueKind::Violence | CueKind::HateVerb | CueKind::Insult | CueKind::Takfir
        )
    });
    // First-person cues ("I am", я, انا) matter only where they make a self-designation; they
    // are common words, so the others are not reported.
    let mut found = found;
    let first_person = found.iter().any(|(k, _)| *k == CueKind::FirstPerson);
    let slur = hits.iter().any(|h| h.category == Category::SectarianSlur);
    if first_person && !slur {
        found.retain(|(k, _)| *k != CueKind::FirstPerson);
    }
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
    let mut targets: Vec<Target> = found
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
        if *kind == CueKind::Takfir && coordinated(t, &words, &targets, *at) {
            continue;
        }
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
    // A first-person subject right before a slur that ends its clause, with nothing between
    // them but group names, other slurs and an article ("I am a rafidi", اني شيعي رافضي): the
    // speaker names their own group. Self-designations do not overlap.
    let mut designating = HashSet::new();
    if first_person && slur {
        let slurs: HashSet<(usize, usize)> = hits
            .iter()
            .filter(|h| h.category == Category::SectarianSlur)
            .map(|h| (h.span.start, h.span.end))
            .collect();
        let word = |i: usize| words.word(i).map_or("", |r| &t[r]);
        let mut covered_to = 0;
        for ((kind, cue_span), (_, at)) in found.iter().zip(&located) {
            if *kind != CueKind::FirstPerson || cue_span.start < covered_to {
                continue;
            }
            let mut next = at.1 + 1;
            let from = targets.partition_point(|(_, t_at)| t_at.0 < next);
            for (t_span, t_at) in &targets[from..] {
                while matches!(word(next), "a" | "an") {
                    next += 1;
                }
                // same sentence, the next word, and no punctuation between ("We, Sunnis, ...")
                if t_at.2 != at.2
                    || t_at.0 > next
                    || t[cue_span.end..t_span.start.max(cue_span.end)]
                        .chars()
                        .any(|c| !is_alnum(c) && !c.is_whitespace())
                {
                    break;
                }
                if slurs.contains(&(t_span.start, t_span.end)) {
                    if ends_clause(t, t_span.end) {
                        let span = cue_span.start..t_span.end;
                        designating.insert(cue_span.start);
                        covered_to = span.end;
                        if seen.insert((span.start, span.end, "self_designation")) {
                            composites.push(Composite {
                                rule: "self_designation",
                                role: role_of(&span, false),
                                span,
                                parts: (cue_span.clone(), t_span.clone()),
                            });
                        }
                    }
                    break;
                }
                next = next.max(t_at.1 + 1);
            }
        }
    }
    if first_person {
        found.retain(|(k, s)| *k != CueKind::FirstPerson || designating.contains(&s.start));
    }
    Context {
        cues: found,
        roles,
        composites,
    }
}

/// A target's span and its (first word, last word, sentence).
type Target = (Range<usize>, (usize, usize, u32));

/// Conjunctions that join a list ("Jews, Christians and polytheists"), folded: and, or, with.
const COORDINATORS: &[&str] = &[
    "and",
    "or",
    "و",
    "او",
    "اور",
    "يا",
    "и",
    "или",
    "ва",
    "ё",
    "va",
    "yoki",
    "bilan",
    "билан",
    "ve",
    "veya",
    "ile",
    "жана",
    "менен",
    "же",
];

/// Whether a takfir word at `at` is coordinated with the target right before it: the next word
/// after the target with the conjunction و attached (`اليهود والمشركين`), or the word after a
/// conjunction that follows the target (`яҳудиён ва мушрикон`). Such a list names categories
/// side by side, as religious texts do; it does not say that the group is what the takfir word
/// says. A takfir word after another predicate (`الشيعة كفار ومشركون`) is not coordinated with
/// the group.
fn coordinated(t: &str, words: &Words, targets: &[Target], at: (usize, usize, u32)) -> bool {
    // only a target ending at most two words before can be coordinated with it; `targets` is
    // ordered by first word, so a window of them is read (the stage stays linear)
    let lo = targets.partition_point(|(_, t_at)| t_at.0 + MAX_CUE_WORDS + 2 < at.0);
    let hi = targets.partition_point(|(_, t_at)| t_at.0 < at.0);
    let Some(last) = targets[lo..hi.max(lo)]
        .iter()
        .filter(|(_, t_at)| t_at.1 < at.0 && t_at.2 == at.2)
        .map(|(_, t_at)| t_at.1)
        .max()
    else {
        return false;
    };
    let text = |i: usize| words.word(i).map_or("", |r| &t[r]);
    match at.0 - last {
        1 => text(at.0).starts_with('و'),
        2 => COORDINATORS.contains(&text(last + 1)),
        _ => false,
    }
}

/// Words after a slur that leave it at the end of its clause: a conjunction (and the Arabic و
/// attached to the next word) or a first-person copula, folded.
const CLAUSE_JOINERS: &[&str] = &[
    "and",
    "but",
    "so",
    "و",
    "لكن",
    "بس",
    "и",
    "а",
    "но",
    "ва",
    "va",
    "ammo",
    "аммо",
    "жана",
    "ҳастам",
    "ҳастем",
];

/// Whether a slur ending at byte `end` of `t` ends its clause, as a self-designation's does:
/// the text ends, or a line break or a punctuation mark follows, or the next word joins
/// another clause (`CLAUSE_JOINERS`). Not when a noun follows ("a rafidi hater"), a hyphen or
/// an apostrophe joins it to another word ("rafidi-free", "rafidis' enemies"), or a verb
/// follows that takes it as its object, as Tajik, Uzbek, Kyrgyz and Russian put it (`Ман
/// рофизиёнро бад мебинам`, "I hate the rofizis"). In those verb-final languages an object
/// list also goes on past a conjunction or a comma (`Я рафидитов и их пособников ненавижу`),
/// so a Cyrillic slur must stand in no object case ending and be followed by the end of the
/// text or sentence, a first-person copula, or a comma or dash and then a conjunction.
fn ends_clause(t: &str, end: usize) -> bool {
    let word_start = t[..end]
        .char_indices()
        .rev()
        .find(|(_, c)| !is_alnum(*c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = &t[word_start..end];
    let cyrillic = word.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c));
    let rest = t[end..].trim_start_matches(|c: char| c.is_whitespace() && c != '\n' && c != '\r');
    let Some(c) = rest.chars().next() else {
        return !(cyrillic && object_case(word));
    };
    if matches!(c, '-' | '\u{2010}' | '\u{2011}' | '\'' | '\u{2019}') {
        return false;
    }
    if cyrillic {
        if object_case(word) {
            return false;
        }
        if matches!(c, '.' | '!' | '?' | ';' | '…' | '\n' | '\r') {
            return true;
        }
        if matches!(c, ',' | '—' | '–') {
            let after = rest[c.len_utf8()..].trim_start();
            let next = after.split(|c: char| !is_alnum(c)).next().unwrap_or("");
            return CLAUSE_JOINERS.contains(&next);
        }
        let next = rest.split(|c: char| !is_alnum(c)).next().unwrap_or("");
        return matches!(next, "ҳастам" | "ҳастем");
    }
    if !is_alnum(c) {
        return true;
    }
    let next = rest.split(|c: char| !is_alnum(c)).next().unwrap_or("");
    CLAUSE_JOINERS.contains(&next) || (next.starts_with('و') && next.chars().count() > 2)
}

/// Whether a Cyrillic word ends in an object or oblique case ending: Russian genitive,
/// accusative, dative, instrumental and prepositional plurals; Tajik -ро; Uzbek -ни and
/// Kyrgyz -ны/-ни/-ди accusatives (folded, lowercase). Endings that are also Russian
/// nominative plurals (-ды, -ты: сафавиды, рафидиты) are left out.
fn object_case(word: &str) -> bool {
    const ENDINGS: &[&str] = &[
        "ов", "ев", "ам", "ям", "ами", "ями", "ах", "ях", "ых", "их", "ро", "ни", "ны", "ди",
    ];
    ENDINGS.iter().any(|e| word.ends_with(e))
}

/// Longest cue or target, in words, that the windowed lookups allow for.
const MAX_CUE_WORDS: usize = 16;
