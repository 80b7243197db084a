//! Batch runs: records in, one [`Record`] out per record in, in input order.
//!
//! This is the part of a corpus run that is not tagging: framing the input into records,
//! turning every record that cannot be processed into an error record instead of dropping it,
//! tagging in bounded chunks on the current rayon pool, and writing JSON lines. The `tag`
//! example is a command line over this module; a pipeline that reads its own sources can use
//! the same pieces.
//!
//! ```
//! use tahrid::batch::{Format, ReadOptions, Reader, Runner, Writer};
//! use tahrid::Tagger;
//!
//! let input = "{\"id\":\"a\",\"text\":\"kill the rafidah\"}\nnot json\n{\"text\":\"hello\"}\n";
//! let mut reader = Reader::new("input", input.as_bytes(), &ReadOptions::default());
//! let mut writer = Writer::new(Vec::new());
//! Runner::new().run(&Tagger::default(), &mut reader, &mut writer, |_| {}).unwrap();
//!
//! let out = String::from_utf8(writer.into_inner()).unwrap();
//! let lines: Vec<&str> = out.lines().collect();
//! assert_eq!(lines.len(), 3); // one record out per record in
//! assert!(lines[0].starts_with(r#"{"id":"a","lang":"en","verdict":{"label":"incitement""#));
//! assert!(lines[1].starts_with(r#"{"id":2,"error":"record 2: invalid JSON"#));
//! assert!(lines[2].starts_with(r#"{"id":3,"lang":"en""#)); // no id: the record number
//! ```
//!
//! # Records
//! A [`Reader`] frames one source in a [`Format`]: JSON lines (an object per line, with the
//! text and id fields of [`ReadOptions`]), plain lines (one document per line), or the whole
//! source as one document. A line's `\n` or `\r\n` is not part of it. Every record gets a
//! 1-based number; [`Reader::starting_at`] continues the numbering over several sources, so a
//! record without an id is named by its position in the whole run. A record that cannot be
//! processed (an empty JSON line, invalid JSON, a missing or non-string text field, invalid
//! UTF-8 unless [`ReadOptions::lossy`]) becomes [`Item::Bad`] with a message that names its
//! record number, and the run goes on. Only an I/O error on the source stops it
//! ([`RunError::Read`]); the records before it have been written by then.
//!
//! # Chunks
//! A [`Runner`] reads records into a chunk of at most [`Runner::max_records`] records and
//! [`Runner::max_bytes`] bytes of text, tags the chunk in parallel on rayon's global pool or the
//! one given with [`Runner::pool`], and writes the chunk's records in input order
//! before reading on. Memory is bounded by the chunk, whatever the input's size.
use std::io::{self, BufRead, Write};
use std::sync::Arc;

use rayon::prelude::*;
use rayon::ThreadPool;
use serde_json::Value;

use crate::report::Record;
use crate::tagger::Tagger;

/// How a source is framed into records.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line, holding the text and, optionally, an id.
    #[default]
    Jsonl,
    /// One document per line; a document's id is its record number.
    Lines,
    /// The whole source is one document; its id is the source's name.
    Text,
}

/// How a [`Reader`] reads its source.
///
/// ```
/// use tahrid::batch::{Format, ReadOptions};
/// let opts = ReadOptions { format: Format::Jsonl, text_field: "body".into(), ..Default::default() };
/// assert_eq!(opts.id_field, "id");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadOptions {
    /// The framing.
    pub format: Format,
    /// The JSON field that holds the text (JSON lines only); default `text`.
    pub text_field: String,
    /// The JSON field that holds the id (JSON lines only); default `id`.
    pub id_field: String,
    /// Decode invalid UTF-8 with U+FFFD instead of making an error record; default `false`.
    pub lossy: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            format: Format::Jsonl,
            text_field: "text".into(),
            id_field: "id".into(),
            lossy: false,
        }
    }
}

/// One input record, parsed as far as it could be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// A document to tag.
    Doc {
        /// The record's id, as given, or its number or source name.
        id: Value,
        /// The text.
        text: String,
    },
    /// A record that cannot be processed; it becomes an error record.
    Bad {
        /// The record's id, as far as it could be read, or its number.
        id: Value,
        /// Why the record cannot be processed.
        error: String,
    },
}

impl Item {
    /// The output record of a bad item, or the report of a document.
    ///
    /// ```
    /// use tahrid::batch::Item;
    /// let bad = Item::Bad { id: 4.into(), error: "record 4: empty line".into() };
    /// let record = bad.tag(&tahrid::Tagger::default());
    /// assert_eq!(record.error.as_deref(), Some("record 4: empty line"));
    /// ```
    pub fn tag(self, tagger: &Tagger) -> Record {
        match self {
            Item::Doc { id, text } => Record::ok(id, tagger.tag(&text)),
            Item::Bad { id, error } => Record::error(id, error),
        }
    }
}

/// An I/O error on a source: `cannot read NAME: ERROR`.
#[derive(Debug, thiserror::Error)]
#[error("cannot read {name}: {source}")]
pub struct ReadError {
    /// The source's name.
    pub name: String,
    /// The I/O error.
    pub source: io::Error,
}

/// Why a batch run stopped.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// A source could not be read.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The output could not be written (a closed pipe is `io::ErrorKind::BrokenPipe`).
    #[error("cannot write output: {0}")]
    Write(#[from] io::Error),
}

/// Reads the records of one source.
///
/// ```
/// use tahrid::batch::{Format, Item, ReadOptions, Reader};
/// let opts = ReadOptions { format: Format::Lines, ..Default::default() };
/// let mut reader = Reader::new("-", "first\r\nsecond\n".as_bytes(), &opts).starting_at(10);
/// assert_eq!(reader.next_item().unwrap(), Some(Item::Doc { id: 11.into(), text: "first".into() }));
/// assert_eq!(reader.next_item().unwrap(), Some(Item::Doc { id: 12.into(), text: "second".into() }));
/// assert_eq!(reader.next_item().unwrap(), None);
/// assert_eq!(reader.record_no(), 12);
/// ```
#[derive(Debug)]
pub struct Reader<R> {
    source: R,
    name: String,
    opts: ReadOptions,
    record_no: u64,
    bytes: u64,
    done: bool,
    line: Vec<u8>,
}

impl<R: BufRead> Reader<R> {
    /// A reader of `source`, called `name` in errors and, for [`Format::Text`], as the id.
    pub fn new(name: impl Into<String>, source: R, opts: &ReadOptions) -> Reader<R> {
        Reader {
            source,
            name: name.into(),
            opts: opts.clone(),
            record_no: 0,
            bytes: 0,
            done: false,
            line: Vec::new(),
        }
    }

    /// Numbers this source's records after `record_no` records of earlier sources.
    pub fn starting_at(mut self, record_no: u64) -> Reader<R> {
        self.record_no = record_no;
        self
    }

    /// The number of the last record read (counting the records before
    /// [`starting_at`](Self::starting_at)).
    pub fn record_no(&self) -> u64 {
        self.record_no
    }

    /// Bytes read from the source so far, line ends included.
    pub fn bytes_read(&self) -> u64 {
        self.bytes
    }

    /// The next record, `None` at the end of the source.
    pub fn next_item(&mut self) -> Result<Option<Item>, ReadError> {
        if self.done {
            return Ok(None);
        }
        let err = |name: &str, source| ReadError {
            name: name.to_string(),
            source,
        };
        if self.opts.format == Format::Text {
            self.done = true;
            let mut buf = Vec::new();
            self.source
                .read_to_end(&mut buf)
                .map_err(|e| err(&self.name, e))?;
            self.record_no += 1;
            self.bytes += buf.len() as u64;
            return Ok(Some(decode(
                Value::String(self.name.clone()),
                buf,
                self.opts.lossy,
            )));
        }
        self.line.clear();
        let n = self
            .source
            .read_until(b'\n', &mut self.line)
            .map_err(|e| err(&self.name, e))?;
        if n == 0 {
            self.done = true;
            return Ok(None);
        }
        self.bytes += n as u64;
        if self.line.ends_with(b"\n") {
            self.line.pop();
            if self.line.ends_with(b"\r") {
                self.line.pop();
            }
        }
        self.record_no += 1;
        let default_id = Value::from(self.record_no);
        Ok(Some(match self.opts.format {
            Format::Lines => decode(default_id, std::mem::take(&mut self.line), self.opts.lossy),
            _ => parse_jsonl(&self.line, default_id, &self.opts, self.record_no),
        }))
    }
}

impl<R: BufRead> Iterator for Reader<R> {
    type Item = Result<Item, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_item().transpose()
    }
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

fn parse_jsonl(line: &[u8], default_id: Value, opts: &ReadOptions, record_no: u64) -> Item {
    if line.iter().all(u8::is_ascii_whitespace) {
        return Item::Bad {
            id: default_id,
            error: format!("record {record_no}: empty line"),
        };
    }
    let owned;
    let line = if opts.lossy {
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
    let id = match obj.remove(&opts.id_field) {
        Some(Value::Null) | None => default_id,
        Some(v) => v,
    };
    match obj.remove(&opts.text_field) {
        Some(Value::String(text)) => Item::Doc { id, text },
        Some(other) => Item::Bad {
            id,
            error: format!(
                "record {record_no}: field `{}` is not a string (found {})",
                opts.text_field,
                kind(&other)
            ),
        },
        None => Item::Bad {
            id,
            error: format!("record {record_no}: field `{}` is missing", opts.text_field),
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

/// Writes records as JSON lines, one per line, serialized through one reused buffer.
///
/// ```
/// use tahrid::batch::Writer;
/// use tahrid::Record;
/// let mut w = Writer::new(Vec::new());
/// w.write(&Record::error(1, "record 1: empty line")).unwrap();
/// assert_eq!(w.into_inner(), b"{\"id\":1,\"error\":\"record 1: empty line\"}\n");
/// ```
#[derive(Debug)]
pub struct Writer<W> {
    out: W,
    buf: Vec<u8>,
}

impl<W: Write> Writer<W> {
    /// A writer into `out` (wrap files and stdout in a `BufWriter`).
    pub fn new(out: W) -> Writer<W> {
        Writer {
            out,
            buf: Vec::with_capacity(4096),
        }
    }

    /// Writes one record and its line end.
    pub fn write(&mut self, record: &Record) -> io::Result<()> {
        self.buf.clear();
        serde_json::to_writer(&mut self.buf, record).map_err(io::Error::from)?;
        self.buf.push(b'\n');
        self.out.write_all(&self.buf)
    }

    /// Flushes the output.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// The output, flushed or not.
    pub fn into_inner(self) -> W {
        self.out
    }
}

/// How far a run has come; passed to the progress callback after every chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Records written by this run so far.
    pub records: u64,
    /// Bytes read from the source so far.
    pub bytes: u64,
}

/// Tags a source's records in chunks, in parallel, and writes them in input order.
///
/// ```
/// use tahrid::batch::{Format, ReadOptions, Reader, Runner, Writer};
/// let opts = ReadOptions { format: Format::Lines, ..Default::default() };
/// let text = "a\nb\nc\nd\ne\n";
/// let mut reader = Reader::new("-", text.as_bytes(), &opts);
/// let mut writer = Writer::new(Vec::new());
/// let mut chunks = 0;
/// Runner::new()
///     .max_records(2)
///     .run(&tahrid::Tagger::default(), &mut reader, &mut writer, |_| chunks += 1)
///     .unwrap();
/// assert_eq!(chunks, 3);
/// assert_eq!(writer.into_inner().split(|&b| b == b'\n').filter(|l| !l.is_empty()).count(), 5);
/// ```
#[derive(Clone, Debug)]
pub struct Runner {
    max_records: usize,
    max_bytes: usize,
    pool: Option<Arc<ThreadPool>>,
}

impl Default for Runner {
    fn default() -> Self {
        Runner::new()
    }
}

impl Runner {
    /// A runner with chunks of at most 2,048 records and 16 MiB of text.
    pub fn new() -> Runner {
        Runner {
            max_records: 2048,
            max_bytes: 16 << 20,
            pool: None,
        }
    }

    /// Tags on this thread pool instead of rayon's global one.
    pub fn pool(mut self, pool: Arc<ThreadPool>) -> Runner {
        self.pool = Some(pool);
        self
    }

    /// At most this many records per chunk (at least 1).
    pub fn max_records(mut self, n: usize) -> Runner {
        self.max_records = n.max(1);
        self
    }

    /// A chunk is tagged once its records hold this many bytes of text.
    pub fn max_bytes(mut self, n: usize) -> Runner {
        self.max_bytes = n;
        self
    }

    /// Reads `reader` to its end, tagging and writing every record; calls `progress` after each
    /// chunk. Returns at the first I/O error, after writing
    /// every record read before it.
    pub fn run<R: BufRead, W: Write>(
        &self,
        tagger: &Tagger,
        reader: &mut Reader<R>,
        writer: &mut Writer<W>,
        mut progress: impl FnMut(Progress),
    ) -> Result<(), RunError> {
        let mut chunk: Vec<Item> = Vec::new();
        let mut chunk_bytes = 0;
        let mut records = 0u64;
        loop {
            let (end, failure) = match reader.next_item() {
                Ok(Some(item)) => {
                    if let Item::Doc { text, .. } = &item {
                        chunk_bytes += text.len();
                    }
                    chunk.push(item);
                    (false, None)
                }
                Ok(None) => (true, None),
                Err(e) => (true, Some(e)),
            };
            if end || chunk.len() >= self.max_records || chunk_bytes >= self.max_bytes {
                records += chunk.len() as u64;
                let mut tag =
                    || -> Vec<Record> { chunk.par_drain(..).map(|i| i.tag(tagger)).collect() };
                let out = match &self.pool {
                    Some(pool) => pool.install(tag),
                    None => tag(),
                };
                for r in &out {
                    writer.write(r)?;
                }
                chunk_bytes = 0;
                progress(Progress {
                    records,
                    bytes: reader.bytes_read(),
                });
            }
            if let Some(e) = failure {
                return Err(e.into());
            }
            if end {
                return Ok(());
            }
        }
    }
}
