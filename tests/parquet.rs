//! Parquet in and out (feature `parquet`): the same records as JSON lines, one row per input
//! row, error rows for null or undecodable texts, clear errors for unusable files; and the same
//! through the `tag` example.
#![cfg(feature = "parquet")]

mod common;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, OnceLock};

use arrow_array::{
    ArrayRef, BinaryArray, Float64Array, Int32Array, RecordBatch, StringArray, UInt8Array,
};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use serde_json::Value;
use tahrid::batch::parquet::{record_schema, ParquetReader, ParquetWriter};
use tahrid::batch::{Item, ReadOptions, Reader, Runner, Sink, Writer};
use tahrid::Tagger;

fn tmp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tahrid-parquet-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write_parquet(path: &Path, columns: Vec<(&str, ArrayRef)>) {
    let batch = RecordBatch::try_from_iter(columns).unwrap();
    let mut w = ArrowWriter::try_new(File::create(path).unwrap(), batch.schema(), None).unwrap();
    // several small batches, so that reading crosses batch and row-group edges
    for start in (0..batch.num_rows()).step_by(37) {
        let len = 37.min(batch.num_rows() - start);
        w.write(&batch.slice(start, len)).unwrap();
        w.flush().unwrap();
    }
    w.close().unwrap();
}

/// The rows of a Parquet file as JSON objects, null fields left out.
fn parquet_rows(path: &Path) -> Vec<Value> {
    let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap())
        .unwrap()
        .build()
        .unwrap();
    let mut out = Vec::new();
    {
        let mut w = arrow_json::ArrayWriter::new(&mut out);
        for batch in reader {
            w.write(&batch.unwrap()).unwrap();
        }
        w.finish().unwrap();
    }
    if out.is_empty() {
        return Vec::new();
    }
    serde_json::from_slice::<Vec<Value>>(&out).unwrap()
}

/// A JSON record as it reads back from Parquet: null fields dropped, the id as text.
fn as_parquet_row(record: &Value) -> Value {
    fn drop_nulls(v: &Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k.clone(), drop_nulls(v)))
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.iter().map(drop_nulls).collect()),
            other => other.clone(),
        }
    }
    let mut r = drop_nulls(record);
    let id = match &r["id"] {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    r["id"] = Value::String(id);
    r
}

fn fixture_cases() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/functional");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for f in files {
        for line in std::fs::read_to_string(f).unwrap().lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            cases.push((
                v["id"].as_str().unwrap().to_string(),
                v["text"].as_str().unwrap().to_string(),
            ));
        }
    }
    cases
}

fn jsonl_records(input: &str) -> Vec<Value> {
    let mut reader = Reader::new("input", input.as_bytes(), &ReadOptions::default());
    let mut writer = Writer::new(Vec::new());
    Runner::new()
        .run(&Tagger::default(), &mut reader, &mut writer, |_| {})
        .unwrap();
    String::from_utf8(writer.into_inner())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn parquet_in_and_out_gives_the_jsonl_records_on_every_functional_fixture() {
    let cases = fixture_cases();
    assert!(cases.len() >= 260);
    let dir = tmp_dir();
    let (input, output) = (dir.join("fixtures.parquet"), dir.join("tagged.parquet"));
    let ids: Vec<&str> = cases.iter().map(|(id, _)| id.as_str()).collect();
    let texts: Vec<&str> = cases.iter().map(|(_, t)| t.as_str()).collect();
    write_parquet(
        &input,
        vec![
            ("text", Arc::new(StringArray::from(texts)) as ArrayRef),
            ("id", Arc::new(StringArray::from(ids)) as ArrayRef),
        ],
    );

    let mut reader = ParquetReader::open(&input, &ReadOptions::default()).unwrap();
    let mut writer = ParquetWriter::new(File::create(&output).unwrap()).unwrap();
    Runner::new()
        .max_records(50)
        .run(&Tagger::default(), &mut reader, &mut writer, |_| {})
        .unwrap();
    writer.finish().unwrap();
    writer.finish().unwrap(); // a second finish does nothing
    assert_eq!(reader.record_no(), cases.len() as u64);

    let jsonl: String = cases
        .iter()
        .map(|(id, text)| serde_json::json!({"id": id, "text": text}).to_string() + "\n")
        .collect();
    let want: Vec<Value> = jsonl_records(&jsonl).iter().map(as_parquet_row).collect();
    let got = parquet_rows(&output);
    assert_eq!(got.len(), want.len());
    let with_hits = want
        .iter()
        .filter(|r| r["hits"].as_array().is_some_and(|h| !h.is_empty()));
    assert!(with_hits.count() > 150);
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g, w);
    }
}

#[test]
fn null_and_undecodable_texts_are_error_rows_and_ids_keep_their_type() {
    let dir = tmp_dir();
    let path = dir.join("bytes.parquet");
    let texts: Vec<Option<&[u8]>> = vec![
        Some("kill the rafidah".as_bytes()),
        None,
        Some(b"\xffrafidah"),
        Some("الروافض".as_bytes()),
    ];
    write_parquet(
        &path,
        vec![
            (
                "id",
                Arc::new(Int32Array::from(vec![Some(7), Some(8), None, Some(10)])) as ArrayRef,
            ),
            ("text", Arc::new(BinaryArray::from(texts)) as ArrayRef),
        ],
    );
    let items: Vec<Item> = ParquetReader::open(&path, &ReadOptions::default())
        .unwrap()
        .starting_at(100)
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        items,
        vec![
            Item::Doc {
                id: 7.into(),
                text: "kill the rafidah".into()
            },
            Item::Bad {
                id: 8.into(),
                error: "record 102: field `text` is null".into()
            },
            Item::Bad {
                id: 103.into(),
                error: "record 103: invalid UTF-8 at byte 0".into()
            },
            Item::Doc {
                id: 10.into(),
                text: "الروافض".into()
            },
        ]
    );
    let lossy = ReadOptions {
        lossy: true,
        ..Default::default()
    };
    let items: Vec<Item> = ParquetReader::open(&path, &lossy)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        items[2],
        Item::Doc {
            id: 3.into(),
            text: "\u{FFFD}rafidah".into()
        }
    );
}

#[test]
fn unsigned_ids_stay_numbers_and_other_ids_become_their_display_text() {
    let dir = tmp_dir();
    let path = dir.join("ids.parquet");
    let texts = || Arc::new(StringArray::from(vec!["a", "b", "c"])) as ArrayRef;
    write_parquet(
        &path,
        vec![
            ("text", texts()),
            (
                "id",
                Arc::new(UInt8Array::from(vec![Some(200), None, Some(7)])) as ArrayRef,
            ),
            (
                "score",
                Arc::new(Float64Array::from(vec![Some(1.5), Some(2.0), None])) as ArrayRef,
            ),
        ],
    );
    let ids = |id_field: &str| -> Vec<Value> {
        let opts = ReadOptions {
            id_field: id_field.into(),
            ..Default::default()
        };
        ParquetReader::open(&path, &opts)
            .unwrap()
            .map(|item| match item.unwrap() {
                Item::Doc { id, .. } | Item::Bad { id, .. } => id,
            })
            .collect()
    };
    assert_eq!(
        ids("id"),
        [Value::from(200), Value::from(2), Value::from(7)]
    );
    assert_eq!(
        ids("score"),
        [Value::from("1.5"), Value::from("2.0"), Value::from(3)]
    );
}

#[test]
fn a_file_without_a_usable_text_column_is_a_clear_error() {
    let dir = tmp_dir();
    let path = dir.join("numbers.parquet");
    write_parquet(
        &path,
        vec![
            ("body", Arc::new(Int32Array::from(vec![1, 2])) as ArrayRef),
            (
                "lang",
                Arc::new(StringArray::from(vec!["ar", "en"])) as ArrayRef,
            ),
        ],
    );
    let err = |opts: &ReadOptions| ParquetReader::open(&path, opts).unwrap_err().to_string();
    let name = path.display();
    assert_eq!(
        err(&ReadOptions::default()),
        format!("cannot read {name}: no column `text` (columns: body, lang)")
    );
    let body = ReadOptions {
        text_field: "body".into(),
        ..Default::default()
    };
    assert_eq!(
        err(&body),
        format!(
            "cannot read {name}: column `body` holds Int32, not text (a string or binary column)"
        )
    );
    let not_parquet = dir.join("not.parquet");
    std::fs::write(&not_parquet, "{\"text\": \"hello\"}\n").unwrap();
    let e = ParquetReader::open(&not_parquet, &ReadOptions::default()).unwrap_err();
    assert!(e
        .to_string()
        .starts_with(&format!("cannot read {}: ", not_parquet.display())));
    let missing = ParquetReader::open(dir.join("missing.parquet"), &ReadOptions::default());
    assert_eq!(
        missing.unwrap_err().source.kind(),
        std::io::ErrorKind::NotFound
    );
}

#[test]
fn the_writer_refuses_to_write_after_its_footer() {
    let mut w = ParquetWriter::new(Vec::new()).unwrap();
    w.write_chunk(&[tahrid::Record::error(1, "x")]).unwrap();
    w.finish().unwrap();
    let e = w.write_chunk(&[tahrid::Record::error(2, "y")]).unwrap_err();
    assert_eq!(e.to_string(), "the Parquet output is already finished");
    let bytes = w.close().unwrap();
    assert!(bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"));
    assert_eq!(record_schema().fields().len(), 7);
}

fn tag_bin() -> &'static PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| common::build_tag(&["parquet"]))
}

fn tag(args: &[&str]) -> Output {
    Command::new(tag_bin())
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

#[test]
fn the_tag_example_reads_and_writes_parquet() {
    let dir = tmp_dir();
    let input = dir.join("cli-in.parquet");
    let texts = vec![Some("kill the rafidah"), None, Some("hello"), Some("")];
    write_parquet(
        &input,
        vec![("text", Arc::new(StringArray::from(texts)) as ArrayRef)],
    );
    let input_s = input.to_str().unwrap();

    // Parquet in, JSON lines out: one record per row, numbered across files
    let out = tag(&["--input", "parquet", input_s, input_s]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 8);
    assert_eq!(lines[0]["verdict"]["label"], "incitement");
    assert_eq!(lines[1]["error"], "record 2: field `text` is null");
    assert_eq!(lines[5]["error"], "record 6: field `text` is null");
    assert_eq!(lines[7]["id"], 8);

    // JSON lines in, Parquet out: the same records
    let output = dir.join("cli-out.parquet");
    let out = tag(&[
        "--output-format",
        "parquet",
        "--output",
        output.to_str().unwrap(),
        "fixtures/sample.jsonl",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sample = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sample.jsonl"),
    )
    .unwrap();
    let want: Vec<Value> = jsonl_records(&sample).iter().map(as_parquet_row).collect();
    assert_eq!(parquet_rows(&output), want);

    // unusable input: exit 2 before any output
    for (args, message) in [
        (
            vec!["--input", "parquet", "--text-field", "body", input_s],
            format!("tag: cannot read {input_s}: no column `body` (columns: text)\n"),
        ),
        (
            vec!["--input", "parquet"],
            "tag: --input parquet reads files, not standard input (Parquet needs seeking)\n"
                .to_string(),
        ),
    ] {
        let out = tag(&args);
        assert_eq!(out.status.code(), Some(2));
        assert!(out.stdout.is_empty());
        assert_eq!(String::from_utf8(out.stderr).unwrap(), message);
    }
}
