//! Parquet in and out (feature `parquet`): a [`ParquetReader`] source and a [`ParquetWriter`]
//! sink for [`Runner`](super::Runner).
//!
//! `read.rs` is the source (a projection of two columns, decoded a batch at a time); `write.rs`
//! the sink (records serialized into Arrow batches against [`record_schema`], then Parquet).
//!
//! ```
//! use tahrid::batch::parquet::{ParquetReader, ParquetWriter};
//! use tahrid::batch::{ReadOptions, Runner, Sink};
//! # let dir = std::env::temp_dir().join(format!("tahrid-pq-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir).unwrap();
//! # let (input, output) = (dir.join("posts.parquet"), dir.join("tagged.parquet"));
//! # {   // a Parquet file with columns `id` and `text`, as Spark or pandas would write it
//! #     use std::sync::Arc;
//! #     use arrow_array::{ArrayRef, RecordBatch, StringArray};
//! #     let ids: ArrayRef = Arc::new(StringArray::from(vec!["a", "b"]));
//! #     let texts: ArrayRef = Arc::new(StringArray::from(vec![Some("kill the rafidah"), None]));
//! #     let batch = RecordBatch::try_from_iter([("id", ids), ("text", texts)]).unwrap();
//! #     let file = std::fs::File::create(&input).unwrap();
//! #     let mut w = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).unwrap();
//! #     w.write(&batch).unwrap();
//! #     w.close().unwrap();
//! # }
//! let mut reader = ParquetReader::open(&input, &ReadOptions::default())?;
//! let mut writer = ParquetWriter::new(std::fs::File::create(&output)?)?;
//! Runner::new().run(&tahrid::Tagger::default(), &mut reader, &mut writer, |_| {})?;
//! writer.finish()?; // writes the footer: without it the file is not Parquet
//!
//! // one row per input row: `b` has a null text, so its row is an error record
//! use arrow_array::{cast::AsArray, Array};
//! let file = std::fs::File::open(&output)?;
//! let batch = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)?
//!     .build()?
//!     .next()
//!     .expect("one batch")?;
//! assert_eq!(batch.num_rows(), 2);
//! let errors = batch["error"].as_string::<i32>();
//! assert!(errors.is_null(0));
//! assert_eq!(errors.value(1), "record 2: field `text` is null");
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Input
//! [`ParquetReader`] reads two columns of a Parquet file, [`ReadOptions::text_field`](super::ReadOptions::text_field) and
//! [`ReadOptions::id_field`](super::ReadOptions::id_field) (top-level columns; every other column is skipped unread). The text
//! column may hold strings (`Utf8`, `LargeUtf8`, `Utf8View`, dictionary-encoded strings) or
//! bytes (`Binary` and its large and view forms, decoded as UTF-8, lossily with
//! [`ReadOptions::lossy`](super::ReadOptions::lossy)). A row whose text is null or not UTF-8 becomes an error record; a file
//! without the text column, or whose text column holds something else (numbers, lists), stops
//! the run before any record with [`ReadError`](super::ReadError). Ids keep their type: integer ids become JSON
//! numbers, string ids strings, other types their display form; a null id, or no id column,
//! gives the record number, as for JSON lines.
//!
//! # Output
//! [`ParquetWriter`] writes one row per record with the columns of [`record_schema`]: the
//! record's fields as in the JSON output, typed (`verdict` a struct of label, score, five
//! scores, reasons and the optional model opinion; `hits`, `rules` and `cues` lists of structs
//! with `Int64` byte offsets). `id` is a string column: a numeric id is written in decimal. An
//! error record has null `lang`, `verdict`, `hits`, `rules` and `cues` and its message in
//! `error`. Pages are Snappy-compressed; row groups hold at most 65,536 rows, so memory stays
//! bounded on a long run.
mod read;
mod write;

pub use read::ParquetReader;
pub use write::{record_schema, ParquetWriter};
