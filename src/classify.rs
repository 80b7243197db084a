//! Stage 4: from hits to a verdict.
//!
//! **Provisional.** This is the hit-only verdict of the core engine: it reads each hit's
//! category, severity and ambiguity, and nothing else. It does not yet read context (quotation,
//! attribution, reporting and counter-speech cues, negation), so a news report that names a slur
//! gets the same verdict as the slur's use, and `reporting` is never chosen. The context and
//! scoring stage (roles, composite rules, weights as data under `models/`) replaces it.
//!
//! The rule, so that the numbers can be checked by hand:
//! - each hit has a weight `severity / 3 × a`, with `a` = 1 for low, 0.45 for medium and 0.25
//!   for high ambiguity;
//! - categories feed labels: `sectarian_slur`, `takfir` and `dehumanization` feed
//!   `sectarian_hate`; `incitement` feeds `incitement`; `slogan`, `organization` and
//!   `glorification` feed `extremist_propaganda`;
//! - a label's score combines its hits' weights as independent evidence,
//!   `1 − Π(1 − weight)`; `neutral` is `1 −` the highest harmful score;
//! - the label is the highest-scoring harmful label if its score reaches 0.5, else `neutral`.
//!
//! So one medium- or high-ambiguity term never makes a text harmful on its own, one
//! low-ambiguity term of severity 2 or 3 does, and ambiguous terms add up.
use crate::lexicon::{Ambiguity, Category};
use crate::report::{Hit, Label, Scores, Verdict};

/// The label a category's hits count toward.
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

fn ambiguity_factor(a: Ambiguity) -> f32 {
    match a {
        Ambiguity::Low => 1.0,
        Ambiguity::Medium => 0.45,
        Ambiguity::High => 0.25,
    }
}

/// The hit's weight as evidence for its label.
pub fn hit_weight(hit: &Hit) -> f32 {
    f32::from(hit.severity) / 3.0 * ambiguity_factor(hit.ambiguity)
}

/// Score at which a harmful label wins over `neutral`.
pub const DECISION_THRESHOLD: f32 = 0.5;

/// The provisional verdict for a text's hits; see the [module docs](self).
///
/// ```
/// use tahrid::Tagger;
/// use tahrid::report::Label;
/// let tagger = Tagger::default();
/// assert_eq!(tagger.tag("death to the rafidah").verdict.label, Label::SectarianHate);
/// assert_eq!(tagger.tag("a history of the Safavid dynasty").verdict.label, Label::Neutral);
/// ```
pub fn verdict(hits: &[Hit]) -> Verdict {
    let mut scores = Scores::default();
    let mut reasons = Vec::new();
    let mut remaining = [1.0f32; 3];
    for (i, hit) in hits.iter().enumerate() {
        let label = label_for(hit.category);
        let w = hit_weight(hit);
        let slot = match label {
            Label::SectarianHate => 0,
            Label::Incitement => 1,
            _ => 2,
        };
        remaining[slot] *= 1.0 - w;
        reasons.push(format!(
            "hit {i}: {} `{}` ({} ambiguity, severity {}) -> {} +{:.2}",
            hit.category,
            hit.entry,
            hit.ambiguity,
            hit.severity,
            label.as_str(),
            w
        ));
    }
    scores.sectarian_hate = 1.0 - remaining[0];
    scores.incitement = 1.0 - remaining[1];
    scores.extremist_propaganda = 1.0 - remaining[2];
    let (best, best_score) = [
        Label::SectarianHate,
        Label::Incitement,
        Label::ExtremistPropaganda,
    ]
    .into_iter()
    .map(|l| (l, scores.get(l)))
    .fold(
        (Label::Neutral, 0.0f32),
        |acc, x| if x.1 > acc.1 { x } else { acc },
    );
    *scores.get_mut(Label::Neutral) = 1.0 - best_score;
    let (label, score) = if best_score >= DECISION_THRESHOLD {
        (best, best_score)
    } else {
        if !hits.is_empty() {
            reasons.push(format!(
                "no harmful score reaches {DECISION_THRESHOLD} (highest {:.2}): neutral",
                best_score
            ));
        }
        (Label::Neutral, scores.neutral)
    };
    reasons.push(
        "provisional hit-only verdict: context (quotation, reporting, counter-speech) not yet read"
            .into(),
    );
    Verdict {
        label,
        score,
        scores,
        reasons,
    }
}
