//! The result of a fold: folded text and its [`OffsetMap`] back to the original.
//!
//! A [`Folded`] is what every pass of the normalizer appends to: each pass pushes folded text
//! and, for the same bytes, a run of the offset map naming the original bytes they came from.
//! [`Folded::validate`] checks that pairing after the fact, against the original text: the
//! invariants the matcher relies on when it reports a match on the user's bytes.

use super::offsets::OffsetMap;

/// Folded text and its alignment to the original; produced by
/// [`Normalizer::fold`](crate::normalize::Normalizer::fold).
#[derive(Clone, Debug, Default)]
pub struct Folded {
    pub(super) text: String,
    pub(super) offsets: OffsetMap,
}

impl Folded {
    /// The folded text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The map from folded offsets to original offsets.
    pub fn offsets(&self) -> &OffsetMap {
        &self.offsets
    }

    /// Shorthand for [`OffsetMap::original_range`].
    pub fn original_range(&self, folded: std::ops::Range<usize>) -> std::ops::Range<usize> {
        self.offsets.original_range(folded)
    }

    /// Checks that this folded text belongs to `original`: the map is monotonic and covers the
    /// folded text, every folded char maps to a non-empty original range on char boundaries
    /// inside `original`, and original positions never go back. tahrid's property, hostile
    /// and fuzz checks use it; a pipeline can use it to catch a fold paired with the wrong text.
    ///
    /// ```
    /// use tahrid::normalize::Normalizer;
    /// let text = "Ｋｉｌｌ the r4f1d4h";
    /// let folded = Normalizer::default().fold(text);
    /// assert!(folded.validate(text).is_ok());
    /// assert!(folded.validate("kill").is_err());
    /// ```
    pub fn validate(&self, original: &str) -> Result<(), String> {
        let map = &self.offsets;
        if !map.is_monotonic() {
            return Err("offset map not monotonic".into());
        }
        if map.folded_len() != self.text.len() {
            return Err(format!(
                "offset map covers {} folded bytes, the folded text has {}",
                map.folded_len(),
                self.text.len()
            ));
        }
        let ok = |at: usize| at <= original.len() && original.is_char_boundary(at);
        let (mut prev_start, mut prev_end) = (0, 0);
        for (i, c) in self.text.char_indices() {
            let r = map.original_range(i..i + c.len_utf8());
            if !(ok(r.start) && ok(r.end) && r.start < r.end) {
                return Err(format!(
                    "folded char {c:?} at {i} maps to {r:?} (text length {})",
                    original.len()
                ));
            }
            if r.start < prev_start || r.end < prev_end {
                return Err(format!(
                    "folded char {c:?} at {i} maps to {r:?}, before the previous char's \
                     {prev_start}..{prev_end}"
                ));
            }
            (prev_start, prev_end) = (r.start, r.end);
            // ranges between any folded char boundaries are built from these two
            if !ok(map.original_start(i)) || !ok(map.original_end(i + c.len_utf8())) {
                return Err(format!("original_start/end off a char boundary at {i}"));
            }
        }
        let whole = map.original_range(0..self.text.len());
        if !(ok(whole.start) && ok(whole.end) && whole.start <= whole.end) {
            return Err(format!("the whole folded text maps to {whole:?}"));
        }
        Ok(())
    }
}
