//! Batch runs: records in, one [`Record`] out per record in, in input order.
//!
//! This is the part of a corpus run that is not tagging: framing the input into records,
//! turning every record that cannot be processed into an error record instead of dropping it,
//! tagging in bounded chunks on the current rayon pool, and writing JSON lines (or, with the
//! `parquet` feature, Parquet). The `tag` example is a command line over this module; a
//! pipeline that reads its own sources can use the same pieces.
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
//! one given with [`Runner::pool`], and writes the chunk's records in input order. On a pool
//! of two threads or more, reading and writing overlap the tagging: while the pool tags the
//! next two chunks, the calling thread writes the chunk before them and reads the chunk after
//! them. The calling thread only frames records: a [`Reader`] hands lines over as bytes
//! ([`Pending`]), and their JSON parsing and UTF-8 validation run on the tagging threads, as
//! does the encoding of JSON lines. Memory is bounded by four chunks, whatever the input's size.
//!
//! # Sources and sinks
//! A [`Runner`] reads from any [`Source`] and writes to any [`Sink`]. The crate has a
//! [`Reader`] (JSON lines, lines, text) and a [`Writer`] (JSON lines); with the `parquet`
//! feature, `tahrid::batch::parquet` adds a Parquet source and sink for data that lives in Arrow-based tools
//! (Spark, pandas, Polars, DuckDB). A source of your own implements [`Source::next_item`] and
//! turns what it cannot read into [`Item::Bad`], so that every record still yields one output
//! record.
use std::collections::VecDeque;
use std::io;
use std::sync::{mpsc, Arc};

use rayon::prelude::*;
use rayon::ThreadPool;

use crate::report::Record;
use crate::tagger::Tagger;

mod read;
mod write;

#[cfg(feature = "parquet")]
pub mod parquet;

pub use read::{Format, Item, Pending, ReadError, ReadOptions, Reader, Source};
pub use write::{Encoder, Sink, Writer};

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
    /// chunk. Returns at the first I/O error, after writing every record read before it. The
    /// sink is not finished: several sources can run into one sink, and the caller calls
    /// [`Sink::finish`] after the last.
    ///
    /// With a pool of two threads or more, the calling thread reads and writes while the pool
    /// tags: chunks *k* and *k + 1* are tagged while the records of chunk *k − 1* are written
    /// and chunk *k + 2* is read, so reading and writing overlap the tagging instead of adding
    /// to it (a sink with an [`encoder`](Sink::encoder) also gets its records encoded on the
    /// tagging threads). With one thread (a run meant to use one core), and when called from
    /// inside a rayon pool's worker (where waiting on the pool could deadlock), the run reads,
    /// tags and writes in turn.
    pub fn run<S: Source + ?Sized, K: Sink + ?Sized>(
        &self,
        tagger: &Tagger,
        reader: &mut S,
        writer: &mut K,
        progress: impl FnMut(Progress),
    ) -> Result<(), RunError> {
        let threads = self
            .pool
            .as_ref()
            .map_or_else(rayon::current_num_threads, |p| p.current_num_threads());
        // one tagging thread means one thread in all; inside a worker, waiting could deadlock
        if threads < 2 || rayon::current_thread_index().is_some() {
            return self.run_serial(tagger, reader, writer, progress);
        }
        match &self.pool {
            Some(pool) => {
                pool.in_place_scope(|s| self.run_overlapped(s, tagger, reader, writer, progress))
            }
            None => {
                rayon::in_place_scope(|s| self.run_overlapped(s, tagger, reader, writer, progress))
            }
        }
    }

    /// Reads one chunk: its items, and the read error that ended it, if any.
    fn read_chunk<S: Source + ?Sized>(
        &self,
        reader: &mut S,
    ) -> (Vec<Pending>, bool, Option<ReadError>) {
        let mut chunk: Vec<Pending> = Vec::new();
        let mut chunk_bytes = 0;
        loop {
            match reader.next_pending() {
                Ok(Some(item)) => {
                    chunk_bytes += item.text_len();
                    chunk.push(item);
                    if chunk.len() >= self.max_records || chunk_bytes >= self.max_bytes {
                        return (chunk, false, None);
                    }
                }
                Ok(None) => return (chunk, true, None),
                Err(e) => return (chunk, true, Some(e)),
            }
        }
    }

    /// The overlapped run (see [`run`](Self::run)) inside a scope of the tagging pool.
    fn run_overlapped<'s, S: Source + ?Sized, K: Sink + ?Sized>(
        &self,
        scope: &rayon::Scope<'s>,
        tagger: &'s Tagger,
        reader: &mut S,
        writer: &mut K,
        mut progress: impl FnMut(Progress),
    ) -> Result<(), RunError> {
        let mut written = 0u64;
        // a sink that takes encoded records gets them encoded on the tagging threads
        let encoder = writer.encoder();
        // the chunks being tagged, oldest first: where their records will arrive, and the
        // bytes read up to their end (what progress reports once they are written)
        let mut pending: VecDeque<(mpsc::Receiver<Tagged>, u64)> = VecDeque::new();
        loop {
            let (chunk, end, failure) = self.read_chunk(reader);
            let bytes = reader.bytes_read();
            let next = (!chunk.is_empty()).then(|| {
                let (tx, rx) = mpsc::sync_channel(1);
                scope.spawn(move |_| {
                    let out = match encoder {
                        Some(encode) => {
                            let n = chunk.len() as u64;
                            // pieces of consecutive records, in input order; a record that
                            // cannot be encoded ends its piece, the records before it kept
                            let pieces = chunk
                                .into_par_iter()
                                .fold(
                                    || (Vec::new(), None),
                                    |(mut buf, failed): Piece, item| {
                                        if failed.is_some() {
                                            return (buf, failed);
                                        }
                                        let at = buf.len();
                                        match encode(&item.parse().tag(tagger), &mut buf) {
                                            Ok(()) => (buf, None),
                                            Err(e) => {
                                                buf.truncate(at);
                                                (buf, Some(e))
                                            }
                                        }
                                    },
                                )
                                .collect();
                            Tagged::Encoded(pieces, n)
                        }
                        None => Tagged::Records(
                            chunk
                                .into_par_iter()
                                .map(|i| i.parse().tag(tagger))
                                .collect(),
                        ),
                    };
                    // the receiver is gone only if the run already failed
                    let _ = tx.send(out);
                });
                (rx, bytes)
            });
            // write the oldest chunk while the ones after it are tagged
            let last = next.is_some() && end;
            pending.extend(next);
            while pending.len() > IN_FLIGHT || (end && pending.len() > usize::from(last)) {
                let Some((rx, bytes)) = pending.pop_front() else {
                    break;
                };
                written += write_tagged(rx, writer)?;
                progress(Progress {
                    records: written,
                    bytes,
                });
            }
            if end {
                // the last chunk's records, then the run's final count
                if let Some((rx, _)) = pending.pop_front() {
                    written += write_tagged(rx, writer)?;
                }
                progress(Progress {
                    records: written,
                    bytes,
                });
                return match failure {
                    Some(e) => Err(e.into()),
                    None => Ok(()),
                };
            }
        }
    }

    /// The run without overlap: read a chunk, tag it, write it.
    fn run_serial<S: Source + ?Sized, K: Sink + ?Sized>(
        &self,
        tagger: &Tagger,
        reader: &mut S,
        writer: &mut K,
        mut progress: impl FnMut(Progress),
    ) -> Result<(), RunError> {
        let mut records = 0u64;
        loop {
            let (chunk, end, failure) = self.read_chunk(reader);
            records += chunk.len() as u64;
            let tag = || -> Vec<Record> {
                chunk
                    .into_par_iter()
                    .map(|i| i.parse().tag(tagger))
                    .collect()
            };
            let out = match &self.pool {
                Some(pool) => pool.install(tag),
                None => tag(),
            };
            writer.write_chunk(&out)?;
            progress(Progress {
                records,
                bytes: reader.bytes_read(),
            });
            if let Some(e) = failure {
                return Err(e.into());
            }
            if end {
                return Ok(());
            }
        }
    }
}

/// A chunk's output from the tagging threads: records, or (for a sink with an encoder) the
/// records' bytes in pieces, with the number of records.
enum Tagged {
    Records(Vec<Record>),
    Encoded(Vec<Piece>, u64),
}

/// Encoded records, and the error that stopped the encoding of the next one, if any.
type Piece = (Vec<u8>, Option<io::Error>);

/// Chunks tagged at once in an overlapped run: while the oldest is written, the next ones
/// keep the pool busy (two, so that a worker finishing one chunk's tail finds the next).
const IN_FLIGHT: usize = 2;

/// Waits for a tagged chunk and writes it; returns its number of records.
fn write_tagged<K: Sink + ?Sized>(
    rx: mpsc::Receiver<Tagged>,
    writer: &mut K,
) -> Result<u64, RunError> {
    let out = rx
        .recv()
        .map_err(|_| io::Error::other("a tagging job stopped without its records"))?;
    match out {
        Tagged::Records(records) => {
            writer.write_chunk(&records)?;
            Ok(records.len() as u64)
        }
        Tagged::Encoded(pieces, n) => {
            for (bytes, failed) in pieces {
                // every record before one that could not be encoded is written
                writer.write_encoded(&bytes)?;
                if let Some(e) = failed {
                    return Err(e.into());
                }
            }
            Ok(n)
        }
    }
}
