//! Stage 5: from hits, roles, cues and composite rules to a verdict with reasons.
//!
//! ```
//! use tahrid::Label;
//!
//! let tagger = tahrid::Tagger::default();
//! let hate = tagger.tag("kill the rafidah");
//! assert_eq!(hate.verdict.label, Label::Incitement);
//! assert!(hate.verdict.reasons.iter().any(|r| r.contains("incitement")));
//!
//! // the same terms, reported: the harmful scores are damped and the label is `reporting`
//! let news = tagger
//!     .tag("The group's statement called on followers to \"kill the rafidah\", officials said.");
//! assert_eq!(news.verdict.label, Label::Reporting);
//! assert!(news.verdict.scores.incitement < 0.5);
//!
//! // the verdict is a function of the hits, cues and rules, so it can be recomputed
//! let weights = tahrid::classify::Weights::embedded();
//! let again = tahrid::classify::verdict(&news.hits, &news.cues, &news.rules, weights);
//! assert_eq!(again.label, news.verdict.label);
//! ```
//!
//! The weights are data (`models/context/weights.toml`, see [`Weights`]); the rule is fixed and
//! deterministic, so every number in a verdict can be checked by hand:
//!
//! 1. **Harmful evidence.** Each entry weighs `severity / 3 × ambiguity[a] × role[r]` (its
//!    strongest occurrence: repetitions of one term are one piece of evidence) toward the label
//!    of its category; a high-ambiguity entry counts only with support (a low- or
//!    medium-ambiguity hit used plainly, a composite rule, an honorific or a violence cue) (`sectarian_slur`, `takfir`, `dehumanization` → `sectarian_hate`;
//!    `incitement` → `incitement`; `slogan`, `organization`, `glorification` →
//!    `extremist_propaganda`). A composite rule weighs `composite.incitement` or
//!    `composite.hostile_predicate` × its role's factor; a `self_designation` rule ("I am a
//!    rafidi") weighs nothing, and the slur hits inside it count nothing and support nothing. Honorific cues add
//!    `document.honorific` each to `extremist_propaganda`; a violence cue without a target adds
//!    `document.violence_alone` to `incitement`. As with terms, a phrase repeated (the same
//!    kind and text, case aside) counts once: a Quran commentary that names "the mujahideen"
//!    three times is not three honorifics.
//! 2. **Reporting evidence.** Outsider naming, reporting, attribution, definition and
//!    condemnation cues, and hits or composites in `mention` or `counter` role, each add their
//!    `document.*` weight to `reporting`.
//! 3. Evidence for one label combines as independent evidence, `1 − Π(1 − w)`.
//! 4. **Damping.** Each harmful score is multiplied by `1 − damping × reporting`.
//! 5. **Decision.** The most severe harmful label whose score reaches `threshold` wins
//!    (incitement, then extremist propaganda, then sectarian hate); else `reporting`
//!    if its score reaches `threshold` and the text has a hit, a composite or a group name to
//!    report on; else `neutral`. `neutral`'s score is `1 −` the highest other score.
//!
//! So one high- or medium-ambiguity term never makes a text harmful on its own (0.25 and 0.45
//! of a severity-3 term stay below 0.5), a low-ambiguity term used plainly does, and a news
//! report that names a slur, the outlets and a campaign title comes out `reporting`, with every
//! term still tagged.
mod decimal;
mod verdict;
mod weights;

pub(crate) use decimal::push_fixed2;
pub use verdict::{Label, ModelOpinion, Scores, Verdict};
pub use weights::Weights;

use crate::context::{CueHit, CueKind, Hit, Role, RuleHit};
use crate::lexicon::{Ambiguity, Category};

/// The composite rule of a first-person subject right before a slur (see [`crate::context`]).
const SELF_DESIGNATION: &str = "self_designation";

/// The label a category's hits count toward.
///
/// ```
/// use tahrid::classify::label_for;
/// use tahrid::lexicon::Category;
/// use tahrid::Label;
/// assert_eq!(label_for(Category::Takfir), Label::SectarianHate);
/// ```
pub fn label_for(category: Category) -> Label {
    match category {
        Category::SectarianSlur | Category::Takfir | Category::Dehumanization => {
            Label::SectarianHate
        }
        Category::Incitement => Label::Incitement,
        Category::Slogan | Category::Organization | Category::Glorification => {
            Label::ExtremistPropaganda
        }
    }
}

/// Evidence accumulated for one label.
#[derive(Default)]
struct Evidence {
    remaining: f32,
}

impl Evidence {
    fn new() -> Self {
        Evidence { remaining: 1.0 }
    }
    fn add(&mut self, w: f32) {
        self.remaining *= 1.0 - w.clamp(0.0, 1.0);
    }
    fn score(&self) -> f32 {
        1.0 - self.remaining
    }
}

/// Computes the verdict; see the [module docs](self).
///
/// ```
/// use tahrid::{Label, Tagger};
/// let tagger = Tagger::default();
/// assert_eq!(tagger.tag("the rafidah are at it again").verdict.label, Label::SectarianHate);
/// assert_eq!(tagger.tag("a history of the Safavid dynasty").verdict.label, Label::Neutral);
/// assert_eq!(
///     tagger.tag("Analysts say IS calls Shia 'rafidah', a derogatory term.").verdict.label,
///     Label::Reporting
/// );
/// ```
pub fn verdict(hits: &[Hit], cues: &[CueHit], rules: &[RuleHit], w: &Weights) -> Verdict {
    let mut harm = [Evidence::new(), Evidence::new(), Evidence::new()];
    let slot = |l: Label| match l {
        Label::SectarianHate => 0,
        Label::Incitement => 1,
        _ => 2,
    };
    let mut report = Evidence::new();
    let mut reasons = Vec::new();
    // High-ambiguity terms count only with support: a clearer hit used plainly, a composite
    // rule, an honorific or a call to violence. Scripture that names "disbelievers" ten times
    // is not hate for it.
    // Slurs inside a self-designation ("I am a rafidi") name the speaker's own group: no harm.
    // (Self-designations do not overlap: ordered by start, one lookup per hit.)
    let mut self_designations: Vec<&RuleHit> = rules
        .iter()
        .filter(|r| r.rule == SELF_DESIGNATION)
        .collect();
    self_designations.sort_by_key(|r| r.start);
    let designating: Vec<Option<&RuleHit>> = hits
        .iter()
        .map(|h| {
            if h.category != Category::SectarianSlur {
                return None;
            }
            let i = self_designations.partition_point(|r| r.start <= h.start);
            (i > 0 && h.end <= self_designations[i - 1].end).then(|| self_designations[i - 1])
        })
        .collect();
    let supported = hits
        .iter()
        .zip(&designating)
        .any(|(h, d)| h.ambiguity != Ambiguity::High && h.role == Role::Use && d.is_none())
        || rules
            .iter()
            .any(|r| r.role == Role::Use && r.rule != SELF_DESIGNATION)
        || cues
            .iter()
            .any(|c| matches!(c.kind, CueKind::Honorific | CueKind::Violence));
    // Repetitions of one entry are one piece of evidence: the strongest occurrence counts.
    let mut best_of_entry: std::collections::HashMap<&str, f32> = std::collections::HashMap::new();
    for (h, _) in hits.iter().zip(&designating).filter(|(_, d)| d.is_none()) {
        let weight = w.hit_weight(h);
        let e = best_of_entry.entry(h.entry.as_str()).or_insert(0.0);
        *e = e.max(weight);
    }
    let mut counted: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for (i, h) in hits.iter().enumerate() {
        let label = label_for(h.category);
        let weight = w.hit_weight(h);
        let mut line = format!(
            "hit {i} `{}` ({}, {} ambiguity, {}) -> {}",
            h.entry,
            h.category,
            h.ambiguity,
            role_str(h.role),
            label.as_str()
        );
        if let Some(r) = designating[i] {
            line.push_str(&format!(" +0.00 (self-designation `{}`)", r.text));
        } else if h.ambiguity == Ambiguity::High && !supported {
            line.push_str(" +0.00 (high ambiguity without supporting evidence)");
        } else if weight < best_of_entry[h.entry.as_str()] || !counted.insert(h.entry.as_str()) {
            line.push_str(" +0.00 (repeats an entry already counted)");
        } else {
            harm[slot(label)].add(weight);
            line.push_str(&format!(" +{weight:.2}"));
        }
        let r = w.reporting_weight(h.role);
        if r > 0.0 {
            report.add(r);
            line.push_str(&format!(", reporting +{r:.2}"));
        }
        reasons.push(line);
    }
    for r in rules {
        if r.rule == SELF_DESIGNATION {
            reasons.push(format!(
                "rule {} `{}` ({}): the speaker names their own group, not counted as harm",
                r.rule,
                r.text,
                role_str(r.role)
            ));
            continue;
        }
        let (label, base) = if r.rule == "incitement" {
            (Label::Incitement, w.composite_incitement)
        } else {
            (Label::SectarianHate, w.composite_hostile_predicate)
        };
        let weight = base * w.role_factor(r.role);
        harm[slot(label)].add(weight);
        let mut line = format!(
            "rule {} `{}` ({}) -> {} +{weight:.2}",
            r.rule,
            r.text,
            role_str(r.role),
            label.as_str()
        );
        let rw = w.reporting_weight(r.role);
        if rw > 0.0 {
            report.add(rw);
            line.push_str(&format!(", reporting +{rw:.2}"));
        }
        reasons.push(line);
    }
    // rule spans, ordered, to ask in O(log n) whether a violence cue is part of a rule
    let mut rule_spans: Vec<(usize, usize)> = rules.iter().map(|r| (r.start, r.end)).collect();
    rule_spans.sort_unstable();
    let mut reach_end = Vec::with_capacity(rule_spans.len());
    let mut furthest = 0;
    for &(_, end) in &rule_spans {
        furthest = furthest.max(end);
        reach_end.push(furthest);
    }
    let violence_in_rules = |c: &CueHit| {
        let i = rule_spans.partition_point(|&(start, _)| start <= c.start);
        i > 0 && c.end <= reach_end[i - 1]
    };
    let mut subject = !hits.is_empty() || !rules.is_empty();
    let mut harm_cues = std::collections::HashSet::new();
    for c in cues {
        let (label, weight) = match c.kind {
            CueKind::Honorific => (Label::ExtremistPropaganda, w.honorific),
            CueKind::Violence if !violence_in_rules(c) => (Label::Incitement, w.violence_alone),
            CueKind::Outsider => (Label::Reporting, w.outsider),
            CueKind::Reporting => (Label::Reporting, w.reporting),
            CueKind::Attribution => (Label::Reporting, w.attribution),
            CueKind::Definition => (Label::Reporting, w.definition),
            CueKind::Condemnation => (Label::Reporting, w.condemnation),
            CueKind::Group => {
                subject = true;
                continue;
            }
            _ => continue,
        };
        if c.kind == CueKind::Outsider {
            subject = true;
        }
        if weight <= 0.0 {
            continue;
        }
        let mut line = format!(
            "cue {} `{}` -> {} +",
            c.kind.as_str(),
            c.text,
            label.as_str()
        );
        if label == Label::Reporting {
            report.add(weight);
            push_fixed2(&mut line, weight);
        } else if !harm_cues.insert((c.kind, c.text.to_lowercase())) {
            // as with hits, a repeated phrase is one piece of evidence
            line.push_str("0.00 (repeats a cue already counted)");
        } else {
            harm[slot(label)].add(weight);
            push_fixed2(&mut line, weight);
        }
        reasons.push(line);
    }
    let reporting = report.score();
    let damp = 1.0 - w.damping * reporting;
    if reporting > 0.0 && harm.iter().any(|e| e.score() > 0.0) {
        reasons.push(format!(
            "reporting evidence {reporting:.2} damps harmful scores by {:.0}%",
            (1.0 - damp) * 100.0
        ));
    }
    let scores = Scores {
        sectarian_hate: harm[0].score() * damp,
        incitement: harm[1].score() * damp,
        extremist_propaganda: harm[2].score() * damp,
        reporting,
        neutral: 0.0,
    };
    decide(scores, subject, w, reasons)
}

/// How the reason that concludes "neutral" for lack of evidence begins.
pub(crate) const NO_SCORE: &str = "no score reaches";

/// Step 5 of the [module docs](self): picks the label from harmful and reporting scores
/// (`scores.neutral` is recomputed). `subject`: the text has a hit, a composite or a group
/// name for a report to be about. Also used by the model cascade on combined scores.
pub(crate) fn decide(
    mut scores: Scores,
    subject: bool,
    w: &Weights,
    mut reasons: Vec<String>,
) -> Verdict {
    let reporting = scores.reporting;
    // the most severe label that reaches the threshold: a call to violence against a group is
    // also hate, and IS propaganda that names a slur is also hate, but the label says the worst
    let severity = [
        Label::Incitement,
        Label::ExtremistPropaganda,
        Label::SectarianHate,
    ];
    let (best, best_score) = severity
        .into_iter()
        .map(|l| (l, scores.get(l)))
        .find(|(_, s)| *s >= w.threshold)
        .unwrap_or_else(|| {
            severity.into_iter().map(|l| (l, scores.get(l))).fold(
                (Label::Neutral, 0.0f32),
                |acc, x| if x.1 > acc.1 { x } else { acc },
            )
        });
    scores.neutral = 1.0 - best_score.max(reporting);
    let (label, score) = if best_score >= w.threshold {
        (best, best_score)
    } else if reporting >= w.threshold && subject {
        (Label::Reporting, reporting)
    } else {
        if best_score > 0.0 || reporting > 0.0 {
            let mut line = format!("{NO_SCORE} {} (harmful ", w.threshold);
            push_fixed2(&mut line, best_score);
            line.push_str(", reporting ");
            push_fixed2(&mut line, reporting);
            line.push_str("): neutral");
            reasons.push(line);
        }
        (Label::Neutral, scores.neutral)
    };
    Verdict {
        label,
        score,
        scores,
        reasons,
        model: None,
    }
}

fn role_str(r: Role) -> &'static str {
    match r {
        Role::Use => "use",
        Role::Mention => "mention",
        Role::Negated => "negated",
        Role::Counter => "counter",
    }
}
