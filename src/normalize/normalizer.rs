//! The [`Normalizer`] itself, how it is built, and what its passes agree a word is.
//!
//! A normalizer is a handle on shared folding tables ([`Tables`]): the default one is built once
//! from the data files embedded in the crate, [`Normalizer::from_tables`] builds one from other
//! files. The folding itself is split by pass into sibling files (`fold.rs`, `stretch.rs`,
//! `fast.rs`, `spaced.rs`, `word.rs`), each adding methods to [`Normalizer`]; what they must
//! agree on lives here: which characters belong to a word ([`Normalizer::is_word_char`], inner
//! apostrophes), the longest piece of a word folded at once, and how a char is read at a byte
//! offset.

use std::sync::{Arc, OnceLock};

use super::error::DataError;
use super::tables::{Fold, Tables};
use crate::script::is_alnum;

pub(super) const LETTERS_TSV: &str = include_str!("../../models/normalize/letters.tsv");
pub(super) const CONFUSABLES_TSV: &str = include_str!("../../models/normalize/confusables.tsv");
pub(super) const LEET_TSV: &str = include_str!("../../models/normalize/leet.tsv");

/// Folds text for matching; see the [module docs](crate::normalize) for the rules.
///
/// Cheap to clone (the tables are shared) and `Send + Sync`.
///
/// ```
/// use tahrid::normalize::Normalizer;
///
/// let n = Normalizer::default();
/// assert_eq!(n.fold("الرَّافِضَةُ").as_str(), "الرافضه");
/// assert_eq!(n.fold("R a f i d a h").as_str(), "rafidah");
/// assert_eq!(n.fold("r4f1d4h in 2024").as_str(), "rafidah in 2024");
/// ```
#[derive(Clone, Debug)]
pub struct Normalizer {
    pub(super) tables: Arc<Tables>,
}

impl Default for Normalizer {
    /// The normalizer built from the tables embedded in the crate.
    fn default() -> Self {
        static EMBEDDED: OnceLock<Arc<Tables>> = OnceLock::new();
        let tables = EMBEDDED.get_or_init(|| {
            Arc::new(
                Tables::from_data(LETTERS_TSV, CONFUSABLES_TSV, LEET_TSV)
                    .expect("embedded normalization tables are valid (checked by tests)"),
            )
        });
        Normalizer {
            tables: Arc::clone(tables),
        }
    }
}

/// Apostrophe-like characters that belong to a word when letters surround them.
pub(super) fn is_inner_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '`' | '‘' | '’' | 'ʹ' | '′')
}

/// Longest piece of a word folded at once by the word pass (see `word_end`).
pub(super) const MAX_WORD_BYTES: usize = 4096;

impl Normalizer {
    /// Builds a normalizer from the contents of the three data files (`letters.tsv`,
    /// `confusables.tsv`, `leet.tsv`, in the format of those in `models/normalize/`), for users
    /// who need other folding tables.
    ///
    /// ```
    /// use tahrid::normalize::Normalizer;
    /// // No letter unification, no homoglyphs, and only `4` as leetspeak.
    /// let n = Normalizer::from_tables("", "", "4\ta\t-\n").unwrap();
    /// assert_eq!(n.fold("Rаf1d4h").as_str(), "rаf1dah");
    /// assert!(Normalizer::from_tables("xy\tz\n", "", "").is_err());
    /// ```
    pub fn from_tables(letters: &str, confusables: &str, leet: &str) -> Result<Self, DataError> {
        Ok(Normalizer {
            tables: Arc::new(Tables::from_data(letters, confusables, leet)?),
        })
    }

    pub(super) fn is_word_char(&self, c: char) -> bool {
        is_alnum(c)
            || self.tables.is_leet(c)
            || matches!(&*self.tables.fold(c), Fold::Mark | Fold::Ignore)
    }
}

/// The char starting at byte `i` (which must be a char boundary).
#[inline]
pub(super) fn char_at(text: &str, i: usize) -> char {
    text[i..].chars().next().unwrap_or('\u{FFFD}')
}
