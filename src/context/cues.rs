//! Context cues: the phrases of `models/context/cues.toml`, compiled into one automaton, and
//! found in folded text.
//!
//! # How it works
//! The file holds, per [`CueKind`] and language, a list of phrases. Each phrase is folded with
//! the same [`Normalizer`] as the text, so that a cue is found whatever evasion the text used,
//! and identical folded phrases are merged into one pattern that remembers every
//! ([`CueKind`], wildcard) it stands for and, per kind, the languages whose lists hold it (a
//! bit per [`Lang::ALL`] index). The [`Tagger`](crate::Tagger) compiles the patterns into the
//! lexicon's Aho-Corasick automaton, so that one scan of a document finds lexicon variants and
//! cues alike.
//!
//! That scan reports every occurrence, overlapping ones included; this stage keeps those that
//! 1. belong to a language the document reads ([`cue_langs`]: a document marked as Persian by
//!    its letters reads only Persian cues), and
//! 2. respect word boundaries ([`cue_span`]): the occurrence starts a word, or follows an
//!    Arabic clitic such as `و` or `بال`; it ends a word, or precedes an Arabic pronoun
//!    clitic or a Persian suffix (`ی`, `ها`), or continues freely when the phrase ends in `*`
//!    (`condemn*`). A language's clitics attach to the phrases of its own list only (when the
//!    document reads that language's cues): Arabic clitics to Arabic cues, Persian suffixes to
//!    Persian cues, none to the others. Otherwise words of one language would be found inside
//!    words of another: Urdu `سور` ("pig") in Arabic `السوري` ("the Syrian"), Urdu `خارجی`
//!    ("Kharijite") in Arabic `الخارجية` ("foreign affairs"), Persian `طبق` ("according to")
//!    in Arabic `الطبقة` ("the class").
//!
//! Of overlapping cues of one kind the longest wins (`بحسب` over the `حسب` inside it).
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use toml::{Table, Value};

use super::hits::CueKind;
use crate::lexicon::{Lang, LexiconError};
use crate::normalize::Normalizer;
use crate::script::{is_alnum, is_alpha, Script};

const CUES_TOML: &str = include_str!("../../models/context/cues.toml");

/// One cue phrase, compiled.
#[derive(Clone, Debug)]
struct Phrase {
    kind: CueKind,
    /// The last word may continue (`condemn*`).
    wildcard: bool,
    arabic: bool,
    /// Languages whose lists hold the phrase (bit per `Lang::ALL` index).
    langs: u16,
}

fn lang_bit(l: Lang) -> u16 {
    1 << Lang::ALL.iter().position(|x| *x == l).unwrap_or(0)
}

/// Cue languages that apply to a document whose language was guessed as `doc`.
///
/// Languages of one script share many words with other meanings (Persian کرد "did" is Urdu
/// "Kurd", Persian کره "Korea" is Arabic "hatred"), so a document marked as one language by its
/// letters reads only that language's cues. Unmarked text (`ar`, `ru`, `en`: no letter that only
/// some languages of the script use) reads every language of its script; marked Cyrillic and
/// Latin text also reads Russian or English, which such text often quotes.
pub(crate) fn cue_langs(doc: &str) -> u16 {
    use Lang::*;
    let set = |ls: &[Lang]| ls.iter().fold(0u16, |m, l| m | lang_bit(*l));
    match doc {
        "ar" => set(&[Ar, Fa, Ps, Ur]),
        "fa" => set(&[Fa]),
        "ps" => set(&[Ps]),
        "ur" => set(&[Ur]),
        // the `uz` lists hold Uzbek in both scripts
        "ru" => set(&[Ru, Tg, UzCyrl, Uz, Ky]),
        "tg" => set(&[Tg, UzCyrl, Uz, Ru]),
        "ky" => set(&[Ky, Ru]),
        "uz-Cyrl" => set(&[UzCyrl, Uz, Tg, Ru]),
        "en" => set(&[En, Ur, Uz, Tr]),
        "tr" => set(&[Tr, En]),
        "uz" => set(&[Uz, UzCyrl, En]),
        _ => u16::MAX,
    }
}

/// Context cues, compiled for matching. Cheap to clone.
///
/// ```
/// use tahrid::context::Cues;
/// let cues = Cues::embedded();
/// assert!(cues.len() > 500);
/// ```
#[derive(Clone, Debug)]
pub struct Cues {
    inner: Arc<CuesInner>,
}

#[derive(Debug)]
struct CuesInner {
    patterns: Vec<String>,
    phrases: Vec<Vec<Phrase>>,
}

/// Arabic clitics that may precede a cue of the Arabic list in the same word.
const AR_PREFIXES: &[&str] = &[
    "و", "ف", "ب", "ل", "ك", "ال", "وال", "فال", "بال", "كال", "لل", "ولل", "فلل", "وب", "ول",
    "فل", "فب",
];
/// Arabic pronoun clitics that may follow a cue of the Arabic list in the same word.
const AR_SUFFIXES: &[&str] = &["ه", "ها", "هم", "هن", "كم", "نا", "ي"];
/// Persian suffixes that may follow a cue of the Persian list in the same word, folded (ی is
/// ي, and a ZWNJ before them is gone): the ezafe or indefinite ی, the plural ها with and
/// without them, and ای. Persian has no clitic prefixes to allow: the conjunction و and the
/// preposition به are written apart.
const FA_SUFFIXES: &[&str] = &["ي", "ها", "هاي", "هايي", "اي"];

impl Cues {
    /// The cues embedded in the crate (`models/context/cues.toml`), compiled once.
    pub fn embedded() -> Cues {
        static CUES: OnceLock<Cues> = OnceLock::new();
        CUES.get_or_init(|| {
            Cues::from_toml_str("cues.toml", CUES_TOML, &Normalizer::default())
                .expect("the embedded cues are valid (checked by tests)")
        })
        .clone()
    }

    /// Parses and compiles a cue file in the format of `models/context/cues.toml`.
    ///
    /// ```
    /// use tahrid::context::Cues;
    /// use tahrid::normalize::Normalizer;
    /// let err = Cues::from_toml_str("c.toml", "[shouting]\nen = [\"x\"]", &Normalizer::default()).unwrap_err();
    /// assert!(err.to_string().starts_with("c.toml: entry `shouting`: field `shouting`: unknown cue kind"));
    /// ```
    pub fn from_toml_str(
        name: &str,
        text: &str,
        normalizer: &Normalizer,
    ) -> Result<Cues, LexiconError> {
        let table: Table = toml::from_str(text).map_err(|e| LexiconError::Parse {
            file: name.to_string(),
            message: e.to_string().trim_end().replace('\n', " "),
        })?;
        let err = |entry: &str, field: String, message: String| LexiconError::Invalid {
            file: name.to_string(),
            entry: entry.to_string(),
            field,
            message,
        };
        let mut index: BTreeMap<String, usize> = BTreeMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut phrases: Vec<Vec<Phrase>> = Vec::new();
        for (kind_name, langs) in &table {
            let kind = CueKind::ALL
                .into_iter()
                .find(|k| k.as_str() == kind_name)
                .ok_or_else(|| {
                    err(
                        kind_name,
                        kind_name.clone(),
                        "unknown cue kind (expected one of attribution, reporting, outsider, definition, condemnation, negation, honorific, violence, group, insult, takfir, hate_verb, first_person)".into(),
                    )
                })?;
            let Value::Table(langs) = langs else {
                return Err(err(
                    kind_name,
                    kind_name.clone(),
                    "expected a table of languages".into(),
                ));
            };
            for (code, list) in langs {
                let field = format!("{kind_name}.{code}");
                if Lang::parse(code).is_none() {
                    return Err(err(kind_name, field, format!("unknown language `{code}`")));
                }
                let Value::Array(items) = list else {
                    return Err(err(kind_name, field, "expected an array of strings".into()));
                };
                for (i, item) in items.iter().enumerate() {
                    let Value::String(raw) = item else {
                        return Err(err(
                            kind_name,
                            format!("{field}[{i}]"),
                            "expected a string".into(),
                        ));
                    };
                    let wildcard = raw.ends_with('*');
                    let folded = normalizer.fold_str(raw.trim_end_matches('*').trim());
                    if !folded.chars().any(is_alnum) {
                        return Err(err(
                            kind_name,
                            format!("{field}[{i}]"),
                            format!("`{raw}` folds to nothing matchable"),
                        ));
                    }
                    let arabic = folded.chars().find(|c| is_alpha(*c)).map(Script::of)
                        == Some(Script::Arabic);
                    let pi = *index.entry(folded.clone()).or_insert_with(|| {
                        patterns.push(folded);
                        phrases.push(Vec::new());
                        patterns.len() - 1
                    });
                    let bit = Lang::parse(code).map_or(0, lang_bit);
                    if let Some(p) = phrases[pi]
                        .iter_mut()
                        .find(|p| p.kind == kind && p.wildcard == wildcard)
                    {
                        p.langs |= bit;
                        continue;
                    }
                    let phrase = Phrase {
                        kind,
                        wildcard,
                        arabic,
                        langs: bit,
                    };
                    {
                        phrases[pi].push(phrase);
                    }
                }
            }
        }
        Ok(Cues {
            inner: Arc::new(CuesInner { patterns, phrases }),
        })
    }

    /// Number of distinct folded cue phrases.
    pub fn len(&self) -> usize {
        self.inner.phrases.len()
    }

    /// Whether there are no cues.
    pub fn is_empty(&self) -> bool {
        self.inner.phrases.is_empty()
    }

    /// Every cue occurrence in a folded text, with its folded span (whole words): a scan of
    /// its own, for tests (the tagger finds cues in the matcher's scan, see `find_in`).
    #[cfg(test)]
    pub(crate) fn find(&self, t: &str, langs: u16) -> Vec<(CueKind, Range<usize>)> {
        let ac = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::Standard)
            .build(self.patterns())
            .expect("the cue patterns compile");
        let occurrences = ac
            .find_overlapping_iter(t)
            .map(|m| (m.pattern().as_u32(), m.start()..m.end()));
        self.select(t, occurrences, langs)
    }

    /// The folded cue phrases, indexed as [`find_in`](Self::find_in) expects: an automaton
    /// built over them (with other patterns) can find the cues in the same scan.
    pub(crate) fn patterns(&self) -> &[String] {
        &self.inner.patterns
    }

    /// [`find`](Self::find) on occurrences found by another scan of `t`: (index into
    /// [`patterns`](Self::patterns), folded span of the occurrence), in any order.
    pub(crate) fn find_in(
        &self,
        t: &str,
        occurrences: &[(u32, Range<usize>)],
        langs: u16,
    ) -> Vec<(CueKind, Range<usize>)> {
        self.select(t, occurrences.iter().map(|(p, r)| (*p, r.clone())), langs)
    }

    /// The cues of a language set among pattern occurrences, at word boundaries; of
    /// overlapping ones of a kind, the longest.
    fn select(
        &self,
        t: &str,
        occurrences: impl Iterator<Item = (u32, Range<usize>)>,
        langs: u16,
    ) -> Vec<(CueKind, Range<usize>)> {
        let mut out = Vec::new();
        for (pattern, r) in occurrences {
            let Some(phrases) = self.inner.phrases.get(pattern as usize) else {
                continue;
            };
            for p in phrases {
                if p.langs & langs == 0 {
                    continue;
                }
                // each language's clitics on the phrases of its own list: Persian طبق
                // ("according to") is not in Arabic الطبقة ("the class")
                let here = p.langs & langs;
                // first-person pronouns stand as whole words: انا inside الانا ("the ego"),
                // كانا ("they both were") or فاني ("mortal") is none (their list spells out
                // the clitic forms people write, وانا, لاني)
                let arabic = p.arabic && p.kind != CueKind::FirstPerson;
                let clitics = Clitics {
                    arabic: arabic && here & lang_bit(Lang::Ar) != 0,
                    persian: arabic && here & lang_bit(Lang::Fa) != 0,
                };
                if let Some(span) = cue_span(t, r.start, r.end, p.wildcard, clitics) {
                    out.push((p.kind, span));
                }
            }
        }
        // of overlapping cues of one kind keep the longest (`بحسب` over the `حسب` inside it)
        out.sort_by_key(|(k, s)| (*k, s.start, std::cmp::Reverse(s.end)));
        let mut kept: Vec<(CueKind, Range<usize>)> = Vec::with_capacity(out.len());
        for (k, s) in out {
            if let Some((lk, ls)) = kept.last() {
                if *lk == k && s.start < ls.end {
                    continue;
                }
            }
            kept.push((k, s));
        }
        kept.sort_by_key(|(k, s)| (s.start, s.end, *k));
        kept
    }
}

/// Which languages' clitics a cue occurrence may carry.
#[derive(Clone, Copy)]
struct Clitics {
    arabic: bool,
    persian: bool,
}

impl Clitics {
    fn prefix(self, p: &str) -> bool {
        self.arabic && AR_PREFIXES.contains(&p)
    }

    fn suffix(self, s: &str) -> bool {
        (self.arabic && AR_SUFFIXES.contains(&s)) || (self.persian && FA_SUFFIXES.contains(&s))
    }
}

/// The word span of a cue occurrence if it respects word boundaries.
fn cue_span(t: &str, s: usize, e: usize, wildcard: bool, clitics: Clitics) -> Option<Range<usize>> {
    let first = t[s..e]
        .chars()
        .find(|c| is_alpha(*c))
        .map_or(Script::Other, Script::of);
    let last = t[s..e]
        .chars()
        .rev()
        .find(|c| is_alpha(*c))
        .map_or(Script::Other, Script::of);
    let same = |c: char, sc: Script| is_alpha(c) && Script::of(c) == sc;
    // start: word start, or an Arabic clitic prefix
    let mut ws = s;
    for (i, c) in t[..s].char_indices().rev() {
        if !same(c, first) {
            break;
        }
        ws = i;
        if s - ws > 8 {
            return None;
        }
    }
    if ws < s && !clitics.prefix(&t[ws..s]) {
        return None;
    }
    let mut we = e;
    for (i, c) in t[e..].char_indices() {
        if !same(c, last) {
            break;
        }
        we = e + i + c.len_utf8();
        if !wildcard && we - e > 8 {
            return None;
        }
    }
    if we > e && !wildcard && !clitics.suffix(&t[e..we]) {
        return None;
    }
    Some(ws..we)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fold(s: &str) -> String {
        Normalizer::default().fold_str(s)
    }

    fn kinds(s: &str) -> Vec<CueKind> {
        Cues::embedded()
            .find(&fold(s), u16::MAX)
            .into_iter()
            .map(|(k, _)| k)
            .collect()
    }

    #[test]
    fn cues_respect_word_boundaries_and_arabic_clitics() {
        assert_eq!(kinds("they condemned it"), [CueKind::Condemnation]);
        assert!(kinds("the condemnation-free zone").contains(&CueKind::Condemnation));
        assert!(kinds("unsaid").is_empty());
        assert_eq!(kinds("وبحسب"), [CueKind::Attribution]); // not also the حسب inside it
        assert!(kinds("فاقتلوهم").contains(&CueKind::Violence));
    }

    #[test]
    fn arabic_clitics_attach_to_arabic_cues_only() {
        let at = |s: &str, langs: u16| -> Vec<CueKind> {
            Cues::embedded()
                .find(&fold(s), langs)
                .into_iter()
                .map(|(k, _)| k)
                .collect()
        };
        let ar = cue_langs("ar");
        // Persian طبق ("according to") on its own, and not inside Arabic الطبقة ("the class")
        assert!(at("طبق گزارش", cue_langs("fa")).contains(&CueKind::Attribution));
        assert!(!at("الطبقة", ar).contains(&CueKind::Attribution));
        assert!(!at("والطبقة الوسطى", ar).contains(&CueKind::Attribution));
        // Urdu سور ("pig") is not in Arabic السوري ("the Syrian"), nor Urdu خارجی
        // ("Kharijite") in Arabic الخارجية ("foreign affairs")
        assert!(!at("الرئيس السوري", ar).contains(&CueKind::Insult));
        assert!(!at("وزارة الخارجية", ar).contains(&CueKind::Outsider));
        // an Arabic cue keeps its clitics
        assert_eq!(at("وبحسب", ar), [CueKind::Attribution]);
        assert_eq!(at("وقالت", ar), [CueKind::Attribution]);
        // a Persian cue takes Persian suffixes (plural, ezafe), and not Arabic ones
        let fa = cue_langs("fa");
        assert!(at("سگ‌های", fa).contains(&CueKind::Insult));
        assert!(at("گزارشی", fa).contains(&CueKind::Reporting));
        assert!(!at("طبقه", fa).contains(&CueKind::Attribution)); // "floor", not طبق + ه
    }
}
