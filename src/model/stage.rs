//! Running the cascade over a batch of rules reports.
//!
//! [`ModelStage::run`] is the loop that ties a [`TextModel`] to its [`CascadePolicy`]: it asks
//! the policy which reports to route and what window of each text to send, sorts the routed
//! windows by length in characters (ties in input order, so runs are reproducible), cuts them
//! into the policy's padding-bounded batches, and hands each batch to the model. A batch's
//! scores are combined into its reports in place. A model that errs, panics or returns the
//! wrong number of scores fails only its own batch: those reports keep the rules' verdict with
//! one line in `reasons` saying what went wrong, and the other batches go on.
use std::sync::Arc;

use super::error::ModelError;
use super::policy::CascadePolicy;
use super::scores::TextModel;
use crate::classify::Weights;
use crate::report::Report;

/// A model and the policy that feeds it; owned by a [`Tagger`](crate::Tagger).
#[derive(Clone)]
pub(crate) struct ModelStage {
    pub(crate) model: Arc<dyn TextModel>,
    pub(crate) policy: CascadePolicy,
}

impl std::fmt::Debug for ModelStage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelStage")
            .field("model", &self.model.name())
            .field("policy", &self.policy)
            .finish()
    }
}

impl ModelStage {
    /// Runs the cascade over rules reports, in place: routes, windows, batches by length,
    /// scores and combines. Returns the number of texts the model saw.
    pub(crate) fn run<S: AsRef<str>>(
        &self,
        texts: &[S],
        reports: &mut [Report],
        w: &Weights,
    ) -> usize {
        let policy = &self.policy;
        let routed: Vec<(usize, &str)> = reports
            .iter()
            .zip(texts)
            .enumerate()
            .filter(|(_, (r, _))| policy.routes(r, w))
            .map(|(i, (r, t))| (i, policy.window(t.as_ref(), r)))
            .collect();
        let mut routed: Vec<(usize, &str, usize)> = routed
            .into_iter()
            .map(|(i, t)| (i, t, t.chars().count()))
            .collect();
        routed.sort_by_key(|&(i, _, chars)| (chars, i));
        let lengths: Vec<usize> = routed.iter().map(|&(_, _, chars)| chars).collect();
        for range in policy.batches(&lengths) {
            let chunk = &routed[range];
            let inputs: Vec<&str> = chunk.iter().map(|&(_, t, _)| t).collect();
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.model.score_batch(&inputs)
            }))
            .unwrap_or_else(|panic| {
                let msg = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "the model panicked".into());
                Err(ModelError::Inference(msg))
            })
            .and_then(|scores| {
                if scores.len() == inputs.len() {
                    Ok(scores)
                } else {
                    Err(ModelError::Inference(format!(
                        "{} scores for {} texts",
                        scores.len(),
                        inputs.len()
                    )))
                }
            });
            match result {
                Ok(scores) => {
                    for (&(i, _, _), s) in chunk.iter().zip(&scores) {
                        policy.combine(&mut reports[i], self.model.name(), s, w);
                    }
                }
                Err(e) => {
                    let line = format!(
                        "model `{}` failed: {}; the rules' verdict stands",
                        self.model.name(),
                        e.to_string().replace('\n', " ")
                    );
                    for &(i, _, _) in chunk {
                        reports[i].verdict.reasons.push(line.clone());
                    }
                }
            }
        }
        routed.len()
    }
}
