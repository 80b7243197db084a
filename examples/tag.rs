//! Batch tagging from the command line: one JSON record out per record in, in input order.
//!
//! ```text
//! cargo run --release --example tag -- [OPTIONS] [FILE]...      # no FILE: read stdin
//!   --input jsonl|lines|text   jsonl: one {"id":..,"text":..} per line (--text-field, --id-field)
//!                              lines: one document per line; text: each file is one document
//!   --output FILE              default stdout; JSONL records, in input order
//!   --threads N                default: all cores
//!   --lexicon PATH             a lexicon directory or file instead of the embedded default
//!   --progress                 progress bar on stderr (records, MB/s)
//!   --lossy                    decode invalid UTF-8 with U+FFFD instead of an error record
//! ```
//!
//! A record that cannot be processed (bad JSON, missing or non-string text field, invalid
//! UTF-8, an empty JSONL line) yields `{"id":..,"error":".."}` and the run goes on. A record
//! without an id gets its 1-based record number in the run. An unreadable file or an invalid
//! lexicon stops the run with a message on stderr and exit code 2. A closed stdout (`| head`)
//! ends the run quietly.
//!
//! Records are read and tagged in chunks (at most 2,048 records or 16 MiB of text at a time),
//! so memory stays bounded whatever the input size.
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::Value;
use tahrid::{Record, Tagger};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Input {
    /// One JSON object per line.
    Jsonl,
    /// One document per line.
    Lines,
    /// Each file is one document.
    Text,
}

/// Tag texts with tahrid and write one JSON record per input record.
#[derive(Parser, Debug)]
#[command(name = "tag", version, about)]
struct Args {
    /// Input files; standard input when none (or `-`).
    files: Vec<PathBuf>,
    /// Input format.
    #[arg(long, value_enum, default_value = "jsonl")]
    input: Input,
    /// JSONL field holding the text.
    #[arg(long, default_value = "text")]
    text_field: String,
    /// JSONL field holding the id.
    #[arg(long, default_value = "id")]
    id_field: String,
    /// Output file (default: standard output).
    #[arg(long)]
    output: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// A lexicon directory or file instead of the embedded default.
    #[arg(long)]
    lexicon: Option<PathBuf>,
    /// Show a progress bar on standard error.
    #[arg(long)]
    progress: bool,
    /// Decode invalid UTF-8 lossily (U+FFFD) instead of emitting an error record.
    #[arg(long)]
    lossy: bool,
    /// A transformer model directory (config.json, tokenizer.json, weights) for the cascade;
    /// needs `--features transformer`.
    #[arg(long)]
    model: Option<PathBuf>,
    /// A cascade policy file instead of the embedded `models/cascade/policy.toml`.
    #[arg(long)]
    cascade: Option<PathBuf>,
}

const CHUNK_RECORDS: usize = 2048;
const CHUNK_BYTES: usize = 16 << 20;

/// One input record, parsed as far as possible.
enum Item {
    Doc { id: Value, text: String },
    Bad { id: Value, error: String },
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::BrokenPipe) => ExitCode::SUCCESS,
        Err(Failure::Fatal(msg)) => {
            eprintln!("tag: {msg}");
            ExitCode::from(2)
        }
    }
}

enum Failure {
    BrokenPipe,
    Fatal(String),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Failure::BrokenPipe
        } else {
            Failure::Fatal(format!("cannot write output: {e}"))
        }
    }
}

#[cfg(feature = "transformer")]
fn with_model(
    builder: tahrid::TaggerBuilder,
    dir: &std::path::Path,
    threads: Option<usize>,
) -> Result<tahrid::TaggerBuilder, Failure> {
    use tahrid::model::transformer::{set_threads, Transformer};
    if let Some(n) = threads {
        set_threads(n);
    }
    let model = Transformer::load(dir)
        .map_err(|e| Failure::Fatal(format!("cannot load the model: {e}")))?;
    Ok(builder.model(model))
}

#[cfg(not(feature = "transformer"))]
fn with_model(
    _: tahrid::TaggerBuilder,
    _: &std::path::Path,
    _: Option<usize>,
) -> Result<tahrid::TaggerBuilder, Failure> {
    Err(Failure::Fatal(
        "--model needs the transformer stage: rebuild with `--features transformer` (see the README)".into(),
    ))
}

fn run(args: &Args) -> Result<(), Failure> {
    // a batch run: the DFA's extra build time is repaid after a few megabytes
    let mut builder = Tagger::builder().dfa(true);
    if let Some(path) = &args.lexicon {
        builder = builder.lexicon_path(path);
    }
    if let Some(path) = &args.cascade {
        let policy = tahrid::model::CascadePolicy::from_path(path)
            .map_err(|e| Failure::Fatal(format!("invalid cascade policy: {e}")))?;
        builder = builder.cascade(policy);
    }
    if let Some(dir) = &args.model {
        builder = with_model(builder, dir, args.threads)?;
    }
    let tagger = builder
        .build()
        .map_err(|e| Failure::Fatal(format!("invalid lexicon: {e}")))?;
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = args.threads {
        pool = pool.num_threads(n.max(1));
    }
    let pool = pool
        .build()
        .map_err(|e| Failure::Fatal(format!("cannot start threads: {e}")))?;

    // Open every input first: an unreadable file stops the run before any output.
    let stdin_only = args.files.is_empty() || args.files.iter().all(|f| f.as_os_str() == "-");
    let mut inputs: Vec<(String, Box<dyn Read>)> = Vec::new();
    if stdin_only {
        inputs.push(("-".into(), Box::new(io::stdin().lock())));
    } else {
        for f in &args.files {
            if f.as_os_str() == "-" {
                inputs.push(("-".into(), Box::new(io::stdin().lock())));
                continue;
            }
            let file = File::open(f)
                .map_err(|e| Failure::Fatal(format!("cannot read {}: {e}", f.display())))?;
            if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
                return Err(Failure::Fatal(format!(
                    "cannot read {}: is a directory",
                    f.display()
                )));
            }
            inputs.push((f.display().to_string(), Box::new(file)));
        }
    }

    let out: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(
            File::create(p)
                .map_err(|e| Failure::Fatal(format!("cannot create {}: {e}", p.display())))?,
        ),
        None => Box::new(io::stdout().lock()),
    };
    let mut out = BufWriter::with_capacity(1 << 16, out);

    let bar = if args.progress {
        let b = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        b.set_style(
            ProgressStyle::with_template("{spinner} {pos} records, {msg} [{elapsed_precise}]")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        b
    } else {
        ProgressBar::hidden()
    };
    let started = Instant::now();
    let mut bytes_total = 0usize;
    let mut record_no = 0u64;

    for (name, reader) in inputs {
        let mut reader = BufReader::with_capacity(1 << 16, reader);
        let mut chunk: Vec<Item> = Vec::new();
        let mut chunk_bytes = 0;
        if args.input == Input::Text {
            let mut buf = Vec::new();
            reader
                .read_to_end(&mut buf)
                .map_err(|e| Failure::Fatal(format!("cannot read {name}: {e}")))?;
            record_no += 1;
            bytes_total += buf.len();
            chunk.push(decode(Value::String(name.clone()), buf, args.lossy));
            flush(&tagger, &pool, &mut chunk, &mut out)?;
            bar.inc(1);
            continue;
        }
        let mut line = Vec::new();
        loop {
            line.clear();
            let n = reader
                .read_until(b'\n', &mut line)
                .map_err(|e| Failure::Fatal(format!("cannot read {name}: {e}")))?;
            if n == 0 {
                break;
            }
            bytes_total += n;
            if line.ends_with(b"\n") {
                line.pop();
                if line.ends_with(b"\r") {
                    line.pop();
                }
            }
            record_no += 1;
            chunk_bytes += line.len();
            let default_id = Value::from(record_no);
            chunk.push(match args.input {
                Input::Lines => decode(default_id, std::mem::take(&mut line), args.lossy),
                _ => parse_jsonl(&line, default_id, args, record_no),
            });
            if chunk.len() >= CHUNK_RECORDS || chunk_bytes >= CHUNK_BYTES {
                bar.inc(chunk.len() as u64);
                flush(&tagger, &pool, &mut chunk, &mut out)?;
                chunk_bytes = 0;
                bar.set_message(rate(bytes_total, started));
            }
        }
        bar.inc(chunk.len() as u64);
        flush(&tagger, &pool, &mut chunk, &mut out)?;
        bar.set_message(rate(bytes_total, started));
    }
    out.flush()?;
    bar.finish();
    Ok(())
}

fn rate(bytes: usize, started: Instant) -> String {
    let secs = started.elapsed().as_secs_f64().max(1e-9);
    format!(
        "{:.1} MB, {:.1} MB/s",
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / secs
    )
}

fn decode(id: Value, bytes: Vec<u8>, lossy: bool) -> Item {
    match String::from_utf8(bytes) {
        Ok(text) => Item::Doc { id, text },
        Err(e) if lossy => Item::Doc {
            id,
            text: String::from_utf8_lossy(e.as_bytes()).into_owned(),
        },
        Err(e) => Item::Bad {
            id,
            error: format!("invalid UTF-8 at byte {}", e.utf8_error().valid_up_to()),
        },
    }
}

fn parse_jsonl(line: &[u8], default_id: Value, args: &Args, record_no: u64) -> Item {
    if line.iter().all(u8::is_ascii_whitespace) {
        return Item::Bad {
            id: default_id,
            error: format!("record {record_no}: empty line"),
        };
    }
    let owned;
    let line = if args.lossy {
        owned = String::from_utf8_lossy(line).into_owned();
        owned.as_bytes()
    } else {
        line
    };
    let value: Value = match serde_json::from_slice(line) {
        Ok(v) => v,
        Err(e) => {
            return Item::Bad {
                id: default_id,
                error: format!("record {record_no}: invalid JSON: {e}"),
            }
        }
    };
    let Value::Object(mut obj) = value else {
        return Item::Bad {
            id: default_id,
            error: format!("record {record_no}: expected a JSON object"),
        };
    };
    let id = match obj.remove(&args.id_field) {
        Some(Value::Null) | None => default_id,
        Some(v) => v,
    };
    match obj.remove(&args.text_field) {
        Some(Value::String(text)) => Item::Doc { id, text },
        Some(other) => Item::Bad {
            id,
            error: format!(
                "record {record_no}: field `{}` is not a string (found {})",
                args.text_field,
                kind(&other)
            ),
        },
        None => Item::Bad {
            id,
            error: format!("record {record_no}: field `{}` is missing", args.text_field),
        },
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Tags a chunk in parallel and writes its records in input order.
fn flush(
    tagger: &Tagger,
    pool: &rayon::ThreadPool,
    chunk: &mut Vec<Item>,
    out: &mut impl Write,
) -> Result<(), Failure> {
    if chunk.is_empty() {
        return Ok(());
    }
    let records: Vec<Record> = pool.install(|| {
        use rayon::prelude::*;
        chunk
            .par_drain(..)
            .map(|item| match item {
                Item::Doc { id, text } => Record::ok(id, tagger.tag(&text)),
                Item::Bad { id, error } => Record::error(id, error),
            })
            .collect()
    });
    for r in &records {
        serde_json::to_writer(&mut *out, r).map_err(io::Error::from)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
