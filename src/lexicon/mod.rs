//! The lexicon: what tahrid can find, as data.
//!
//! A lexicon is a set of TOML files. Each file may define **entries** (`[[entry]]`) and
//! **morphology classes** (`[class.NAME]`). The default lexicon lives in `models/lexicon/` and
//! is embedded in the crate ([`Lexicon::embedded`]); [`Lexicon::from_path`] loads a user's
//! directory or file, and [`Lexicon::extend`] adds one lexicon to another.
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
//! Everything is validated when loaded: errors name the file, the entry and the field
//! ([`LexiconError`]). Variants and affixes are folded with the
//! [`Normalizer`] when the matcher is built, so they are written
//! the way people write them.

mod error;
mod schema;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;
use toml::{Table, Value};

pub use error::LexiconError;
pub use schema::{Ambiguity, Category, Lang};

use crate::normalize::Normalizer;

static EMBEDDED_FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_lexicon.rs"));

/// A context rule that cancels a match of its entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exclude {
    /// Languages of the matched variant this rule applies to; empty means all.
    pub langs: Vec<Lang>,
    /// Patterns for the word right after the match: `word`, `prefix*` or `*suffix`.
    pub next_word: Vec<String>,
    /// Patterns for the word right before the match.
    pub prev_word: Vec<String>,
    /// Why the rule exists (shown by tooling).
    pub reason: String,
}

/// A context rule an entry needs before a match counts: some word from `near` within
/// `window` words of the match (`al-Naba` needs "weekly", "newsletter" or صحيفة nearby).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Require {
    /// Languages of the matched variant this rule applies to; empty means all.
    pub langs: Vec<Lang>,
    /// Patterns for a nearby word: `word`, `prefix*` or `*suffix`.
    pub near: Vec<String>,
    /// How many words before and after the match are searched (default 8).
    pub window: usize,
    /// Why the rule exists (shown by tooling).
    pub reason: String,
}

/// One lexicon entry, validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Stable identifier, reported in every hit.
    pub id: String,
    /// What kind of term this is.
    pub category: Category,
    /// 1 (offensive) to 3 (most severe).
    pub severity: u8,
    /// How often the forms mean something harmless.
    pub ambiguity: Ambiguity,
    /// The entry's reference form.
    pub canonical: String,
    /// A short neutral description.
    pub gloss: Option<String>,
    /// Surface forms per language, as written in the lexicon.
    pub variants: BTreeMap<Lang, Vec<String>>,
    /// Morphology class per language (see the module docs).
    pub morphology: BTreeMap<Lang, String>,
    /// Context rules that cancel a match.
    pub excludes: Vec<Exclude>,
    /// Context rules a match needs before it counts (all applicable rules must hold).
    pub requires: Vec<Require>,
    /// Texts that must be tagged with this entry.
    pub examples: Vec<String>,
    /// Texts that must not be tagged with this entry.
    pub counter_examples: Vec<String>,
    /// Where the variants were confirmed.
    pub sources: Vec<String>,
    /// The file the entry came from.
    pub file: String,
}

/// A morphology class: the affixes allowed around a variant inside one word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MorphClass {
    /// The class name.
    pub name: String,
    /// Languages whose variants may use the class.
    pub langs: Vec<Lang>,
    /// Every allowed prefix, slots expanded (the empty prefix is always allowed).
    pub prefixes: BTreeSet<String>,
    /// Every allowed suffix, slots expanded (the empty suffix is always allowed).
    pub suffixes: BTreeSet<String>,
    /// The file the class came from.
    pub file: String,
}

/// A validated lexicon; see the [module docs](self).
#[derive(Clone, Debug, Default)]
pub struct Lexicon {
    entries: Vec<Entry>,
    classes: BTreeMap<String, MorphClass>,
}

/// Largest number of affixes a class may expand to (guards against slot explosions).
const MAX_AFFIXES: usize = 4096;

impl Lexicon {
    /// The default lexicon embedded in the crate (`models/lexicon/`), parsed once.
    ///
    /// ```
    /// use tahrid::lexicon::Lexicon;
    /// let lex = Lexicon::embedded();
    /// assert!(lex.get("rafidah").is_some());
    /// ```
    pub fn embedded() -> &'static Lexicon {
        static LEX: OnceLock<Lexicon> = OnceLock::new();
        LEX.get_or_init(|| {
            Lexicon::from_files(
                EMBEDDED_FILES
                    .iter()
                    .map(|(n, t)| (n.to_string(), t.to_string())),
                None,
            )
            .expect("the embedded lexicon is valid (checked by tests)")
        })
    }

    /// Loads a lexicon from a `.toml` file or from every `.toml` file of a directory (not
    /// recursive, in name order). Morphology classes not defined there are taken from the
    /// embedded lexicon, so a user's entries can use `ar_noun` and friends.
    ///
    /// ```
    /// use tahrid::lexicon::Lexicon;
    /// let err = Lexicon::from_path("no/such/dir").unwrap_err();
    /// assert!(err.to_string().starts_with("no/such/dir: cannot read"));
    /// ```
    pub fn from_path(path: impl AsRef<Path>) -> Result<Lexicon, LexiconError> {
        let path = path.as_ref();
        let io = |source| LexiconError::Io {
            path: path.to_path_buf(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(io)?;
        let mut files = Vec::new();
        if meta.is_dir() {
            let mut paths: Vec<_> = std::fs::read_dir(path)
                .map_err(io)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect();
            paths.sort();
            for p in paths {
                let text = std::fs::read_to_string(&p).map_err(|source| LexiconError::Io {
                    path: p.clone(),
                    source,
                })?;
                files.push((p.display().to_string(), text));
            }
        } else {
            files.push((
                path.display().to_string(),
                std::fs::read_to_string(path).map_err(io)?,
            ));
        }
        if files.is_empty() {
            return Err(LexiconError::Empty(path.display().to_string()));
        }
        Lexicon::from_files(files, Some(Lexicon::embedded()))
    }

    /// Parses one lexicon file's text; `name` is used in error messages. Morphology classes not
    /// defined in the text are taken from the embedded lexicon.
    ///
    /// ```
    /// use tahrid::lexicon::{Category, Lexicon};
    /// let lex = Lexicon::from_toml_str("mine.toml", r#"
    /// [[entry]]
    /// id = "example_slur"
    /// category = "sectarian_slur"
    /// severity = 2
    /// ambiguity = "low"
    /// canonical = "zorblax"
    /// variants.en = ["zorblax"]
    /// morphology.en = "en_noun"
    /// "#).unwrap();
    /// assert_eq!(lex.get("example_slur").unwrap().category, Category::SectarianSlur);
    /// ```
    pub fn from_toml_str(name: &str, text: &str) -> Result<Lexicon, LexiconError> {
        Lexicon::from_files(
            [(name.to_string(), text.to_string())],
            Some(Lexicon::embedded()),
        )
    }

    fn from_files(
        files: impl IntoIterator<Item = (String, String)>,
        base: Option<&Lexicon>,
    ) -> Result<Lexicon, LexiconError> {
        let normalizer = Normalizer::default();
        let mut raw_entries = Vec::new();
        let mut classes: BTreeMap<String, MorphClass> = BTreeMap::new();
        let mut any = String::new();
        for (file, text) in files {
            any = file.clone();
            let table: Table = toml::from_str(&text).map_err(|e| LexiconError::Parse {
                file: file.clone(),
                message: e.to_string().trim_end().replace('\n', " "),
            })?;
            for (key, value) in table {
                match key.as_str() {
                    "entry" => {
                        let Value::Array(items) = value else {
                            return Err(LexiconError::Parse {
                                file: file.clone(),
                                message: "`entry` must be an array of tables ([[entry]])".into(),
                            });
                        };
                        for item in items {
                            raw_entries.push((file.clone(), item));
                        }
                    }
                    "class" => {
                        let Value::Table(defs) = value else {
                            return Err(LexiconError::Parse {
                                file: file.clone(),
                                message: "`class` must be a table of classes ([class.NAME])".into(),
                            });
                        };
                        for (name, def) in defs {
                            let class = parse_class(&file, &name, def, &normalizer)?;
                            if let Some(prev) = classes.get(&name) {
                                return Err(LexiconError::Invalid {
                                    file,
                                    entry: format!("class.{name}"),
                                    field: "class".into(),
                                    message: format!(
                                        "class `{name}` is already defined in {}",
                                        prev.file
                                    ),
                                });
                            }
                            classes.insert(name, class);
                        }
                    }
                    other => {
                        return Err(LexiconError::Parse {
                            file: file.clone(),
                            message: format!(
                                "unknown top-level key `{other}` (expected `entry` or `class`)"
                            ),
                        })
                    }
                }
            }
        }
        if let Some(base) = base {
            for (name, class) in &base.classes {
                classes.entry(name.clone()).or_insert_with(|| class.clone());
            }
        }
        let mut lex = Lexicon {
            entries: Vec::new(),
            classes,
        };
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for (n, (file, item)) in raw_entries.into_iter().enumerate() {
            let entry = parse_entry(&file, n, item, &lex.classes, &normalizer)?;
            if let Some(prev) = seen.get(&entry.id) {
                return Err(LexiconError::Invalid {
                    file,
                    entry: entry.id.clone(),
                    field: "id".into(),
                    message: format!("duplicate id (first defined in {prev})"),
                });
            }
            seen.insert(entry.id.clone(), file);
            lex.entries.push(entry);
        }
        if lex.entries.is_empty() {
            return Err(LexiconError::Empty(any));
        }
        Ok(lex)
    }

    /// Adds `other`'s entries and classes to this lexicon. An entry id or class name present
    /// in both is an error, and `self` is left unchanged.
    ///
    /// ```
    /// use tahrid::lexicon::Lexicon;
    /// let mut lex = Lexicon::embedded().clone();
    /// let again = Lexicon::embedded().clone();
    /// let err = lex.extend(again).unwrap_err();
    /// assert!(err.to_string().contains("duplicate id"));
    /// ```
    pub fn extend(&mut self, other: Lexicon) -> Result<(), LexiconError> {
        let ids: HashSet<&str> = self.entries.iter().map(|e| e.id.as_str()).collect();
        if let Some(dup) = other.entries.iter().find(|e| ids.contains(e.id.as_str())) {
            return Err(LexiconError::Invalid {
                file: dup.file.clone(),
                entry: dup.id.clone(),
                field: "id".into(),
                message: "duplicate id (already in the lexicon being extended)".into(),
            });
        }
        for (name, class) in &other.classes {
            if let Some(mine) = self.classes.get(name) {
                if mine != class {
                    return Err(LexiconError::Invalid {
                        file: class.file.clone(),
                        entry: format!("class.{name}"),
                        field: "class".into(),
                        message: format!(
                            "conflicts with the class of the same name in {}",
                            mine.file
                        ),
                    });
                }
            }
        }
        for (name, class) in other.classes {
            self.classes.entry(name).or_insert(class);
        }
        self.entries.extend(other.entries);
        Ok(())
    }

    /// All entries, in file order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry with this id.
    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// A morphology class by name.
    pub fn class(&self, name: &str) -> Option<&MorphClass> {
        self.classes.get(name)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the lexicon has no entries (never true for a loaded lexicon).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing and validation, field by field, so that errors name the field.

struct Ctx<'a> {
    file: &'a str,
    entry: String,
}

impl Ctx<'_> {
    fn err(&self, field: impl Into<String>, message: impl Into<String>) -> LexiconError {
        LexiconError::Invalid {
            file: self.file.to_string(),
            entry: self.entry.clone(),
            field: field.into(),
            message: message.into(),
        }
    }

    fn string(
        &self,
        table: &Table,
        field: &str,
        required: bool,
    ) -> Result<Option<String>, LexiconError> {
        match table.get(field) {
            None if required => Err(self.err(field, "missing")),
            None => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Err(self.err(field, "empty")),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(self.err(
                field,
                format!("expected a string, found {}", other.type_str()),
            )),
        }
    }

    fn strings(&self, table: &Table, field: &str) -> Result<Vec<String>, LexiconError> {
        match table.get(field) {
            None => Ok(Vec::new()),
            Some(v) => self.string_list(field, v),
        }
    }

    fn string_list(&self, field: &str, v: &Value) -> Result<Vec<String>, LexiconError> {
        let Value::Array(items) = v else {
            return Err(self.err(
                field,
                format!("expected an array of strings, found {}", v.type_str()),
            ));
        };
        items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::String(s) if s.trim().is_empty() => {
                    Err(self.err(format!("{field}[{i}]"), "empty or whitespace"))
                }
                Value::String(s) => Ok(s.clone()),
                other => Err(self.err(
                    format!("{field}[{i}]"),
                    format!("expected a string, found {}", other.type_str()),
                )),
            })
            .collect()
    }

    fn langs(&self, field: &str, v: Option<&Value>) -> Result<Vec<Lang>, LexiconError> {
        let Some(v) = v else { return Ok(Vec::new()) };
        self.string_list(field, v)?
            .iter()
            .enumerate()
            .map(|(i, s)| self.lang(&format!("{field}[{i}]"), s))
            .collect()
    }

    fn lang(&self, field: &str, code: &str) -> Result<Lang, LexiconError> {
        Lang::parse(code).ok_or_else(|| {
            self.err(
                field,
                format!(
                    "unknown language `{code}` (expected one of {})",
                    Lang::expected()
                ),
            )
        })
    }

    fn deny_unknown(&self, table: &Table, known: &[&str]) -> Result<(), LexiconError> {
        match table.keys().find(|k| !known.contains(&k.as_str())) {
            Some(k) => Err(self.err(
                k.clone(),
                format!("unknown field (expected one of {})", known.join(", ")),
            )),
            None => Ok(()),
        }
    }
}

fn id_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^[a-z0-9][a-z0-9_.\-]*$").expect("valid regex"))
}

const ENTRY_FIELDS: &[&str] = &[
    "id",
    "category",
    "severity",
    "ambiguity",
    "canonical",
    "gloss",
    "variants",
    "morphology",
    "excludes",
    "requires",
    "examples",
    "counter_examples",
    "sources",
];

fn parse_entry(
    file: &str,
    n: usize,
    item: Value,
    classes: &BTreeMap<String, MorphClass>,
    normalizer: &Normalizer,
) -> Result<Entry, LexiconError> {
    let mut ctx = Ctx {
        file,
        entry: format!("#{}", n + 1),
    };
    let Value::Table(t) = item else {
        return Err(ctx.err("entry", "expected a table"));
    };
    let id = ctx.string(&t, "id", true)?.unwrap_or_default();
    if !id_regex().is_match(&id) {
        return Err(ctx.err(
            "id",
            format!("`{id}` is not a valid id (lowercase ASCII letters, digits, `_`, `.`, `-`)"),
        ));
    }
    ctx.entry = id.clone();
    ctx.deny_unknown(&t, ENTRY_FIELDS)?;

    let cat = ctx.string(&t, "category", true)?.unwrap_or_default();
    let category = Category::parse(&cat).ok_or_else(|| {
        ctx.err(
            "category",
            format!(
                "unknown category `{cat}` (expected one of {})",
                Category::expected()
            ),
        )
    })?;
    let severity = match t.get("severity") {
        Some(Value::Integer(s)) if (1..=3).contains(s) => *s as u8,
        Some(Value::Integer(s)) => {
            return Err(ctx.err("severity", format!("{s} is out of range (1 to 3)")))
        }
        Some(other) => {
            return Err(ctx.err(
                "severity",
                format!("expected an integer 1 to 3, found {}", other.type_str()),
            ))
        }
        None => return Err(ctx.err("severity", "missing")),
    };
    let amb = ctx.string(&t, "ambiguity", true)?.unwrap_or_default();
    let ambiguity = Ambiguity::parse(&amb).ok_or_else(|| {
        ctx.err(
            "ambiguity",
            format!(
                "unknown ambiguity `{amb}` (expected one of {})",
                Ambiguity::expected()
            ),
        )
    })?;
    let canonical = ctx.string(&t, "canonical", true)?.unwrap_or_default();
    let gloss = ctx.string(&t, "gloss", false)?;

    let mut variants = BTreeMap::new();
    match t.get("variants") {
        Some(Value::Table(vt)) if !vt.is_empty() => {
            for (code, list) in vt {
                let field = format!("variants.{code}");
                let lang = ctx.lang(&field, code)?;
                let list = ctx.string_list(&field, list)?;
                if list.is_empty() {
                    return Err(ctx.err(&field, "no variants"));
                }
                for (i, v) in list.iter().enumerate() {
                    let folded = normalizer.fold_str(v);
                    if !folded.chars().any(char::is_alphanumeric) {
                        return Err(ctx.err(
                            format!("{field}[{i}]"),
                            format!("`{v}` folds to nothing matchable (`{folded}`)"),
                        ));
                    }
                }
                variants.insert(lang, list);
            }
        }
        Some(Value::Table(_)) | None => {
            return Err(ctx.err(
                "variants",
                "at least one language with variants is required",
            ))
        }
        Some(other) => {
            return Err(ctx.err(
                "variants",
                format!("expected a table of languages, found {}", other.type_str()),
            ))
        }
    }

    let mut morphology = BTreeMap::new();
    match t.get("morphology") {
        None => {}
        Some(Value::Table(mt)) => {
            for (code, class) in mt {
                let field = format!("morphology.{code}");
                let lang = ctx.lang(&field, code)?;
                if !variants.contains_key(&lang) {
                    return Err(ctx.err(&field, format!("no variants for `{code}`")));
                }
                let Value::String(name) = class else {
                    return Err(ctx.err(&field, "expected a class name"));
                };
                let Some(c) = classes.get(name) else {
                    return Err(ctx.err(&field, format!("unknown morphology class `{name}`")));
                };
                if !c.langs.is_empty() && !c.langs.contains(&lang) {
                    let langs: Vec<_> = c.langs.iter().map(|l| l.as_str()).collect();
                    return Err(ctx.err(
                        &field,
                        format!("class `{name}` is for {}, not `{code}`", langs.join(", ")),
                    ));
                }
                morphology.insert(lang, name.clone());
            }
        }
        Some(other) => {
            return Err(ctx.err(
                "morphology",
                format!("expected a table of languages, found {}", other.type_str()),
            ))
        }
    }

    let mut excludes = Vec::new();
    for (field, et) in sub_tables(
        &ctx,
        &t,
        "excludes",
        &["langs", "next_word", "prev_word", "reason"],
    )? {
        let ex = Exclude {
            langs: ctx.langs(&format!("{field}.langs"), et.get("langs"))?,
            next_word: ctx
                .strings(et, "next_word")
                .map_err(|e| rename(e, &field))?,
            prev_word: ctx
                .strings(et, "prev_word")
                .map_err(|e| rename(e, &field))?,
            reason: ctx
                .string(et, "reason", true)
                .map_err(|e| rename(e, &field))?
                .unwrap_or_default(),
        };
        if ex.next_word.is_empty() && ex.prev_word.is_empty() {
            return Err(ctx.err(&field, "needs `next_word` or `prev_word`"));
        }
        check_patterns(
            &ctx,
            &field,
            ex.next_word.iter().chain(&ex.prev_word),
            normalizer,
        )?;
        excludes.push(ex);
    }

    let mut requires = Vec::new();
    for (field, rt) in sub_tables(&ctx, &t, "requires", &["langs", "near", "window", "reason"])? {
        let window = match rt.get("window") {
            None => 8,
            Some(Value::Integer(w)) if (1..=64).contains(w) => *w as usize,
            Some(other) => {
                return Err(ctx.err(
                    format!("{field}.window"),
                    format!("expected an integer 1 to 64, found {other:?}"),
                ))
            }
        };
        let req = Require {
            langs: ctx.langs(&format!("{field}.langs"), rt.get("langs"))?,
            near: ctx.strings(rt, "near").map_err(|e| rename(e, &field))?,
            window,
            reason: ctx
                .string(rt, "reason", true)
                .map_err(|e| rename(e, &field))?
                .unwrap_or_default(),
        };
        if req.near.is_empty() {
            return Err(ctx.err(format!("{field}.near"), "needs at least one word"));
        }
        check_patterns(&ctx, &field, req.near.iter(), normalizer)?;
        requires.push(req);
    }

    Ok(Entry {
        examples: ctx.strings(&t, "examples")?,
        counter_examples: ctx.strings(&t, "counter_examples")?,
        sources: ctx.strings(&t, "sources")?,
        id,
        category,
        severity,
        ambiguity,
        canonical,
        gloss,
        variants,
        morphology,
        excludes,
        requires,
        file: file.to_string(),
    })
}

/// The tables of an array-of-tables field (`[[entry.excludes]]`), with their field paths, after
/// checking that each is a table with only `known` keys.
fn sub_tables<'t>(
    ctx: &Ctx<'_>,
    t: &'t Table,
    key: &str,
    known: &[&str],
) -> Result<Vec<(String, &'t Table)>, LexiconError> {
    let items = match t.get(key) {
        None => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(ctx.err(
                key,
                format!("expected an array of tables, found {}", other.type_str()),
            ))
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let field = format!("{key}[{i}]");
        let Value::Table(table) = item else {
            return Err(ctx.err(&field, "expected a table"));
        };
        if let Some(k) = table.keys().find(|k| !known.contains(&k.as_str())) {
            return Err(ctx.err(
                format!("{field}.{k}"),
                format!("unknown field (expected one of {})", known.join(", ")),
            ));
        }
        out.push((field, table));
    }
    Ok(out)
}

/// Checks word patterns (`word`, `prefix*`, `*suffix`) of an exclude or require rule.
fn check_patterns<'a>(
    ctx: &Ctx<'_>,
    field: &str,
    patterns: impl Iterator<Item = &'a String>,
    normalizer: &Normalizer,
) -> Result<(), LexiconError> {
    for (k, p) in patterns.enumerate() {
        let core = p.trim_matches('*');
        if core.is_empty()
            || core.contains('*')
            || !normalizer.fold_str(core).chars().any(char::is_alphanumeric)
        {
            return Err(ctx.err(
                format!("{field}.pattern[{k}]"),
                format!("`{p}` is not `word`, `prefix*` or `*suffix`"),
            ));
        }
    }
    Ok(())
}

/// Prefixes a sub-table's field name with its path (`excludes[0].reason`).
fn rename(e: LexiconError, prefix: &str) -> LexiconError {
    match e {
        LexiconError::Invalid {
            file,
            entry,
            field,
            message,
        } => LexiconError::Invalid {
            file,
            entry,
            field: format!("{prefix}.{field}"),
            message,
        },
        other => other,
    }
}

fn parse_class(
    file: &str,
    name: &str,
    def: Value,
    normalizer: &Normalizer,
) -> Result<MorphClass, LexiconError> {
    let ctx = Ctx {
        file,
        entry: format!("class.{name}"),
    };
    let Value::Table(t) = def else {
        return Err(ctx.err("class", "expected a table"));
    };
    ctx.deny_unknown(
        &t,
        &[
            "langs",
            "prefixes",
            "suffixes",
            "prefix_slots",
            "suffix_slots",
            "note",
        ],
    )?;
    let langs = ctx.langs("langs", t.get("langs"))?;
    let mut sets = Vec::new();
    for (whole, slots) in [("prefixes", "prefix_slots"), ("suffixes", "suffix_slots")] {
        let mut set: BTreeSet<String> = ctx.strings(&t, whole)?.into_iter().collect();
        if let Some(v) = t.get(slots) {
            let Value::Array(slot_list) = v else {
                return Err(ctx.err(slots, "expected an array of arrays of strings"));
            };
            let mut combos: BTreeSet<String> = [String::new()].into();
            for (i, slot) in slot_list.iter().enumerate() {
                let options = ctx.string_list(&format!("{slots}[{i}]"), slot)?;
                let mut next = combos.clone();
                for c in &combos {
                    for o in &options {
                        next.insert(format!("{c}{o}"));
                    }
                }
                combos = next;
                if combos.len() > MAX_AFFIXES {
                    return Err(
                        ctx.err(slots, format!("expands to more than {MAX_AFFIXES} affixes"))
                    );
                }
            }
            set.extend(combos);
        }
        set.remove("");
        let folded: BTreeSet<String> = set
            .iter()
            .map(|a| normalizer.fold_str(a))
            .filter(|a| !a.is_empty())
            .collect();
        sets.push(folded);
    }
    let suffixes = sets.pop().unwrap_or_default();
    let prefixes = sets.pop().unwrap_or_default();
    Ok(MorphClass {
        name: name.to_string(),
        langs,
        prefixes,
        suffixes,
        file: file.to_string(),
    })
}
