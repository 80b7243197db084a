//! Stage 2, the lexicon: what tahrid can find, as data.
//!
//! A lexicon is a set of TOML files of **entries** (the terms to find, with their category,
//! severity, variants per language and context rules) and **morphology classes** (the affixes
//! a variant may carry). Loading one parses and validates every file up front, so that a
//! mistake is reported once, naming its file, entry and field, and never at match time. The
//! default lexicon lives in `models/lexicon/` and is embedded in the crate
//! ([`Lexicon::embedded`]); [`Lexicon::from_path`] loads a user's directory or file,
//! [`Lexicon::from_toml_str`] one file's text, and [`Lexicon::extend`] adds one lexicon to
//! another.
//!
//! ```
//! use tahrid::lexicon::{Lang, Lexicon};
//!
//! let mine = Lexicon::from_toml_str("mine.toml", r#"
//! [[entry]]
//! id = "example_slur"
//! category = "dehumanization"
//! severity = 2
//! ambiguity = "low"
//! canonical = "zorblax"
//! variants.en = ["zorblax", "zorblaxes"]
//! morphology.en = "en_noun"
//! "#).unwrap();
//! let entry = mine.get("example_slur").unwrap();
//! assert_eq!(entry.variants[&Lang::parse("en").unwrap()], ["zorblax", "zorblaxes"]);
//!
//! // add the entry to the default lexicon
//! let mut lex = Lexicon::embedded().clone();
//! lex.extend(mine).unwrap();
//! assert!(lex.get("example_slur").is_some() && lex.get("rafidah").is_some());
//! ```
//!
//! # The format
//!
//! Each file may define entries (`[[entry]]`) and morphology classes (`[class.NAME]`):
//!
//! ```toml
//! [[entry]]
//! id = "rafidah"                      # stable, [a-z0-9_.-]
//! category = "sectarian_slur"         # see Category
//! severity = 3                        # 1 (offensive) .. 3 (most severe)
//! ambiguity = "low"                   # low | medium | high
//! canonical = "rafidah"
//! gloss = "anti-Shia slur ('rejecters')"
//! variants.en = ["rafidah", "rafidi"]
//! variants.ar = ["رافضة", "روافض"]
//! morphology.ar = "ar_noun"           # which prefixes/suffixes may attach, per language
//! examples = ["the rafidah again"]    # must be tagged with this entry
//! counter_examples = ["رافض للقرار"]  # must not be tagged with this entry
//! sources = ["where the variants were confirmed"]
//!
//! [[entry.excludes]]                  # context that cancels a match
//! langs = ["ar"]
//! next_word = ["لل*"]                 # the following word: exact, `x*` prefix, `*x` suffix
//! reason = "participle: 'rejecting the ...'"
//!
//! [[entry.requires]]                  # context a match needs before it counts
//! near = ["weekly", "newsletter", "صحيفة"]   # some word within `window` words either side
//! window = 8
//! reason = "al-Naba is also a common newspaper name"
//! ```
//!
//! A morphology class lists the affixes a variant may carry inside the same word. Affixes can
//! be listed whole (`prefixes`, `suffixes`) or composed from ordered, optional **slots**
//! (`prefix_slots = [["و", "ف"], ["ب", "ك", "ل"], ["ال"]]` allows `و`, `بال`, `وبال`, ...):
//!
//! ```toml
//! [class.ar_noun]
//! langs = ["ar"]
//! prefixes = ["لل", "ولل", "فلل"]
//! prefix_slots = [["و", "ف"], ["ب", "ك", "ل"], ["ال"]]
//! suffixes = ["ين", "يين"]
//! ```
//!
//! # How loading works
//!
//! Loading (`load.rs`) reads every file as a TOML table and sorts its top-level keys into
//! classes and raw entries. Classes are parsed first (`class.rs`): their slots are expanded into
//! every combination (at most 4,096) and each affix is folded with the [`Normalizer`], so a
//! class is a set of folded prefixes and suffixes. Classes a user's files do not define are
//! taken from the embedded lexicon. Then each entry is parsed and checked field by field
//! (`parse.rs`) against the schema (`schema.rs`) and the known classes: every variant must fold
//! to something matchable, every context pattern must be `word`, `prefix*` or `*suffix`, ids
//! must be unique. The field readers (`fields.rs`) build the errors, so every
//! [`LexiconError`] names the file, the entry and the field path (`excludes[0].reason`).
//!
//! The result is a [`Lexicon`] of [`Entry`] records, as written, and [`MorphClass`]es, folded
//! (`entry.rs`). Variants are folded with the [`Normalizer`] when the matcher is built, so they
//! are written the way people write them.
//!
//! [`Normalizer`]: crate::normalize::Normalizer

mod class;
mod entry;
mod error;
mod fields;
mod load;
mod parse;
mod schema;

pub use entry::{Entry, Exclude, MorphClass, Require};
pub use error::LexiconError;
pub use load::Lexicon;
pub use schema::{Ambiguity, Category, Lang};
