//! Framing a byte stream into records: JSON lines, lines, or one text ([`Reader`]).
use std::io::{self, BufRead};
use std::sync::Arc;

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

/// A record as a [`Source`] read it, parsed or not yet.
///
/// A batch run ([`Runner`](super::Runner)) frames records on the calling thread and hands
/// them to the tagging threads; [`Reader`]'s records are handed over as bytes, and the JSON
/// parsing and UTF-8 validation ([`parse`](Self::parse)) run on the tagging threads, so that
/// the one thread that reads does as little as it can. Parsing a pending record gives exactly
/// the [`Item`] that [`Reader::next_item`] gives for it.
///
/// ```
/// use tahrid::batch::{Format, Item, ReadOptions, Reader, Source};
/// let opts = ReadOptions { format: Format::Jsonl, ..Default::default() };
/// let mut reader = Reader::new("-", "{\"id\":7,\"text\":\"hello\"}\n".as_bytes(), &opts);
/// let pending = reader.next_pending().unwrap().unwrap();
/// assert_eq!(pending.text_len(), 23); // the whole line, before parsing
/// assert_eq!(pending.parse(), Item::Doc { id: 7.into(), text: "hello".into() });
/// ```
#[derive(Clone, Debug)]
pub struct Pending(Raw);

#[derive(Clone, Debug)]
enum Raw {
    /// Parsed already.
    Item(Item),
    /// A line of a [`Reader`], its record number and the reader's options.
    Line {
        bytes: Vec<u8>,
        record_no: u64,
        opts: Arc<ReadOptions>,
    },
}

impl Pending {
    /// The record, parsed: JSON and UTF-8 errors become [`Item::Bad`].
    pub fn parse(self) -> Item {
        match self.0 {
            Raw::Item(item) => item,
            Raw::Line {
                bytes,
                record_no,
                opts,
            } => {
                let default_id = Value::from(record_no);
                match opts.format {
                    Format::Jsonl => parse_jsonl(&bytes, default_id, &opts, record_no),
                    _ => decode(default_id, bytes, opts.lossy),
                }
            }
        }
    }

    /// Bytes of text the record holds, as far as it is known before parsing (a JSON line's
    /// whole length): what a run counts to bound its chunks.
    pub fn text_len(&self) -> usize {
        match &self.0 {
            Raw::Item(Item::Doc { text, .. }) => text.len(),
            Raw::Item(Item::Bad { .. }) => 0,
            Raw::Line { bytes, .. } => bytes.len(),
        }
    }
}

impl From<Item> for Pending {
    fn from(item: Item) -> Pending {
        Pending(Raw::Item(item))
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

/// Where a batch run's records come from: one record at a time, in order.
///
/// [`Reader`] is the crate's source for JSON lines, lines and text. A source of your own turns
/// every record it cannot make sense of into [`Item::Bad`] (which becomes an error record) and
/// returns `Err` only when the source itself fails, which stops the run.
///
/// ```
/// use tahrid::batch::{Item, ReadError, Runner, Source, Writer};
///
/// /// Documents held in memory, numbered from 1.
/// struct Posts(std::vec::IntoIter<&'static str>, u64);
///
/// impl Source for Posts {
///     fn next_item(&mut self) -> Result<Option<Item>, ReadError> {
///         Ok(self.0.next().map(|text| {
///             self.1 += 1;
///             Item::Doc { id: self.1.into(), text: text.to_string() }
///         }))
///     }
///     fn record_no(&self) -> u64 { self.1 }
///     fn bytes_read(&self) -> u64 { 0 }
/// }
///
/// let mut posts = Posts(vec!["kill the rafidah", "hello"].into_iter(), 0);
/// let mut out = Writer::new(Vec::new());
/// Runner::new().run(&tahrid::Tagger::default(), &mut posts, &mut out, |_| {}).unwrap();
/// assert_eq!(out.into_inner().iter().filter(|&&b| b == b'\n').count(), 2);
/// ```
pub trait Source {
    /// The next record, `None` at the end of the source.
    fn next_item(&mut self) -> Result<Option<Item>, ReadError>;
    /// The next record, possibly not parsed yet (see [`Pending`]); a batch run reads with
    /// this. The default wraps [`next_item`](Self::next_item); a source that can defer its
    /// parsing to the tagging threads overrides it, and then `next_item` must give what
    /// `next_pending` followed by [`Pending::parse`] gives.
    fn next_pending(&mut self) -> Result<Option<Pending>, ReadError> {
        Ok(self.next_item()?.map(Pending::from))
    }
    /// The number of the last record read (the run's numbering, if it spans sources).
    fn record_no(&self) -> u64;
    /// Bytes read so far, for progress reports; what counts as a byte is the source's to say.
    fn bytes_read(&self) -> u64;
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
    opts: Arc<ReadOptions>,
    record_no: u64,
    bytes: u64,
    done: bool,
    /// The line being read (reused; each record gets an exact-size copy).
    line: Vec<u8>,
}

impl<R: BufRead> Reader<R> {
    /// A reader of `source`, called `name` in errors and, for [`Format::Text`], as the id.
    pub fn new(name: impl Into<String>, source: R, opts: &ReadOptions) -> Reader<R> {
        Reader {
            source,
            name: name.into(),
            opts: Arc::new(opts.clone()),
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
        Ok(self.next_pending()?.map(Pending::parse))
    }

    /// The next record, framed but not parsed: a line's bytes (see [`Pending`]).
    pub fn next_pending(&mut self) -> Result<Option<Pending>, ReadError> {
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
            return Ok(Some(Pending::from(decode(
                Value::String(self.name.clone()),
                buf,
                self.opts.lossy,
            ))));
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
        let mut line = &self.line[..];
        if let Some(l) = line.strip_suffix(b"\n") {
            line = l.strip_suffix(b"\r").unwrap_or(l);
        }
        self.record_no += 1;
        Ok(Some(Pending(Raw::Line {
            bytes: line.to_vec(),
            record_no: self.record_no,
            opts: Arc::clone(&self.opts),
        })))
    }
}

impl<R: BufRead> Source for Reader<R> {
    fn next_item(&mut self) -> Result<Option<Item>, ReadError> {
        Reader::next_item(self)
    }

    fn next_pending(&mut self) -> Result<Option<Pending>, ReadError> {
        Reader::next_pending(self)
    }

    fn record_no(&self) -> u64 {
        self.record_no
    }

    fn bytes_read(&self) -> u64 {
        self.bytes
    }
}

impl<R: BufRead> Iterator for Reader<R> {
    type Item = Result<Item, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_item().transpose()
    }
}

pub(super) fn decode(id: Value, bytes: Vec<u8>, lossy: bool) -> Item {
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
