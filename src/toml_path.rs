//! One lookup of a dotted path (`combine.model_weight`) in a parsed TOML table, for the data
//! files that name their fields that way (weights, cascade policy, transformer defaults).
use toml::{Table, Value};

/// Why a dotted path has no value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PathError {
    /// A key along the path is absent.
    Missing,
    /// A key before the last holds something other than a table.
    NotATable,
}

/// The value at `path` (keys separated by `.`) in `table`.
pub(crate) fn lookup<'t>(table: &'t Table, path: &str) -> Result<&'t Value, PathError> {
    let mut keys = path.split('.').peekable();
    let mut t = table;
    while let Some(key) = keys.next() {
        let v = t.get(key).ok_or(PathError::Missing)?;
        if keys.peek().is_none() {
            return Ok(v);
        }
        t = v.as_table().ok_or(PathError::NotATable)?;
    }
    Err(PathError::Missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_or_say_why_not() {
        let t: Table = toml::from_str("a = 1\n[b]\nc = 2\n").unwrap();
        assert_eq!(lookup(&t, "a"), Ok(&Value::Integer(1)));
        assert_eq!(lookup(&t, "b.c"), Ok(&Value::Integer(2)));
        assert_eq!(lookup(&t, "b.d"), Err(PathError::Missing));
        assert_eq!(lookup(&t, "x.c"), Err(PathError::Missing));
        assert_eq!(lookup(&t, "a.c"), Err(PathError::NotATable));
    }
}
