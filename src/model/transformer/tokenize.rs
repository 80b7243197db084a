//! Tokenizing and padding a batch, and cutting long texts in the middle.
//!
//! Each input is encoded on its own with the model's tokenizer (special tokens added), then the
//! batch is padded by hand to its longest encoding: ids with the model's pad id, attention mask
//! and token types with 0. The mask is what keeps a text's scores independent of its batch.
//!
//! A single text longer than the token limit keeps its middle: the cascade has already
//! centred its window on what the rules found, so cutting the end (the tokenizer's default)
//! would throw the focus away. The untruncated tokenizer gives every token's character offsets;
//! the middle `max_length − special tokens` tokens are chosen, their span of the text is cut
//! out, and that slice is encoded again normally. A text–hypothesis pair (zero-shot) is left to
//! the tokenizer's truncation, which shortens the text and keeps the hypothesis whole.
use std::borrow::Cow;

use tch::Tensor;

use super::net::{Input, Transformer};
use crate::model::error::ModelError;

impl Transformer {
    /// Tokenizes and pads a batch: ids, attention mask, token type ids (`[batch, longest]`).
    ///
    /// A single text longer than the token limit keeps its middle tokens (the cascade centres
    /// its window on the hit); a pair (zero-shot) is cut from the end of the text, keeping the
    /// hypothesis whole.
    pub(super) fn encode(&self, inputs: &[Input]) -> Result<(Tensor, Tensor, Tensor), ModelError> {
        let tok_err = |e: tokenizers::Error| ModelError::Inference(format!("tokenizer: {e}"));
        let encodings = inputs
            .iter()
            .map(|input| match *input {
                Input::Text(text) => {
                    let enc = self.tokenizer.encode(self.prefixed(text), true);
                    let enc = enc.map_err(tok_err)?;
                    if enc.get_overflowing().is_empty() {
                        Ok(enc)
                    } else {
                        self.encode_middle(text)
                    }
                }
                Input::Pair(text, hypothesis) => self
                    .tokenizer
                    .encode((self.prefixed(text), hypothesis), true)
                    .map_err(tok_err),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let longest = encodings.iter().map(|e| e.len()).max().unwrap_or(0).max(1);
        let n = encodings.len();
        let mut ids = vec![self.pad_id; n * longest];
        let mut mask = vec![0i64; n * longest];
        let mut types = vec![0i64; n * longest];
        for (row, e) in encodings.iter().enumerate() {
            let base = row * longest;
            for (j, ((&id, &m), &t)) in e
                .get_ids()
                .iter()
                .zip(e.get_attention_mask())
                .zip(e.get_type_ids())
                .enumerate()
            {
                ids[base + j] = id as i64;
                mask[base + j] = m as i64;
                types[base + j] = t as i64;
            }
        }
        let shape = [n as i64, longest as i64];
        Ok((
            Tensor::from_slice(&ids).view(shape),
            Tensor::from_slice(&mask).view(shape),
            Tensor::from_slice(&types).view(shape),
        ))
    }

    /// The text with the model's prefix (e5's `query: `) in front, if it has one.
    fn prefixed<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if self.prefix.is_empty() {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(format!("{}{text}", self.prefix))
        }
    }

    /// Encodes the middle `max_length` tokens of a text that is longer than that (the prefix,
    /// if any, stays in front and counts against the limit).
    fn encode_middle(&self, text: &str) -> Result<tokenizers::Encoding, ModelError> {
        let tok_err = |e: tokenizers::Error| ModelError::Inference(format!("tokenizer: {e}"));
        let full = self.untruncated.encode(text, false).map_err(tok_err)?;
        let offsets = full.get_offsets();
        let prefix_tokens = match self.prefix.is_empty() {
            true => 0,
            false => self
                .untruncated
                .encode(self.prefix.as_str(), false)
                .map_err(tok_err)?
                .len(),
        };
        let budget = self
            .max_length
            .saturating_sub(self.special_tokens + prefix_tokens)
            .max(1);
        let total = offsets.len();
        let start = total.saturating_sub(budget) / 2;
        let end = (start + budget).min(total);
        let span = match (
            offsets.get(start),
            end.checked_sub(1).and_then(|e| offsets.get(e)),
        ) {
            (Some(a), Some(b)) => a.0..b.1,
            _ => 0..text.len(),
        };
        let part = text.get(span).unwrap_or(text);
        self.tokenizer
            .encode(self.prefixed(part), true)
            .map_err(tok_err)
    }
}
