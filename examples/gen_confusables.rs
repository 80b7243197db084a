//! Regenerates `models/normalize/confusables.tsv` from the Unicode confusables data
//! (UTS #39) shipped in the `unicode-security` crate.
//!
//! ```text
//! cargo run --example gen_confusables > models/normalize/confusables.tsv
//! ```
//!
//! For every Latin, Cyrillic and Greek letter, the UTS #39 skeleton is computed; letters of
//! different scripts that share a skeleton are visually confusable. Each row names a letter and
//! the lowercase letter it stands for in a Latin word and in a Cyrillic word. tahrid folds a
//! letter only toward the *dominant script of its word*, so Russian, Tajik and Uzbek Cyrillic
//! text is never transliterated; only the odd foreign letter inside a word is.
use std::collections::BTreeMap;

fn script(c: char) -> Option<&'static str> {
    match c as u32 {
        0x41..=0x5A | 0x61..=0x7A => Some("Latn"),
        0x0400..=0x052F => Some("Cyrl"),
        0x0370..=0x03FF => Some("Grek"),
        _ => None,
    }
}

fn main() {
    let (maj, min, patch) = unicode_security::UNICODE_VERSION;
    let mut groups: BTreeMap<String, Vec<char>> = BTreeMap::new();
    let ranges = [(0x41u32, 0x7Au32), (0x0370, 0x03FF), (0x0400, 0x052F)];
    for (lo, hi) in ranges {
        for cp in lo..=hi {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            if !c.is_alphabetic() || script(c).is_none() {
                continue;
            }
            let sk: String = unicode_security::skeleton(&c.to_string()).collect();
            groups.entry(sk).or_default().push(c);
        }
    }
    println!("# Cross-script letter confusables (Latin / Cyrillic / Greek), derived from Unicode {maj}.{min}.{patch}");
    println!("# confusables.txt (UTS #39 skeletons) by examples/gen_confusables.rs. Do not edit by hand.");
    println!("# columns: char<TAB>script<TAB>as_latin<TAB>as_cyrillic ('-' = no confusable letter in that script)");
    for members in groups.values() {
        let scripts: std::collections::BTreeSet<_> =
            members.iter().filter_map(|c| script(*c)).collect();
        if scripts.len() < 2 {
            continue;
        }
        for &c in members {
            let upper = c.is_uppercase();
            let pick = |want: &str, basic: &dyn Fn(char) -> bool| -> Option<char> {
                let same_case = members
                    .iter()
                    .copied()
                    .filter(|m| script(*m) == Some(want) && m.is_uppercase() == upper && basic(*m));
                let any_case = members
                    .iter()
                    .copied()
                    .filter(|m| script(*m) == Some(want) && basic(*m));
                same_case
                    .chain(any_case)
                    .next()
                    .map(|m| m.to_lowercase().next().unwrap_or(m))
            };
            let latin = pick("Latn", &|_| true);
            let cyr = pick("Cyrl", &|m| matches!(m as u32, 0x0410..=0x044F))
                .or_else(|| pick("Cyrl", &|_| true));
            let own = script(c).unwrap_or("-");
            let latin = if own == "Latn" { None } else { latin };
            let cyr = if own == "Cyrl" { None } else { cyr };
            if latin.is_none() && cyr.is_none() {
                continue;
            }
            let show = |o: Option<char>| o.map(|c| c.to_string()).unwrap_or_else(|| "-".into());
            println!("{}\t{}\t{}\t{}", c, own, show(latin), show(cyr));
        }
    }
}
