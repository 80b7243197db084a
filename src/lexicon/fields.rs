//! Reading a lexicon table field by field, so that every error names the field.
//!
//! [`Ctx`] knows the file and the entry being read; its readers take a TOML table and a field
//! name and return the typed value (a string, a list of strings, languages) or a
//! [`LexiconError::Invalid`] naming the file, the entry and the field, with what was expected
//! and what was found.

use toml::{Table, Value};

use super::error::LexiconError;
use super::schema::Lang;

pub(super) struct Ctx<'a> {
    pub(super) file: &'a str,
    pub(super) entry: String,
}

impl Ctx<'_> {
    pub(super) fn err(&self, field: impl Into<String>, message: impl Into<String>) -> LexiconError {
        LexiconError::Invalid {
            file: self.file.to_string(),
            entry: self.entry.clone(),
            field: field.into(),
            message: message.into(),
        }
    }

    pub(super) fn string(
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

    pub(super) fn strings(&self, table: &Table, field: &str) -> Result<Vec<String>, LexiconError> {
        match table.get(field) {
            None => Ok(Vec::new()),
            Some(v) => self.string_list(field, v),
        }
    }

    pub(super) fn string_list(&self, field: &str, v: &Value) -> Result<Vec<String>, LexiconError> {
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

    pub(super) fn langs(&self, field: &str, v: Option<&Value>) -> Result<Vec<Lang>, LexiconError> {
        let Some(v) = v else { return Ok(Vec::new()) };
        self.string_list(field, v)?
            .iter()
            .enumerate()
            .map(|(i, s)| self.lang(&format!("{field}[{i}]"), s))
            .collect()
    }

    pub(super) fn lang(&self, field: &str, code: &str) -> Result<Lang, LexiconError> {
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

    pub(super) fn deny_unknown(&self, table: &Table, known: &[&str]) -> Result<(), LexiconError> {
        match table.keys().find(|k| !known.contains(&k.as_str())) {
            Some(k) => Err(self.err(
                k.clone(),
                format!("unknown field (expected one of {})", known.join(", ")),
            )),
            None => Ok(()),
        }
    }
}
