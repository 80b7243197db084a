//! Zero-shot classification with an NLI model.
//!
//! A model trained to tell whether a premise entails a hypothesis can score labels it was never
//! trained on: each tahrid label gets a hypothesis sentence ("This text calls for violence
//! against people."), and the text is the premise. Every text is paired with every hypothesis,
//! all pairs go through the classifier in one batch, and each text's entailment logits (one
//! per hypothesis) are softmaxed into a distribution over the labels that have a hypothesis.
//! Comparing entailment across hypotheses, rather than reading each pair's own
//! entailment probability, is what makes the scores of different labels comparable.
use super::net::{softmax, Input, Transformer};
use crate::model::error::ModelError;
use crate::model::scores::LabelScores;

impl Transformer {
    pub(super) fn score_zero_shot(&self, texts: &[&str]) -> Result<Vec<LabelScores>, ModelError> {
        let mut pairs: Vec<Input> = Vec::with_capacity(texts.len() * self.hypotheses.len());
        for &t in texts {
            for (_, h) in &self.hypotheses {
                pairs.push(Input::Pair(t, h));
            }
        }
        let rows = self.classify(&pairs)?;
        let h = self.hypotheses.len();
        Ok(rows
            .chunks(h)
            .map(|chunk| {
                let entail: Vec<f32> = chunk
                    .iter()
                    .map(|r| r.get(self.entailment).copied().unwrap_or(f32::NEG_INFINITY))
                    .collect();
                let mut out = LabelScores::new();
                for ((l, _), p) in self.hypotheses.iter().zip(softmax(&entail, 1.0)) {
                    out.set(*l, p);
                }
                out.distribution()
            })
            .collect())
    }
}
