//! Batch tagging from the command line: one JSON record out per record in, in input order.
//!
//! ```text
//! cargo run --release --example tag -- [OPTIONS] [FILE]...      # no FILE: read stdin
//!   --input jsonl|lines|text|parquet
//!                              jsonl: one {"id":..,"text":..} per line (--text-field, --id-field)
//!                              lines: one document per line; text: each file is one document
//!                              parquet: Parquet files, columns --text-field and --id-field
//!   --output FILE              default stdout; records in input order
//!   --output-format jsonl|parquet   default jsonl (parquet: one row per record, typed columns)
//!   --threads N                default: all cores
//!   --lexicon PATH             a lexicon directory or file instead of the embedded default
//!   --progress                 progress bar on stderr (records, MB/s)
//!   --lossy                    decode invalid UTF-8 with U+FFFD instead of an error record
//!   --ngram                    add the learned n-gram stage (embedded `models/ngram`)
//!   --ngram-model DIR          the n-gram stage from another model directory
//! ```
//!
//! A record that cannot be processed (bad JSON, missing or non-string text field, invalid
//! UTF-8, an empty JSONL line) yields `{"id":..,"error":".."}` and the run goes on. A record
//! without an id gets its 1-based record number in the run. An unreadable file or an invalid
//! lexicon stops the run with a message on stderr and exit code 2. A closed stdout (`| head`)
//! ends the run quietly. Parquet input and output need `--features parquet`; a Parquet file
//! without the text column stops the run before any output, and a null text is an error record.
//!
//! Records are read and tagged in chunks (at most 2,048 records or 16 MiB of text at a time),
//! so memory stays bounded whatever the input size. Reading, chunking and writing are the
//! library's [`tahrid::batch`] module; this file is the command line.
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tahrid::batch::{Format, ReadOptions, Reader, RunError, Runner, Sink, Source, Writer};
use tahrid::Tagger;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Input {
    /// One JSON object per line.
    Jsonl,
    /// One document per line.
    Lines,
    /// Each file is one document.
    Text,
    /// Parquet files (needs `--features parquet`).
    Parquet,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Output {
    /// One JSON record per line.
    Jsonl,
    /// A Parquet file, one row per record (needs `--features parquet`).
    Parquet,
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
    /// Output format.
    #[arg(long, value_enum, default_value = "jsonl")]
    output_format: Output,
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
    /// Add the learned n-gram stage (the embedded `models/ngram`): every text also gets a
    /// character n-gram model's opinion; a run takes about twice as long.
    #[arg(long)]
    ngram: bool,
    /// The n-gram stage from this model directory (`model.toml`, weights) instead.
    #[arg(long)]
    ngram_model: Option<PathBuf>,
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

/// An input, opened before any output is written.
enum Opened {
    Stream(String, Box<dyn Read>),
    #[cfg(feature = "parquet")]
    Parquet(tahrid::batch::parquet::ParquetReader),
}

#[cfg(feature = "parquet")]
fn open_parquet(path: &Path, opts: &ReadOptions) -> Result<Opened, Failure> {
    tahrid::batch::parquet::ParquetReader::open(path, opts)
        .map(Opened::Parquet)
        .map_err(|e| Failure::Fatal(e.to_string()))
}

#[cfg(feature = "parquet")]
fn parquet_sink(out: Box<dyn Write + Send>) -> Result<Box<dyn Sink>, Failure> {
    tahrid::batch::parquet::ParquetWriter::new(out)
        .map(|w| Box::new(w) as Box<dyn Sink>)
        .map_err(|e| Failure::Fatal(format!("cannot write output: {e}")))
}

#[cfg(not(feature = "parquet"))]
const NO_PARQUET: &str =
    "Parquet needs the `parquet` feature: rebuild with `--features parquet` (see the README)";

#[cfg(not(feature = "parquet"))]
fn open_parquet(_: &Path, _: &ReadOptions) -> Result<Opened, Failure> {
    Err(Failure::Fatal(NO_PARQUET.into()))
}

#[cfg(not(feature = "parquet"))]
fn parquet_sink(_: Box<dyn Write + Send>) -> Result<Box<dyn Sink>, Failure> {
    Err(Failure::Fatal(NO_PARQUET.into()))
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
    if let Some(dir) = &args.ngram_model {
        let m = tahrid::model::NgramModel::from_dir(dir)
            .map_err(|e| Failure::Fatal(format!("cannot load the n-gram model: {e}")))?;
        builder = builder.ngram(m);
    } else if args.ngram {
        builder = builder.ngram(tahrid::model::NgramModel::embedded().clone());
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

    let opts = ReadOptions {
        format: match args.input {
            Input::Jsonl | Input::Parquet => Format::Jsonl,
            Input::Lines => Format::Lines,
            Input::Text => Format::Text,
        },
        text_field: args.text_field.clone(),
        id_field: args.id_field.clone(),
        lossy: args.lossy,
    };

    // Open every input first: an unreadable file stops the run before any output.
    let stdin_only = args.files.is_empty() || args.files.iter().all(|f| f.as_os_str() == "-");
    let mut inputs: Vec<Opened> = Vec::new();
    if args.input == Input::Parquet {
        if stdin_only || args.files.iter().any(|f| f.as_os_str() == "-") {
            return Err(Failure::Fatal(
                "--input parquet reads files, not standard input (Parquet needs seeking)".into(),
            ));
        }
        for f in &args.files {
            inputs.push(open_parquet(f, &opts)?);
        }
    } else if stdin_only {
        inputs.push(Opened::Stream("-".into(), Box::new(io::stdin().lock())));
    } else {
        for f in &args.files {
            if f.as_os_str() == "-" {
                inputs.push(Opened::Stream("-".into(), Box::new(io::stdin().lock())));
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
            inputs.push(Opened::Stream(f.display().to_string(), Box::new(file)));
        }
    }

    let out: Box<dyn Write + Send> = match &args.output {
        Some(p) => Box::new(
            File::create(p)
                .map_err(|e| Failure::Fatal(format!("cannot create {}: {e}", p.display())))?,
        ),
        None => Box::new(io::stdout()),
    };
    let out = Box::new(BufWriter::with_capacity(1 << 16, out));
    let mut writer: Box<dyn Sink> = match args.output_format {
        Output::Jsonl => Box::new(Writer::new(out)),
        Output::Parquet => parquet_sink(out)?,
    };

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
    let runner = Runner::new().pool(std::sync::Arc::new(pool));
    let (mut records_before, mut bytes_before) = (0u64, 0u64);
    for input in inputs {
        let mut reader: Box<dyn Source> = match input {
            Opened::Stream(name, source) => {
                let source = BufReader::with_capacity(1 << 16, source);
                Box::new(Reader::new(name, source, &opts).starting_at(records_before))
            }
            #[cfg(feature = "parquet")]
            Opened::Parquet(source) => Box::new(source.starting_at(records_before)),
        };
        let result = runner.run(&tagger, reader.as_mut(), writer.as_mut(), |p| {
            bar.set_position(records_before + p.records);
            bar.set_message(rate(bytes_before + p.bytes, started));
        });
        match result {
            Ok(()) => {}
            Err(RunError::Write(e)) => return Err(e.into()),
            Err(e @ RunError::Read(_)) => {
                // what was written stays readable (a Parquet file gets its footer)
                writer.finish()?;
                return Err(Failure::Fatal(e.to_string()));
            }
        }
        records_before = reader.record_no();
        bytes_before += reader.bytes_read();
    }
    writer.finish()?;
    bar.finish();
    Ok(())
}

fn rate(bytes: u64, started: Instant) -> String {
    let secs = started.elapsed().as_secs_f64().max(1e-9);
    format!(
        "{:.1} MB, {:.1} MB/s",
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / secs
    )
}
