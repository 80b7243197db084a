//! The Parquet sink: records serialized into Arrow batches, then written as Parquet.
use std::io::{self, Write};
use std::sync::Arc;

use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::batch::Sink;
use crate::report::Record;

/// Rows per row group when writing.
const ROW_GROUP_ROWS: usize = 65_536;

/// The Arrow schema of [`ParquetWriter`]'s output: the output record's fields, typed.
///
/// ```
/// let schema = tahrid::batch::parquet::record_schema();
/// let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
/// assert_eq!(names, ["id", "lang", "verdict", "hits", "rules", "cues", "error"]);
/// ```
pub fn record_schema() -> SchemaRef {
    let text = || DataType::Utf8;
    let field = |name: &str, t: DataType| Field::new(name, t, true);
    let scores = || {
        DataType::Struct(Fields::from(
            [
                "sectarian_hate",
                "incitement",
                "extremist_propaganda",
                "reporting",
                "neutral",
            ]
            .map(|label| field(label, DataType::Float32))
            .to_vec(),
        ))
    };
    let list_of = |fields: Vec<Field>| {
        DataType::List(Arc::new(Field::new(
            "item",
            DataType::Struct(Fields::from(fields)),
            true,
        )))
    };
    let span = |mut head: Vec<Field>, tail: Vec<Field>| {
        head.extend([
            field("start", DataType::Int64),
            field("end", DataType::Int64),
            field("text", text()),
        ]);
        head.extend(tail);
        head
    };
    let model = DataType::Struct(Fields::from(vec![
        field("name", text()),
        field("weight", DataType::Float32),
        field(
            "scores",
            DataType::Map(
                Arc::new(Field::new(
                    "entries",
                    DataType::Struct(Fields::from(vec![
                        Field::new("keys", text(), false),
                        field("values", DataType::Float32),
                    ])),
                    false,
                )),
                false,
            ),
        ),
        field("rules", scores()),
        field("rules_label", text()),
    ]));
    let verdict = DataType::Struct(Fields::from(vec![
        field("label", text()),
        field("score", DataType::Float32),
        field("scores", scores()),
        field(
            "reasons",
            DataType::List(Arc::new(Field::new("item", text(), true))),
        ),
        field("model", model),
    ]));
    let hit = span(
        vec![
            field("entry", text()),
            field("category", text()),
            field("severity", DataType::Int32),
            field("ambiguity", text()),
            field("lang", text()),
        ],
        vec![field("role", text()), field("variant", text())],
    );
    let rule = span(vec![field("rule", text())], vec![field("role", text())]);
    let cue = span(vec![field("kind", text())], vec![]);
    Arc::new(Schema::new(vec![
        field("id", text()),
        field("lang", text()),
        field("verdict", verdict),
        field("hits", list_of(hit)),
        field("rules", list_of(rule)),
        field("cues", list_of(cue)),
        field("error", text()),
    ]))
}

/// Writes records as a Parquet file with the columns of [`record_schema`].
///
/// Records are converted to Arrow a chunk at a time; call [`Sink::finish`] (or
/// [`ParquetWriter::close`]) after the last chunk to write the file's footer.
///
/// ```
/// use tahrid::batch::parquet::ParquetWriter;
/// use tahrid::batch::Sink;
/// use tahrid::{Record, Tagger};
///
/// let mut w = ParquetWriter::new(Vec::new())?;
/// w.write_chunk(&[Record::ok("1", Tagger::default().tag("the rafidah")), Record::error(2, "bad")])?;
/// let bytes = w.close()?;
/// assert_eq!(&bytes[..4], b"PAR1");
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct ParquetWriter<W: Write + Send> {
    state: State<W>,
    decoder: arrow_json::reader::Decoder,
}

/// A writer before and after its footer.
enum State<W: Write + Send> {
    Open(Box<ArrowWriter<W>>),
    Finished(W),
    /// Only while finishing, and after a failed finish.
    Gone,
}

impl<W: Write + Send> std::fmt::Debug for ParquetWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParquetWriter")
            .field("finished", &!matches!(self.state, State::Open(_)))
            .finish_non_exhaustive()
    }
}

fn write_error(e: impl std::error::Error + Send + Sync + 'static) -> io::Error {
    io::Error::other(e)
}

impl<W: Write + Send> ParquetWriter<W> {
    /// A writer into `out` (a file, or any `Write`: the format needs no seeking).
    pub fn new(out: W) -> io::Result<ParquetWriter<W>> {
        let schema = record_schema();
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_size(ROW_GROUP_ROWS)
            .build();
        let writer = ArrowWriter::try_new(out, schema.clone(), Some(props)).map_err(write_error)?;
        // The records' ids are strings or numbers: `coerce_primitive` writes numbers as text.
        // Fields of the record that the schema lacks are an error, so a new record field
        // cannot silently go missing from the Parquet output.
        let decoder = arrow_json::ReaderBuilder::new(schema)
            .with_coerce_primitive(true)
            .with_strict_mode(true)
            .with_batch_size(ROW_GROUP_ROWS)
            .build_decoder()
            .map_err(write_error)?;
        Ok(ParquetWriter {
            state: State::Open(Box::new(writer)),
            decoder,
        })
    }

    /// Writes the footer (unless [`Sink::finish`] did) and returns the output.
    pub fn close(mut self) -> io::Result<W> {
        self.finish()?;
        match std::mem::replace(&mut self.state, State::Gone) {
            State::Finished(out) => Ok(out),
            _ => Err(io::Error::other(
                "the Parquet output was lost by a failed finish",
            )),
        }
    }
}

impl<W: Write + Send> Sink for ParquetWriter<W> {
    fn write_chunk(&mut self, records: &[Record]) -> io::Result<()> {
        let State::Open(writer) = &mut self.state else {
            return Err(io::Error::other("the Parquet output is already finished"));
        };
        for piece in records.chunks(ROW_GROUP_ROWS) {
            self.decoder.serialize(piece).map_err(write_error)?;
            if let Some(batch) = self.decoder.flush().map_err(write_error)? {
                writer.write(&batch).map_err(write_error)?;
            }
        }
        Ok(())
    }

    /// Writes the last row group and the footer; a second call does nothing.
    fn finish(&mut self) -> io::Result<()> {
        match std::mem::replace(&mut self.state, State::Gone) {
            State::Open(writer) => {
                let mut out = writer.into_inner().map_err(write_error)?;
                out.flush()?;
                self.state = State::Finished(out);
                Ok(())
            }
            State::Finished(out) => {
                self.state = State::Finished(out);
                Ok(())
            }
            State::Gone => Err(io::Error::other(
                "the Parquet output was lost by a failed finish",
            )),
        }
    }
}
