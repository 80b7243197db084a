//! Stage 3: find lexicon variants in folded text.
//!
//! This stage has no public items: [`Tagger`](crate::Tagger) builds and runs it. This page
//! explains how matching works, which is what decides every span in a report.
//!
//! ```
//! use tahrid::Tagger;
//! let text = "#باقية_وتتمدد والروافض الرافضة للاتفاق";
//! let report = Tagger::default().tag(text);
//! let found: Vec<(&str, &str)> =
//!     report.hits.iter().map(|h| (h.entry.as_str(), h.text.as_str())).collect();
//! // a hashtag slogan, and a slur with its clitics; "rejecting the agreement" is excluded
//! assert_eq!(found, [("baqiya_wa_tatamaddad", "باقية_وتتمدد"), ("rafidah", "والروافض")]);
//! ```
//!
//! The matcher takes the text as [`normalize`](crate::normalize) folded it and reports every
//! lexicon entry it contains, as raw hits in folded bytes: the entry, the language and variant
//! that matched, the variant's own occurrence, and the whole word(s) around it. The tagger maps
//! the spans back to the original text. The matcher knows one lexicon: it is compiled once
//! (when the tagger is built) and searched many times.
//!
//! # Algorithm
//! 1. **Compile** (`build.rs`). Every variant of every entry is folded with the same
//!    [`Normalizer`](crate::normalize::Normalizer) as the text. Extra forms are added where
//!    they apply: the variant with doubled letters undoubled (`kill` → `kil`, because folding
//!    collapses `killll` to `kil`; only for variants of five letters or more), the variant
//!    without apostrophes (`tog'ut` → `togut`), and phrases run together or joined by
//!    underscores as hashtags write them (`#باقية_وتتمدد`, `#killtherafidah`). Identical folded
//!    forms are merged into one pattern that remembers every (entry, language) owning it, and
//!    one Aho-Corasick automaton is built over all of them and the context cues' phrases (the
//!    [`Tagger`](crate::Tagger) passes them in, so that one scan serves both stages).
//! 2. **Scan** (`find.rs`). The automaton reports every occurrence, overlapping ones included,
//!    in one pass over the text, whatever the number of patterns; occurrences of cue phrases
//!    are handed to the context stage as they are. It reads one symbol per char, not one
//!    byte (`alphabet.rs`): ASCII is its own symbol and the patterns' other chars are
//!    numbered, so an Arabic or Cyrillic letter is one step instead of two, and the embedded
//!    data's DFA takes a third less memory (21 MB instead of 30).
//! 3. **Word boundaries** (`boundaries.rs`). An occurrence counts only if the letters around
//!    it inside the same word form an allowed prefix and suffix of the entry's morphology class
//!    for that language (`وال` + `رافض` + `ه`). A word is a run of letters of one script: a
//!    change of script is a boundary (`وrafidah`), digits and punctuation are boundaries, an
//!    apostrophe between letters is not. Affix scans are bounded by the longest affix, so a
//!    10 MB "word" costs no more than a short one. Inside a hashtag (`#killtherafidah`),
//!    variants of four letters or more match anywhere.
//! 4. **Context rules** (`rules.rs`). An entry's excludes look at the word before and after
//!    the match (`الرافضة للاتفاق` is "rejecting the agreement"); its requires look for a
//!    supporting word within a few words (`al-Naba` counts next to "weekly" or صحيفة).
//! 5. **Resolve** (`find.rs`). Where a pattern belongs to one entry in several languages, the
//!    document's language wins if its morphology accepts the word. A hit spans the whole word
//!    (prefixes and suffixes included). Of the hits of one entry, those inside a longer hit of
//!    the same entry are dropped; hits of different entries may nest (a slur inside an
//!    incitement phrase gives both).
mod alphabet;
mod boundaries;
mod build;
mod find;
mod rules;

pub(crate) use build::{AutomatonError, Matcher};
