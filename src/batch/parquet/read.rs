//! The Parquet source: two columns of a file, read a batch at a time.
use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Int64Type, UInt64Type};
use arrow_array::{Array, ArrayRef, RecordBatch, StringArray};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ProjectionMask;
use serde_json::Value;

use crate::batch::read::decode;
use crate::batch::{Item, ReadError, ReadOptions, Source};

/// Rows decoded per Arrow batch when reading.
const READ_BATCH_ROWS: usize = 1024;

/// How the text column's values are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TextKind {
    Str,
    Bytes,
}

/// Reads the records of a Parquet file: a text column and, optionally, an id column.
///
/// See the [module page](super) for the types read and the example. Implements [`Source`] and
/// `Iterator<Item = Result<Item, ReadError>>`.
pub struct ParquetReader {
    name: String,
    batches: ParquetRecordBatchReader,
    text_field: String,
    id_field: String,
    text_kind: TextKind,
    has_id: bool,
    lossy: bool,
    /// The current batch's text and id columns, and the next row in it.
    texts: Option<ArrayRef>,
    ids: Option<ArrayRef>,
    row: usize,
    record_no: u64,
    bytes: u64,
    done: bool,
}

impl std::fmt::Debug for ParquetReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParquetReader")
            .field("name", &self.name)
            .field("text_field", &self.text_field)
            .field("record_no", &self.record_no)
            .finish_non_exhaustive()
    }
}

fn invalid(name: &str, message: String) -> ReadError {
    ReadError {
        name: name.to_string(),
        source: io::Error::new(io::ErrorKind::InvalidData, message),
    }
}

fn parquet_error(name: &str, e: impl std::error::Error + Send + Sync + 'static) -> ReadError {
    ReadError {
        name: name.to_string(),
        source: io::Error::new(io::ErrorKind::InvalidData, e),
    }
}

/// How a column of this type is read as text, if it can be.
fn text_kind(t: &DataType) -> Option<TextKind> {
    match t {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Some(TextKind::Str),
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView => Some(TextKind::Bytes),
        DataType::Dictionary(_, value) => text_kind(value),
        _ => None,
    }
}

impl ParquetReader {
    /// Opens a Parquet file and checks its text column (and id column, if any).
    ///
    /// Fails when the file cannot be opened, is not Parquet, has no column
    /// [`ReadOptions::text_field`], or that column does not hold text or bytes. The message
    /// names the file and, for a missing column, the columns there are.
    pub fn open(path: impl AsRef<Path>, opts: &ReadOptions) -> Result<ParquetReader, ReadError> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let file = File::open(path).map_err(|source| ReadError {
            name: name.clone(),
            source,
        })?;
        ParquetReader::from_file(name, file, opts)
    }

    /// Reads an open file, called `name` in errors.
    pub fn from_file(
        name: impl Into<String>,
        file: File,
        opts: &ReadOptions,
    ) -> Result<ParquetReader, ReadError> {
        let name = name.into();
        let builder =
            ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| parquet_error(&name, e))?;
        let schema = builder.schema().clone();
        let find = |field: &str| schema.fields().iter().position(|f| f.name() == field);
        let Some(text_at) = find(&opts.text_field) else {
            let columns: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
            return Err(invalid(
                &name,
                format!(
                    "no column `{}` (columns: {})",
                    opts.text_field,
                    columns.join(", ")
                ),
            ));
        };
        let text_type = schema.field(text_at).data_type();
        let Some(text_kind) = text_kind(text_type) else {
            return Err(invalid(
                &name,
                format!(
                    "column `{}` holds {text_type}, not text (a string or binary column)",
                    opts.text_field
                ),
            ));
        };
        let id_at = find(&opts.id_field).filter(|&i| i != text_at);
        let roots: Vec<usize> = [Some(text_at), id_at].into_iter().flatten().collect();
        let mask = ProjectionMask::roots(builder.parquet_schema(), roots);
        let batches = builder
            .with_projection(mask)
            .with_batch_size(READ_BATCH_ROWS)
            .build()
            .map_err(|e| parquet_error(&name, e))?;
        Ok(ParquetReader {
            name,
            batches,
            text_field: opts.text_field.clone(),
            id_field: opts.id_field.clone(),
            text_kind,
            has_id: id_at.is_some(),
            lossy: opts.lossy,
            texts: None,
            ids: None,
            row: 0,
            record_no: 0,
            bytes: 0,
            done: false,
        })
    }

    /// Numbers this source's records after `record_no` records of earlier sources.
    pub fn starting_at(mut self, record_no: u64) -> ParquetReader {
        self.record_no = record_no;
        self
    }

    /// The number of the last record read (counting the records before
    /// [`starting_at`](Self::starting_at)).
    pub fn record_no(&self) -> u64 {
        self.record_no
    }

    /// Bytes of text read so far (the file's own size differs: Parquet is compressed).
    pub fn bytes_read(&self) -> u64 {
        self.bytes
    }

    /// The next record, `None` at the end of the file.
    pub fn next_item(&mut self) -> Result<Option<Item>, ReadError> {
        if self.done {
            return Ok(None);
        }
        while self.texts.as_ref().map_or(true, |t| self.row >= t.len()) {
            match self.batches.next() {
                None => {
                    self.done = true;
                    self.texts = None;
                    self.ids = None;
                    return Ok(None);
                }
                Some(Err(e)) => {
                    self.done = true;
                    return Err(parquet_error(&self.name, e));
                }
                Some(Ok(batch)) => self.load(&batch)?,
            }
        }
        let row = self.row;
        self.row += 1;
        self.record_no += 1;
        let id = self.id(row);
        let texts = self.texts.as_ref().expect("loaded above");
        if texts.is_null(row) {
            return Ok(Some(Item::Bad {
                id,
                error: format!(
                    "record {}: field `{}` is null",
                    self.record_no, self.text_field
                ),
            }));
        }
        let item = match self.text_kind {
            TextKind::Str => {
                let text = match texts.data_type() {
                    DataType::Utf8 => texts.as_string::<i32>().value(row),
                    DataType::LargeUtf8 => texts.as_string::<i64>().value(row),
                    _ => texts.as_string_view().value(row),
                };
                self.bytes += text.len() as u64;
                Item::Doc {
                    id,
                    text: text.to_string(),
                }
            }
            TextKind::Bytes => {
                let bytes = match texts.data_type() {
                    DataType::Binary => texts.as_binary::<i32>().value(row),
                    DataType::LargeBinary => texts.as_binary::<i64>().value(row),
                    _ => texts.as_binary_view().value(row),
                };
                self.bytes += bytes.len() as u64;
                match decode(id, bytes.to_vec(), self.lossy) {
                    Item::Bad { id, error } => Item::Bad {
                        id,
                        error: format!("record {}: {error}", self.record_no),
                    },
                    doc => doc,
                }
            }
        };
        Ok(Some(item))
    }

    /// Takes the text and id columns of a new batch, dictionary-encoded ones decoded.
    fn load(&mut self, batch: &RecordBatch) -> Result<(), ReadError> {
        let column = |field: &str| -> Result<Option<ArrayRef>, ReadError> {
            let Some(col) = batch.column_by_name(field) else {
                return Ok(None);
            };
            Ok(Some(match col.data_type() {
                DataType::Dictionary(_, value) => {
                    arrow_cast::cast(col, value).map_err(|e| parquet_error(&self.name, e))?
                }
                _ => col.clone(),
            }))
        };
        let texts = column(&self.text_field)?;
        let ids = if self.has_id {
            column(&self.id_field)?.and_then(id_column)
        } else {
            None
        };
        self.texts = texts;
        self.ids = ids;
        self.row = 0;
        Ok(())
    }

    /// The id of `row` in the current batch: the id column's value, or the record number.
    fn id(&self, row: usize) -> Value {
        let fallback = Value::from(self.record_no);
        let Some(ids) = &self.ids else {
            return fallback;
        };
        if ids.is_null(row) {
            return fallback;
        }
        match ids.data_type() {
            DataType::Int64 => Value::from(ids.as_primitive::<Int64Type>().value(row)),
            DataType::UInt64 => Value::from(ids.as_primitive::<UInt64Type>().value(row)),
            DataType::LargeUtf8 => Value::from(ids.as_string::<i64>().value(row)),
            DataType::Utf8View => Value::from(ids.as_string_view().value(row)),
            _ => Value::from(ids.as_string::<i32>().value(row)),
        }
    }
}

/// An id column in one of the forms [`ParquetReader::id`] reads, converted once per batch:
/// integers widened to 64 bits, strings as they are, any other type as its display text.
/// `None` (ids from record numbers) for a type that has no display form.
fn id_column(ids: ArrayRef) -> Option<ArrayRef> {
    let t = ids.data_type();
    let widened = if t.is_signed_integer() {
        arrow_cast::cast(&ids, &DataType::Int64).ok()
    } else if t.is_unsigned_integer() {
        arrow_cast::cast(&ids, &DataType::UInt64).ok()
    } else {
        None
    };
    if widened.is_some() {
        return widened;
    }
    match t {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Some(ids),
        _ => {
            let f = ArrayFormatter::try_new(ids.as_ref(), &FormatOptions::default()).ok()?;
            let text: StringArray = (0..ids.len())
                .map(|i| (!ids.is_null(i)).then(|| f.value(i).to_string()))
                .collect();
            Some(Arc::new(text))
        }
    }
}

impl Source for ParquetReader {
    fn next_item(&mut self) -> Result<Option<Item>, ReadError> {
        ParquetReader::next_item(self)
    }

    fn record_no(&self) -> u64 {
        self.record_no
    }

    fn bytes_read(&self) -> u64 {
        self.bytes
    }
}

impl Iterator for ParquetReader {
    type Item = Result<Item, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_item().transpose()
    }
}
