//! The [`Lexicon`] and how one is loaded: from the embedded files, a path, a string, or
//! another lexicon.
//!
//! Every constructor ends in one function, `from_files`, which reads each file's TOML, parses
//! the classes first (so entries can name classes of any file), completes them with the classes
//! of a base lexicon (the embedded one, for a user's files), then parses the entries in file
//! order and rejects a duplicate id. The embedded lexicon is parsed once, on first use.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::OnceLock;

use toml::{Table, Value};

use super::class::parse_class;
use super::entry::{Entry, MorphClass};
use super::error::LexiconError;
use super::parse::parse_entry;
use crate::normalize::Normalizer;

static EMBEDDED_FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_lexicon.rs"));

/// A validated lexicon; see the [module docs](crate::lexicon).
#[derive(Clone, Debug, Default)]
pub struct Lexicon {
    entries: Vec<Entry>,
    classes: BTreeMap<String, MorphClass>,
}

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
