//! Records out as JSON lines ([`Writer`]).
use std::io::{self, Write};

use crate::report::Record;

/// Where a batch run's records go: chunks of records, in input order.
///
/// [`Writer`] is the crate's sink for JSON lines. [`Runner::run`](super::Runner::run) calls
/// [`write_chunk`](Sink::write_chunk) once per chunk; whoever owns the sink calls
/// [`finish`](Sink::finish) once after the last run (also after a failed one, so that what was
/// written stays readable: a Parquet file needs its footer).
pub trait Sink {
    /// Writes the records of one chunk.
    fn write_chunk(&mut self, records: &[Record]) -> io::Result<()>;
    /// Completes the output (flushes a buffer, writes a file's footer). Called once, last.
    fn finish(&mut self) -> io::Result<()>;
    /// For a sink that writes every record as bytes of its own (as JSON lines do): how to
    /// encode one record. A runner then encodes records on the tagging threads and hands the
    /// sink their bytes ([`write_encoded`](Sink::write_encoded)) instead of the records.
    /// `None` (the default) means records.
    fn encoder(&self) -> Option<Encoder> {
        None
    }
    /// Writes records encoded by [`encoder`](Sink::encoder), in input order. Called only
    /// on sinks that return an encoder; the default refuses.
    fn write_encoded(&mut self, bytes: &[u8]) -> io::Result<()> {
        let _ = bytes;
        Err(io::Error::other(
            "this sink takes records, not encoded bytes",
        ))
    }
}

/// Appends the bytes of one record to a buffer (see [`Sink::encoder`]).
pub type Encoder = fn(&Record, &mut Vec<u8>) -> io::Result<()>;

/// A record as one JSON line: the encoding of [`Writer`].
fn json_line(record: &Record, buf: &mut Vec<u8>) -> io::Result<()> {
    serde_json::to_writer(&mut *buf, record).map_err(io::Error::from)?;
    buf.push(b'\n');
    Ok(())
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
        json_line(record, &mut self.buf)?;
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

impl<W: Write> Sink for Writer<W> {
    fn write_chunk(&mut self, records: &[Record]) -> io::Result<()> {
        records.iter().try_for_each(|r| self.write(r))
    }

    fn finish(&mut self) -> io::Result<()> {
        self.flush()
    }

    fn encoder(&self) -> Option<Encoder> {
        Some(json_line)
    }

    fn write_encoded(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)
    }
}
