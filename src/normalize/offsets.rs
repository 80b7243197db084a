//! The alignment between folded text and the original text.
//!
//! Folding changes lengths: a Cyrillic `а` (2 bytes) becomes a Latin `a` (1 byte) inside a Latin
//! word, harakat disappear, `ﻻ` becomes `لا`, and `raaaafidah` becomes `rafidah`. A match found
//! in the folded text must still be reported on the bytes the user sent.
//!
//! Like the alignments of Hugging Face `tokenizers`' `NormalizedString`, every piece of folded
//! text knows the original bytes it came from; unlike them, the map does not store a pair per
//! byte. It stores **runs**: a run is either an *identity* run, where folded and original bytes
//! correspond one to one (each folded char has the same byte length as the original char it
//! came from, and the original chars are contiguous), or a single *unit*, where some folded bytes
//! came from an original byte range of another length. Plain ASCII text, lowercased Cyrillic and
//! most Arabic letter unification are identity runs, so a typical document needs a handful of runs.
//!
//! Original characters that produce no folded text (zero-width characters, tatweel, separators
//! between spaced letters) belong to no run: they sit in the gaps between runs, and a span that
//! covers a gap includes them, a span that ends before one does not.

/// One run of the map; see the module docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Run {
    /// Start of the run in the folded text.
    folded: usize,
    /// Start of the run in the original text.
    original: usize,
    /// End of the run in the original text.
    original_end: usize,
    /// Whether folded and original bytes correspond one to one inside the run.
    identity: bool,
}

/// A state of an [`OffsetMap`] to roll back to.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Checkpoint {
    runs: usize,
    last: Option<Run>,
    folded_len: usize,
}

/// Maps byte offsets in a folded text back to byte offsets in its original text.
///
/// Obtained from [`Folded::offsets`](crate::normalize::Folded::offsets). Every offset it returns
/// lies on a `char` boundary of the original text.
///
/// ```
/// use tahrid::normalize::Normalizer;
///
/// let original = "Kill the RАFIDAH";   // the `А` is Cyrillic
/// let folded = Normalizer::default().fold(original);
/// assert_eq!(folded.as_str(), "kill the rafidah");
/// let at = folded.as_str().find("rafidah").unwrap();
/// let range = folded.offsets().original_range(at..at + "rafidah".len());
/// assert_eq!(&original[range], "RАFIDAH");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OffsetMap {
    runs: Vec<Run>,
    folded_len: usize,
}

impl OffsetMap {
    pub(crate) fn clear(&mut self) {
        self.runs.clear();
        self.folded_len = 0;
    }

    /// Records that `folded_len` folded bytes starting at `folded` came from
    /// `original..original_end`. `identity` says that the unit is one char folded to one char
    /// of the same byte length.
    pub(crate) fn push(
        &mut self,
        folded: usize,
        folded_len: usize,
        original: usize,
        original_end: usize,
        identity: bool,
    ) {
        debug_assert!(folded_len > 0);
        debug_assert_eq!(folded, self.folded_len);
        self.folded_len = folded + folded_len;
        if identity {
            if let Some(last) = self.runs.last_mut() {
                if last.identity
                    && last.original_end == original
                    && last.folded + (last.original_end - last.original) == folded
                {
                    last.original_end = original_end;
                    return;
                }
            }
        }
        self.runs.push(Run {
            folded,
            original,
            original_end,
            identity,
        });
    }

    /// The state to return to with [`rollback`](Self::rollback).
    pub(crate) fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            runs: self.runs.len(),
            last: self.runs.last().copied(),
            folded_len: self.folded_len,
        }
    }

    /// Undoes every push since `at` was taken (including the extension of the run that was
    /// last then).
    pub(crate) fn rollback(&mut self, at: Checkpoint) {
        self.runs.truncate(at.runs);
        if let (Some(run), Some(last)) = (self.runs.last_mut(), at.last) {
            *run = last;
        }
        self.folded_len = at.folded_len;
    }

    /// Number of runs: a measure of how far the folded text strays from the original.
    pub fn runs(&self) -> usize {
        self.runs.len()
    }

    /// Length of the folded text this map describes.
    pub fn folded_len(&self) -> usize {
        self.folded_len
    }

    fn run_at(&self, folded: usize) -> Option<&Run> {
        let idx = self.runs.partition_point(|r| r.folded <= folded);
        idx.checked_sub(1).map(|i| &self.runs[i])
    }

    /// The original offset where the folded char starting at `folded` begins.
    ///
    /// `folded` must be below [`folded_len`](Self::folded_len); larger values are clamped to
    /// the end of the last run.
    pub fn original_start(&self, folded: usize) -> usize {
        match self.run_at(folded) {
            Some(r) if r.identity => (r.original + (folded - r.folded)).min(r.original_end),
            Some(r) => r.original,
            None => 0,
        }
    }

    /// The original offset where the folded text ending (exclusively) at `folded` ends.
    pub fn original_end(&self, folded: usize) -> usize {
        if folded == 0 {
            return self.runs.first().map_or(0, |r| r.original);
        }
        match self.run_at(folded - 1) {
            Some(r) if r.identity => (r.original + (folded - r.folded)).min(r.original_end),
            Some(r) => r.original_end,
            None => 0,
        }
    }

    /// Maps a folded byte range to the original byte range it came from.
    ///
    /// For an empty range the result is empty too. The start of the result is the start of the
    /// original char behind the first folded char; the end is the end of the original text
    /// behind the last folded char, including combining marks and collapsed repeats folded
    /// into it.
    pub fn original_range(&self, folded: std::ops::Range<usize>) -> std::ops::Range<usize> {
        if folded.start >= folded.end {
            let at = self.original_start(folded.start);
            return at..at;
        }
        let start = self.original_start(folded.start);
        let end = self.original_end(folded.end).max(start);
        start..end
    }

    /// Checks the map's invariants: runs ordered and non-overlapping in both texts. Used by the
    /// property tests and the fuzz targets; cheap enough to call on every document in tests.
    pub fn is_monotonic(&self) -> bool {
        self.runs.windows(2).all(|w| {
            w[0].folded < w[1].folded
                && w[0].original < w[0].original_end
                && w[0].original_end <= w[1].original
        }) && self
            .runs
            .last()
            .map_or(true, |r| r.original < r.original_end)
    }
}
