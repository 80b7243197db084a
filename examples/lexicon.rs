//! Lexicon tools: coverage statistics, validation of a user's lexicon, and an explanation of
//! what matched where.
//!
//! ```text
//! cargo run --example lexicon -- stats [--lexicon PATH]     # entries per category × language, floors
//! cargo run --example lexicon -- check PATH                 # validate a lexicon directory or file
//! cargo run --example lexicon -- explain [--lexicon PATH] TEXT...
//! ```
//!
//! - `stats` prints a table of entries per category (rows) and language (columns) with totals,
//!   then checks the coverage floors of the full lexicon: at least 150 entries, at least 40
//!   `sectarian_slur` entry × language pairs, every category in at least 6 languages, and every
//!   one of the ten languages in at least 15 entries (`uz` and `uz-Cyrl` count together as
//!   Uzbek). Each floor prints `PASS` or `FAIL`; the exit code is 1 if any floor fails.
//! - `check PATH` loads a lexicon directory (every `*.toml` in it) or a single file exactly as
//!   `Tagger::builder().lexicon_path(PATH)` would, and prints either a summary or the loader's
//!   error (file, entry id, field, and what is wrong); the exit code is 1 on an invalid lexicon.
//! - `explain TEXT` shows the folded text the matcher saw and, for every hit, the entry, the
//!   variant that matched, the original span (bytes and text) and the folded span.
//!
//! Errors on user input (unreadable paths, invalid lexicons) are reported as messages with a
//! non-zero exit code; the tool does not panic on them.
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tahrid::lexicon::{Ambiguity, Category, Lang, Lexicon};
use tahrid::Tagger;

/// Lexicon statistics, validation and explanations.
#[derive(Parser, Debug)]
#[command(name = "lexicon", version, about)]
struct Args {
    /// What to do.
    #[command(subcommand)]
    command: Command,
}

/// The tool's subcommands.
#[derive(Subcommand, Debug)]
enum Command {
    /// Entries per category × language, with totals and the coverage floors.
    Stats {
        /// A lexicon directory or file instead of the embedded default.
        #[arg(long)]
        lexicon: Option<PathBuf>,
    },
    /// Validate a lexicon directory (every `*.toml`) or file.
    Check {
        /// The lexicon directory or file.
        path: PathBuf,
    },
    /// Show the folded text and which variant matched where.
    Explain {
        /// A lexicon directory or file instead of the embedded default.
        #[arg(long)]
        lexicon: Option<PathBuf>,
        /// The text (several arguments are joined with spaces).
        #[arg(required = true)]
        text: Vec<String>,
    },
}

/// Minimum number of entries.
const MIN_ENTRIES: usize = 150;
/// Minimum number of `sectarian_slur` entry × language pairs.
const MIN_SLUR_PAIRS: usize = 40;
/// Minimum number of languages per category.
const MIN_LANGS_PER_CATEGORY: usize = 6;
/// Minimum number of entries per language.
const MIN_ENTRIES_PER_LANG: usize = 15;

fn main() -> ExitCode {
    let args = Args::parse();
    match args.command {
        Command::Stats { lexicon } => match load(lexicon) {
            Ok(lex) => stats(&lex),
            Err(e) => fail(&e),
        },
        Command::Check { path } => check(path),
        Command::Explain { lexicon, text } => explain(lexicon, &text.join(" ")),
    }
}

/// Prints an error and returns the failure exit code.
fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

/// The embedded lexicon, or the one at `path`.
fn load(path: Option<PathBuf>) -> Result<Lexicon, String> {
    match path {
        None => Ok(Lexicon::embedded().clone()),
        Some(p) => Lexicon::from_path(&p).map_err(|e| e.to_string()),
    }
}

/// Uzbek in both scripts counts as one language for the floors.
fn floor_lang(lang: Lang) -> &'static str {
    match lang {
        Lang::UzCyrl => Lang::Uz.as_str(),
        other => other.as_str(),
    }
}

/// Prints the category × language table and checks the floors.
fn stats(lex: &Lexicon) -> ExitCode {
    let mut table: BTreeMap<(Category, Lang), usize> = BTreeMap::new();
    let mut per_cat: BTreeMap<Category, usize> = BTreeMap::new();
    let mut per_lang: BTreeMap<Lang, usize> = BTreeMap::new();
    let mut per_floor_lang: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut cat_langs: BTreeMap<Category, BTreeSet<&'static str>> = BTreeMap::new();
    let mut ambiguity: BTreeMap<Ambiguity, usize> = BTreeMap::new();
    for e in lex.entries() {
        *per_cat.entry(e.category).or_default() += 1;
        *ambiguity.entry(e.ambiguity).or_default() += 1;
        let mut floor_langs = BTreeSet::new();
        for &lang in e.variants.keys() {
            *table.entry((e.category, lang)).or_default() += 1;
            *per_lang.entry(lang).or_default() += 1;
            floor_langs.insert(floor_lang(lang));
            cat_langs
                .entry(e.category)
                .or_default()
                .insert(floor_lang(lang));
        }
        for l in floor_langs {
            *per_floor_lang.entry(l).or_default() += 1;
        }
    }

    let width = Category::ALL
        .iter()
        .map(|c| c.as_str().len())
        .max()
        .unwrap_or(8);
    print!("{:width$}", "category");
    for l in Lang::ALL {
        print!(" {:>7}", l.as_str());
    }
    println!(" {:>7}", "entries");
    for &c in Category::ALL {
        print!("{:width$}", c.as_str());
        for &l in Lang::ALL {
            print!(" {:>7}", table.get(&(c, l)).copied().unwrap_or(0));
        }
        println!(" {:>7}", per_cat.get(&c).copied().unwrap_or(0));
    }
    print!("{:width$}", "all");
    for l in Lang::ALL {
        print!(" {:>7}", per_lang.get(l).copied().unwrap_or(0));
    }
    println!(" {:>7}", lex.len());
    let amb: Vec<String> = Ambiguity::ALL
        .iter()
        .map(|a| format!("{} {}", a, ambiguity.get(a).copied().unwrap_or(0)))
        .collect();
    println!("ambiguity: {}", amb.join(", "));
    println!();

    let mut ok = true;
    let mut floor = |pass: bool, what: String| {
        ok &= pass;
        println!("{} {what}", if pass { "PASS" } else { "FAIL" });
    };
    floor(
        lex.len() >= MIN_ENTRIES,
        format!("entries: {} (floor {MIN_ENTRIES})", lex.len()),
    );
    let slur_pairs: usize = Lang::ALL
        .iter()
        .map(|&l| {
            table
                .get(&(Category::SectarianSlur, l))
                .copied()
                .unwrap_or(0)
        })
        .sum();
    floor(
        slur_pairs >= MIN_SLUR_PAIRS,
        format!("sectarian_slur entry×language pairs: {slur_pairs} (floor {MIN_SLUR_PAIRS})"),
    );
    for &c in Category::ALL {
        let n = cat_langs.get(&c).map_or(0, BTreeSet::len);
        floor(
            n >= MIN_LANGS_PER_CATEGORY,
            format!("category {c}: {n} languages (floor {MIN_LANGS_PER_CATEGORY})"),
        );
    }
    for &l in Lang::ALL {
        if l == Lang::UzCyrl {
            continue;
        }
        let name = floor_lang(l);
        let n = per_floor_lang.get(name).copied().unwrap_or(0);
        let label = if l == Lang::Uz {
            "uz (Latin + Cyrillic)"
        } else {
            name
        };
        floor(
            n >= MIN_ENTRIES_PER_LANG,
            format!("language {label}: {n} entries (floor {MIN_ENTRIES_PER_LANG})"),
        );
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Validates a user's lexicon with the loader's own errors.
fn check(path: PathBuf) -> ExitCode {
    match Lexicon::from_path(&path) {
        Ok(lex) => {
            let mut files = BTreeSet::new();
            let (mut examples, mut counter) = (0, 0);
            for e in lex.entries() {
                files.insert(e.file.as_str());
                examples += e.examples.len();
                counter += e.counter_examples.len();
            }
            // a loaded lexicon also has to compile into a matcher
            let tagger = match Tagger::builder().lexicon(lex.clone()).build() {
                Ok(t) => t,
                Err(e) => {
                    println!("{}: invalid: {e}", path.display());
                    return ExitCode::from(1);
                }
            };
            println!(
                "{}: ok: {} entries in {} file(s), {examples} examples, {counter} counter-examples",
                path.display(),
                lex.len(),
                files.len()
            );
            let mut failures = 0;
            for e in lex.entries() {
                for ex in &e.examples {
                    if !tagger.tag(ex).hits.iter().any(|h| h.entry == e.id) {
                        failures += 1;
                        println!("{}: entry `{}`: example not tagged: {ex:?}", e.file, e.id);
                    }
                }
                for ex in &e.counter_examples {
                    if tagger.tag(ex).hits.iter().any(|h| h.entry == e.id) {
                        failures += 1;
                        println!(
                            "{}: entry `{}`: counter-example tagged: {ex:?}",
                            e.file, e.id
                        );
                    }
                }
            }
            if failures > 0 {
                println!("{failures} example(s) failed");
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            println!("{e}");
            ExitCode::from(1)
        }
    }
}

/// Prints the folded text and each hit with its original and folded spans.
fn explain(path: Option<PathBuf>, text: &str) -> ExitCode {
    let tagger = match path {
        None => Tagger::default(),
        Some(p) => match Tagger::builder().lexicon_path(p).build() {
            Ok(t) => t,
            Err(e) => return fail(&e.to_string()),
        },
    };
    let e = tagger.explain(text);
    let folded = e.folded.as_str();
    println!("text:   {text:?}");
    println!("folded: {folded:?}");
    println!("lang:   {}", e.report.lang);
    if e.report.hits.is_empty() {
        println!("no hits");
    }
    for (i, (hit, (span, core))) in e.report.hits.iter().zip(&e.folded_spans).enumerate() {
        let slice = |r: &std::ops::Range<usize>| folded.get(r.clone()).unwrap_or("?");
        println!(
            "hit {i}: {} ({}, severity {}, {} ambiguity, {})",
            hit.entry, hit.category, hit.severity, hit.ambiguity, hit.lang
        );
        println!("  variant: {:?}", hit.variant);
        println!("  original: {}..{} {:?}", hit.start, hit.end, hit.text);
        println!(
            "  folded:   {}..{} {:?} (variant at {}..{} {:?})",
            span.start,
            span.end,
            slice(span),
            core.start,
            core.end,
            slice(core)
        );
    }
    println!(
        "verdict: {} ({:.2})",
        e.report.verdict.label.as_str(),
        e.report.verdict.score
    );
    ExitCode::SUCCESS
}
