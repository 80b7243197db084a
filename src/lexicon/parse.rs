//! One `[[entry]]` table to a validated [`Entry`].
//!
//! [`parse_entry`] reads the fields in order and checks each against the schema: the id's
//! shape, the category, severity and ambiguity, the variants per language (each must fold to
//! something matchable), the morphology class per language (it must exist and allow the
//! language), and the context rules `[[entry.excludes]]` and `[[entry.requires]]`, whose word
//! patterns must be `word`, `prefix*` or `*suffix`. Unknown fields are errors, so a typo is
//! reported instead of ignored.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;
use toml::{Table, Value};

use super::entry::{Entry, Exclude, MorphClass, Require};
use super::error::LexiconError;
use super::fields::Ctx;
use super::schema::{Ambiguity, Category};
use crate::normalize::Normalizer;

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

pub(super) fn parse_entry(
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
