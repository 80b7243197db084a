//! One `[class.NAME]` table to a [`MorphClass`]: affixes listed whole or composed from slots.
//!
//! Slots are ordered and each is optional, so `prefix_slots = [["و", "ف"], ["ب", "ل"]]`
//! expands to every combination that takes at most one option per slot, in order: `و`, `ف`,
//! `ب`, `ل`, `وب`, `ول`, `فب`, `فل`. The expansion is checked against [`MAX_AFFIXES`] as it
//! grows, so a class cannot explode. Whole and expanded affixes are merged, the empty affix
//! dropped (it is always allowed) and each is folded with the [`Normalizer`], the same fold as
//! the text the matcher will see.

use std::collections::BTreeSet;

use toml::Value;

use super::entry::MorphClass;
use super::error::LexiconError;
use super::fields::Ctx;
use crate::normalize::Normalizer;

/// Largest number of affixes a class may expand to (guards against slot explosions).
const MAX_AFFIXES: usize = 4096;

pub(super) fn parse_class(
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
