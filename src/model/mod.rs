//! Stage 7 (optional): a model cascade that rescores what the rules are unsure of.
//!
//! A transformer reads about 150 sentences a second on two cores, the lexicon stage tens of
//! megabytes: thousands of times faster. So the model runs as a **cascade**: the rules stage
//! tags every text, a [`CascadePolicy`] picks the texts worth a second opinion, and only those
//! reach the model. The policy is data (`models/cascade/policy.toml`):
//!
//! 1. **Route.** A text goes to the model when the model could change its verdict: when its
//!    highest harmful rules score `r` lies in the *uncertain band* where
//!    `(1 − w)·r + w·m` crosses the threshold `t` for a model score `m` between
//!    `1 − route.confidence` and `route.confidence` (`w` = `combine.model_weight`). With the
//!    embedded `t = 0.5`, `w = 0.5` and confidence 0.8, the band is `[0.2, 0.8)`: see
//!    [`CascadePolicy::band`]. Optionally also every text with a lexicon hit (`route.any_hit`),
//!    or every text (`route.all`, the baseline a cascade is measured against).
//! 2. **Window.** The model sees all of a short text, else `input.window_chars` characters
//!    centred on the most severe hit (or the first rule or cue): the part the rules found.
//! 3. **Batch.** Routed texts are sorted by length and sent at most `batch.max_batch` at a
//!    time, a batch ending early when more than `batch.max_padding` of its positions would be
//!    padding (see [`CascadePolicy::batches`]): few routed texts of scattered lengths would
//!    otherwise pay for much padding. Models must give each text the scores it would get
//!    alone (the transformer backends mask padding; their tests check it).
//! 4. **Combine.** For each label the model scores,
//!    `combined = (1 − combine.model_weight) · rules + combine.model_weight · model`, where a
//!    softmax model's harmful probability mass counts for its likeliest harmful label (see
//!    [`LabelScores::harmful_evidence`]); then the
//!    rules' decision (threshold, severity order; see [`crate::classify`]) runs on the combined
//!    scores. The verdict names the model and its scores in `reasons` and in
//!    [`Verdict::model`](crate::Verdict::model), with the rules' own scores and label beside
//!    them, so a reviewer sees what each stage said.
//!
//! A model is anything that implements [`TextModel`]. With the cargo feature `transformer`,
//! `tahrid::model::transformer` provides rust-bert models (sentence-embedding
//! exemplars, sequence classifiers and zero-shot NLI) loaded from local files. A model that
//! fails (or panics) on a batch leaves the rules' verdicts of that batch standing, with the
//! failure in `reasons`: nothing is lost.
//!
//! ```
//! use tahrid::model::{LabelScores, ModelError, TextModel};
//! use tahrid::{Label, Tagger};
//!
//! /// A stand-in model that calls everything neutral.
//! #[derive(Debug)]
//! struct Calm;
//! impl TextModel for Calm {
//!     fn name(&self) -> &str { "calm" }
//!     fn score_batch(&self, texts: &[&str]) -> Result<Vec<LabelScores>, ModelError> {
//!         Ok(texts.iter().map(|_| LabelScores::new().with(Label::Neutral, 1.0)
//!             .with(Label::SectarianHate, 0.0)).collect())
//!     }
//! }
//!
//! let tagger = Tagger::builder().model(Calm).build().unwrap();
//! // one medium-ambiguity term: the rules are unsure, so the model is asked
//! let report = tagger.tag("the nawasib are back");
//! let model = report.verdict.model.as_ref().unwrap();
//! assert_eq!(model.name, "calm");
//! assert!(report.verdict.scores.sectarian_hate < model.rules.sectarian_hate);
//! assert!(tagger.tag("a quiet day").verdict.model.is_none()); // nothing to be unsure of
//! ```

mod error;
pub mod ngram;
mod policy;
mod scores;
mod stage;
#[cfg(feature = "transformer")]
pub mod transformer;

pub use error::ModelError;
pub use ngram::NgramModel;
pub use policy::CascadePolicy;
pub use scores::{LabelScores, TextModel};
pub(crate) use stage::ModelStage;

#[cfg(test)]
mod tests;
