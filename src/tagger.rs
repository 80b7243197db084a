//! The [`Tagger`]: wires the stages together (normalize → match → context → classify → report →
//! model) and owns no rule of its own.
//!
//! Length: the builder documents one option per stage with a runnable example, and the entry
//! points (tag, tag_rules, explain, tag_batch) share the one private `report` that runs the
//! stages; splitting them would spread one wiring over files.
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::classify::{self, Weights};
use crate::context::{self, Cues, HitIn, Reach};
use crate::error::Error;
use crate::lexicon::{Lang, Lexicon};
use crate::matcher::Matcher;
use crate::model::{CascadePolicy, ModelStage, NgramModel, TextModel};
use crate::normalize::{Folded, Normalizer};
use crate::report::{CueHit, Hit, Report, Role, RuleHit};
use crate::script::reads_arabic;

/// Tags texts with lexicon hits and a verdict. Build once, share everywhere: it is
/// `Send + Sync`, and [`tag`](Tagger::tag) takes `&self`.
///
/// ```
/// use tahrid::Tagger;
///
/// let tagger = Tagger::default(); // the embedded lexicon
/// let text = "والـــروافض";
/// let report = tagger.tag(text);
/// let hit = &report.hits[0];
/// assert_eq!(hit.entry, "rafidah");
/// assert_eq!(hit.category.as_str(), "sectarian_slur");
/// assert_eq!(&text[hit.start..hit.end], hit.text);
/// assert_eq!(hit.text, "والـــروافض");
/// ```
#[derive(Clone, Debug)]
pub struct Tagger {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    lexicon: Lexicon,
    normalizer: Normalizer,
    matcher: Matcher,
    cues: Cues,
    weights: Weights,
    model: Option<ModelStage>,
    ngram: Option<Arc<NgramModel>>,
    policy: CascadePolicy,
}

/// Builds a [`Tagger`]; see [`Tagger::builder`].
#[derive(Clone, Debug, Default)]
pub struct TaggerBuilder {
    lexicon: Option<Lexicon>,
    lexicon_path: Option<PathBuf>,
    extensions: Vec<Lexicon>,
    extension_paths: Vec<PathBuf>,
    normalizer: Option<Normalizer>,
    dfa: bool,
    cues: Option<Cues>,
    weights: Option<Weights>,
    model: Option<ModelStage>,
    ngram: Option<Arc<NgramModel>>,
    policy: Option<CascadePolicy>,
}

impl TaggerBuilder {
    /// Use this lexicon instead of the embedded one.
    pub fn lexicon(mut self, lexicon: Lexicon) -> Self {
        self.lexicon = Some(lexicon);
        self.lexicon_path = None;
        self
    }

    /// Load the lexicon from a file or directory (when [`build`](Self::build) runs) instead of
    /// using the embedded one.
    ///
    /// ```
    /// use tahrid::Tagger;
    /// let err = Tagger::builder().lexicon_path("missing-dir").build().unwrap_err();
    /// assert!(err.to_string().contains("missing-dir"));
    /// ```
    pub fn lexicon_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.lexicon_path = Some(path.into());
        self.lexicon = None;
        self
    }

    /// Add entries to the lexicon (embedded or replaced). Duplicate ids are an error at build.
    ///
    /// ```
    /// use tahrid::{lexicon::Lexicon, Tagger};
    /// let extra = Lexicon::from_toml_str("extra.toml", r#"
    /// [[entry]]
    /// id = "zorblax"
    /// category = "sectarian_slur"
    /// severity = 2
    /// ambiguity = "low"
    /// canonical = "zorblax"
    /// variants.en = ["zorblax"]
    /// morphology.en = "en_noun"
    /// "#).unwrap();
    /// let tagger = Tagger::builder().extend(extra).build().unwrap();
    /// let hits = tagger.tag("those zorblaxes, and the rafidah").hits;
    /// let ids: Vec<_> = hits.iter().map(|h| h.entry.as_str()).collect();
    /// assert_eq!(ids, ["zorblax", "rafidah"]);
    /// ```
    pub fn extend(mut self, lexicon: Lexicon) -> Self {
        self.extensions.push(lexicon);
        self
    }

    /// Add entries loaded from a file or directory when [`build`](Self::build) runs.
    pub fn extend_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.extension_paths.push(path.into());
        self
    }

    /// Use another normalizer (other folding tables).
    pub fn normalizer(mut self, normalizer: Normalizer) -> Self {
        self.normalizer = Some(normalizer);
        self
    }

    /// Also compile the matcher to a DFA: scans get faster (about 1.1–1.3× on the whole
    /// path), at the cost of ~30 MB of memory and ~90 ms of one core for the default lexicon.
    /// The DFA is compiled on a background thread: [`build`](Self::build) returns as soon as
    /// the contiguous NFA is ready, that NFA scans until the DFA is, and both find the same
    /// hits (where no thread can be started, the DFA is compiled before `build` returns; a
    /// tagger dropped before its DFA is ready lets the build finish, and the DFA is dropped).
    /// Worth it for long batch runs; the default (the NFA alone) suits short-lived taggers.
    ///
    /// ```
    /// use tahrid::Tagger;
    /// let fast = Tagger::builder().dfa(true).build().unwrap();
    /// assert_eq!(fast.tag("rafidah").hits, Tagger::default().tag("rafidah").hits);
    /// ```
    pub fn dfa(mut self, yes: bool) -> Self {
        self.dfa = yes;
        self
    }

    /// Use other context cues (see [`Cues::from_toml_str`]).
    pub fn cues(mut self, cues: Cues) -> Self {
        self.cues = Some(cues);
        self
    }

    /// Use other scoring weights (see [`Weights::from_toml_str`]).
    ///
    /// ```
    /// use tahrid::{classify::Weights, Label, Tagger};
    /// let mut strict = Weights::embedded().clone();
    /// strict.threshold = 0.25; // flag on weaker evidence
    /// let tagger = Tagger::builder().weights(strict).build().unwrap();
    /// // one medium-ambiguity term: below the default threshold, above the strict one
    /// assert_eq!(tagger.tag("the nawasib are back").verdict.label, Label::SectarianHate);
    /// assert_eq!(Tagger::default().tag("the nawasib are back").verdict.label, Label::Neutral);
    /// ```
    pub fn weights(mut self, weights: Weights) -> Self {
        self.weights = Some(weights);
        self
    }

    /// Add a model stage: texts the [cascade policy](CascadePolicy) routes (by default, those
    /// in the uncertain band, whose verdict the model could change) are rescored by `model`,
    /// and the verdict combines both (see [`crate::model`]). With the `transformer` feature,
    /// `tahrid::model::transformer::Transformer` loads rust-bert models from
    /// local files.
    pub fn model(mut self, model: impl TextModel + 'static) -> Self {
        self.model = Some(ModelStage {
            model: Arc::new(model),
            policy: CascadePolicy::default(),
        });
        self
    }

    /// Add the learned n-gram stage: every text also gets the opinion of `model`, a linear
    /// model over character n-grams of the folded text (see [`crate::model::ngram`]). Each
    /// harmful score becomes the larger of the rules' score and the model's evidence, damped
    /// by reporting and counter-speech cues like the rules' own; the verdict's `reasons` say
    /// what the model said. It costs about as much as the rules again, and needs no feature.
    ///
    /// ```
    /// use tahrid::model::NgramModel;
    /// use tahrid::Tagger;
    /// let tagger = Tagger::builder().ngram(NgramModel::embedded().clone()).build().unwrap();
    /// let report = tagger.tag("a quiet day at the market");
    /// assert!(report.verdict.reasons.iter().any(|r| r.starts_with("n-gram model")));
    /// ```
    pub fn ngram(mut self, model: NgramModel) -> Self {
        self.ngram = Some(Arc::new(model));
        self
    }

    /// Use another cascade policy than the embedded `models/cascade/policy.toml`.
    ///
    /// ```
    /// use tahrid::model::CascadePolicy;
    /// use tahrid::Tagger;
    /// let tagger = Tagger::builder().cascade(CascadePolicy::everything()).build().unwrap();
    /// assert!(tagger.cascade().all);
    /// ```
    pub fn cascade(mut self, policy: CascadePolicy) -> Self {
        self.policy = Some(policy);
        self
    }

    /// Loads and validates everything and compiles the matcher.
    pub fn build(self) -> Result<Tagger, Error> {
        let mut lexicon = match (self.lexicon, self.lexicon_path) {
            (Some(l), _) => l,
            (None, Some(p)) => Lexicon::from_path(p)?,
            (None, None) => Lexicon::embedded().clone(),
        };
        for ext in self.extensions {
            lexicon.extend(ext)?;
        }
        for p in self.extension_paths {
            lexicon.extend(Lexicon::from_path(p)?)?;
        }
        let normalizer = self.normalizer.unwrap_or_default();
        let policy = self.policy.unwrap_or_default();
        policy.validate()?;
        // the cue phrases join the lexicon's automaton: one scan finds both
        let cues = self.cues.unwrap_or_else(Cues::embedded);
        let matcher = Matcher::build(&lexicon, &normalizer, self.dfa, cues.patterns())?;
        Ok(Tagger {
            inner: Arc::new(Inner {
                lexicon,
                normalizer,
                matcher,
                cues,
                weights: self.weights.unwrap_or_else(|| Weights::embedded().clone()),
                model: self.model.map(|mut stage| {
                    stage.policy = policy.clone();
                    stage
                }),
                ngram: self.ngram,
                policy,
            }),
        })
    }
}

impl Default for Tagger {
    /// A tagger on the embedded lexicon.
    fn default() -> Self {
        Tagger::builder()
            .build()
            .expect("the embedded lexicon compiles (checked by tests)")
    }
}

/// What the matcher saw: the folded text and each hit's folded span (see [`Tagger::explain`]).
#[derive(Clone, Debug)]
pub struct Explanation {
    /// The folded text.
    pub folded: Folded,
    /// Per hit (same order as the report's hits): the folded span of the word(s) and the
    /// folded span of the variant itself.
    pub folded_spans: Vec<(std::ops::Range<usize>, std::ops::Range<usize>)>,
    /// The report.
    pub report: Report,
}

impl Tagger {
    /// A builder: `Tagger::builder().lexicon_path("my-lexicon").build()?`.
    pub fn builder() -> TaggerBuilder {
        TaggerBuilder::default()
    }

    /// The lexicon in use.
    pub fn lexicon(&self) -> &Lexicon {
        &self.inner.lexicon
    }

    /// The normalizer in use.
    pub fn normalizer(&self) -> &Normalizer {
        &self.inner.normalizer
    }

    /// Number of distinct folded patterns the matcher searches for.
    pub fn pattern_count(&self) -> usize {
        self.inner.matcher.pattern_count()
    }

    /// The cascade policy (used only when a model stage is set).
    pub fn cascade(&self) -> &CascadePolicy {
        &self.inner.policy
    }

    /// The model stage's model name, if any.
    pub fn model_name(&self) -> Option<&str> {
        self.inner.model.as_ref().map(|m| m.model.name())
    }

    /// Tags one text, running the model stage if there is one and the policy routes the text.
    /// Never panics, whatever the input.
    ///
    /// ```
    /// use tahrid::Tagger;
    /// let report = Tagger::default().tag("أعلنت الدول الرافضة للاتفاق موقفها");
    /// assert!(report.hits.is_empty()); // "the states rejecting the agreement"
    /// ```
    pub fn tag(&self, text: &str) -> Report {
        let mut report = self.tag_rules(text);
        if let Some(stage) = &self.inner.model {
            stage.run(
                &[text],
                std::slice::from_mut(&mut report),
                &self.inner.weights,
            );
        }
        report
    }

    /// Tags one text with the rules stages only, skipping any model stage.
    ///
    /// ```
    /// use tahrid::Tagger;
    /// let t = Tagger::default();
    /// assert_eq!(t.tag_rules("rafidah"), t.tag("rafidah")); // no model: the same
    /// ```
    pub fn tag_rules(&self, text: &str) -> Report {
        thread_local! {
            static FOLDED: std::cell::RefCell<Folded> = std::cell::RefCell::new(Folded::default());
        }
        FOLDED.with(|cell| match cell.try_borrow_mut() {
            Ok(mut folded) => {
                // the language guess is counted while folding: one read of the text
                let guess = self.inner.normalizer.fold_and_guess(text, &mut folded);
                self.report(text, &folded, guess, None)
            }
            // re-entered on this thread (cannot happen through the public API); no reuse
            Err(_) => {
                let mut folded = Folded::default();
                let guess = self.inner.normalizer.fold_and_guess(text, &mut folded);
                self.report(text, &folded, guess, None)
            }
        })
    }

    /// Tags one text and also returns the folded text and the folded spans: what a reviewer
    /// needs when a hit (or a miss) surprises them.
    ///
    /// ```
    /// use tahrid::Tagger;
    /// let e = Tagger::default().explain("r.a.f.i.d.a.h");
    /// assert_eq!(e.folded.as_str(), "rafidah");
    /// assert_eq!(e.report.hits[0].text, "r.a.f.i.d.a.h");
    /// ```
    pub fn explain(&self, text: &str) -> Explanation {
        let mut folded = Folded::default();
        let guess = self.inner.normalizer.fold_and_guess(text, &mut folded);
        let mut folded_spans = Vec::new();
        let mut report = self.report(text, &folded, guess, Some(&mut folded_spans));
        if let Some(stage) = &self.inner.model {
            stage.run(
                &[text],
                std::slice::from_mut(&mut report),
                &self.inner.weights,
            );
        }
        Explanation {
            folded,
            folded_spans,
            report,
        }
    }

    /// Matches a folded text and builds the report; records the folded spans if asked.
    /// `guess` is [`guess_lang`](crate::script::guess_lang)`(text)`.
    fn report(
        &self,
        text: &str,
        folded: &Folded,
        guess: &'static str,
        mut folded_spans: Option<&mut Vec<(std::ops::Range<usize>, std::ops::Range<usize>)>>,
    ) -> Report {
        let inner = &*self.inner;
        let mut cue_occurrences = Vec::new();
        let raw = inner
            .matcher
            .find(folded.as_str(), Lang::parse(guess), &mut cue_occurrences);
        let ft = folded.as_str();
        let hit_in: Vec<HitIn> = raw
            .iter()
            .map(|r| HitIn {
                span: r.span.clone(),
                category: inner.lexicon.entries()[r.entry].category,
            })
            .collect();
        let reach = Reach {
            window: inner.weights.window,
            target_distance: inner.weights.target_distance,
            predicate_distance: inner.weights.predicate_distance,
            takfir_distance: inner.weights.takfir_distance,
        };
        let ctx = context::analyze(ft, &hit_in, &inner.cues, &cue_occurrences, reach, guess);
        let hit_spans: Vec<std::ops::Range<usize>> = match inner.ngram {
            Some(_) => raw.iter().map(|r| r.span.clone()).collect(),
            None => Vec::new(),
        };
        let original = |r: &std::ops::Range<usize>| folded.original_range(r.clone());
        let mut hits = Vec::with_capacity(raw.len());
        for (k, r) in raw.into_iter().enumerate() {
            let span = original(&r.span);
            let entry = &inner.lexicon.entries()[r.entry];
            hits.push(Hit {
                entry: entry.id.clone(),
                category: entry.category,
                severity: entry.severity,
                ambiguity: entry.ambiguity,
                lang: r.lang,
                start: span.start,
                end: span.end,
                text: text[span.clone()].to_string(),
                role: ctx.roles.get(k).copied().unwrap_or(Role::Use),
                variant: inner.matcher.variant(r.variant).to_string(),
            });
            if let Some(spans) = folded_spans.as_deref_mut() {
                spans.push((r.span, r.core));
            }
        }
        let cues: Vec<CueHit> = ctx
            .cues
            .iter()
            .map(|(kind, r)| {
                let o = original(r);
                CueHit {
                    kind: *kind,
                    start: o.start,
                    end: o.end,
                    text: text[o].to_string(),
                }
            })
            .collect();
        let rules: Vec<RuleHit> = ctx
            .composites
            .iter()
            .map(|c| {
                let o = original(&c.span);
                RuleHit {
                    rule: c.rule.to_string(),
                    start: o.start,
                    end: o.end,
                    text: text[o].to_string(),
                    role: c.role,
                }
            })
            .collect();
        let verdict = classify::verdict(&hits, &cues, &rules, &inner.weights);
        let lang = document_lang(text, guess, &hits);
        let mut report = Report {
            lang,
            verdict,
            hits,
            rules,
            cues,
        };
        if let Some(ngram) = &inner.ngram {
            ngram.combine(&mut report, ft, &hit_spans, &inner.weights);
        }
        report
    }

    /// Tags many texts in parallel on rayon's current thread pool (use
    /// `rayon::ThreadPool::install` to choose the number of threads). The reports are in input
    /// order and identical to those of [`tag`](Tagger::tag) (with a model stage: up to the
    /// model's float noise across batch shapes, and a model failure affects its whole batch).
    ///
    /// ```
    /// use tahrid::Tagger;
    /// let reports = Tagger::default().tag_batch(&["rafidah", "hello", "روافض"]);
    /// assert_eq!(reports.iter().map(|r| r.hits.len()).collect::<Vec<_>>(), [1, 0, 1]);
    /// ```
    ///
    /// With a model stage, the rules run in parallel first, then the routed texts go to the
    /// model in length-sorted batches (the model parallelises inside each batch).
    pub fn tag_batch<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Vec<Report> {
        let mut reports: Vec<Report> = texts
            .par_iter()
            .map(|t| self.tag_rules(t.as_ref()))
            .collect();
        if let Some(stage) = &self.inner.model {
            stage.run(texts, &mut reports, &self.inner.weights);
        }
        reports
    }
}

/// The document's language: the script-based guess, refined by the hits' languages when they
/// share its script (hits know Uzbek from English, Persian from Arabic, better than letters),
/// except that a text whose words read as Arabic (the article, ة) stays Arabic: Persian,
/// Pashto and Urdu lists share words with Arabic (مشركين, منافقو).
fn document_lang(text: &str, guess: &'static str, hits: &[Hit]) -> String {
    if hits.is_empty() {
        return guess.to_string();
    }
    let script = |code: &str| match code {
        "ar" | "fa" | "ps" | "ur" => 0,
        "ru" | "tg" | "uz-Cyrl" | "ky" => 1,
        "und" => 3,
        _ => 2,
    };
    let mut counts: HashMap<&'static str, usize> = HashMap::new();
    for h in hits {
        *counts.entry(h.lang.as_str()).or_default() += 1;
    }
    let best = counts
        .into_iter()
        .filter(|(l, _)| script(l) == script(guess))
        .max_by_key(|&(l, n)| (n, l == guess, std::cmp::Reverse(l)));
    match best {
        // the letters' evidence for a language wins over a tie of hits
        Some((l, _)) if guess == "ar" && l != "ar" && reads_arabic(text, true) => guess.to_string(),
        Some((l, _)) if guess == "ar" || guess == "ru" || guess == "en" => l.to_string(),
        _ => guess.to_string(),
    }
}
