//! Script classes of letters, as tahrid needs them: for homoglyph folding (which script
//! dominates a word), for word boundaries (a change of script inside a run of letters is a
//! boundary: `وrafidah` is the Arabic conjunction and a Latin word), and for a coarse guess at a
//! document's language.
//!
//! `classes` holds the per-char tables; `lang` the guess.

mod classes;
mod lang;
#[cfg(test)]
mod tests;

pub use classes::Script;
pub(crate) use classes::{is_alnum, is_alpha, two_byte_cp, SCRIPTS};
pub use lang::guess_lang;
pub(crate) use lang::{is_address, lang_class, reads_arabic, regular_class, LangCounts, Letters};
