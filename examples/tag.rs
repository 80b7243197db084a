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
//! so memory stays bounded whatever the input size. Reading, chunking and writing are the
//! library's [`tahrid::batch`] module; this file is the command line.
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tahrid::batch::{Format, ReadOptions, Reader, RunError, Runner, Writer};
use tahrid::Tagger;

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
    let out = BufWriter::with_capacity(1 << 16, out);

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
    let opts = ReadOptions {
        format: match args.input {
            Input::Jsonl => Format::Jsonl,
            Input::Lines => Format::Lines,
            Input::Text => Format::Text,
        },
        text_field: args.text_field.clone(),
        id_field: args.id_field.clone(),
        lossy: args.lossy,
    };
    let mut writer = Writer::new(out);
    let runner = Runner::new().pool(std::sync::Arc::new(pool));
    let (mut records_before, mut bytes_before) = (0u64, 0u64);
    for (name, source) in inputs {
        let source = BufReader::with_capacity(1 << 16, source);
        let mut reader = Reader::new(name, source, &opts).starting_at(records_before);
        let result = runner.run(&tagger, &mut reader, &mut writer, |p| {
            bar.set_position(records_before + p.records);
            bar.set_message(rate(bytes_before + p.bytes, started));
        });
        match result {
            Ok(()) => {}
            Err(RunError::Write(e)) => return Err(e.into()),
            Err(e @ RunError::Read(_)) => return Err(Failure::Fatal(e.to_string())),
        }
        records_before = reader.record_no();
        bytes_before += reader.bytes_read();
    }
    writer.flush()?;
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
