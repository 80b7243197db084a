//! The batch module: one record out per record in, in order, errors as records, I/O failures
//! reported after everything read before them was written.
use std::io::{self, BufReader, Read, Write};

use serde_json::Value;
use tahrid::batch::{Format, Item, ReadOptions, Reader, RunError, Runner, Writer};
use tahrid::Tagger;

fn run(input: &[u8], opts: &ReadOptions, runner: Runner) -> Vec<Value> {
    let mut reader = Reader::new("input", input, opts);
    let mut writer = Writer::new(Vec::new());
    runner
        .run(&Tagger::default(), &mut reader, &mut writer, |_| {})
        .unwrap();
    let out = writer.into_inner();
    out.split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect()
}

/// A rayon pool of `threads` threads.
fn pool(threads: usize) -> std::sync::Arc<rayon::ThreadPool> {
    std::sync::Arc::new(
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap(),
    )
}

#[test]
fn every_record_gives_one_record_in_order_whatever_the_chunk_size() {
    let mut input = Vec::new();
    for i in 0..50 {
        match i % 5 {
            0 => input.extend_from_slice(b"not json\n"),
            1 => input.extend_from_slice(b"\n"),
            2 => input.extend_from_slice(b"{\"id\":\"x\",\"text\":7}\n"),
            3 => input.extend_from_slice(b"{\"text\":\"\xff\"}\n"),
            _ => input.extend_from_slice(
                format!("{{\"id\":{i},\"text\":\"kill the rafidah\"}}\n").as_bytes(),
            ),
        }
    }
    let opts = ReadOptions::default();
    let whole = run(&input, &opts, Runner::new());
    for n in [1, 3, 7, 64] {
        assert_eq!(
            run(&input, &opts, Runner::new().max_records(n)),
            whole,
            "chunks of {n}"
        );
    }
    assert_eq!(run(&input, &opts, Runner::new().max_bytes(1)), whole);
    // reading and writing overlap the tagging on a pool of two threads, not on one, nor when
    // called from inside a pool's worker: the same records either way
    for threads in [1, 2] {
        let pool = pool(threads);
        let runner = Runner::new().max_records(3).pool(pool.clone());
        assert_eq!(
            run(&input, &opts, runner.clone()),
            whole,
            "{threads} threads"
        );
        let inside = pool.install(|| run(&input, &opts, runner));
        assert_eq!(inside, whole, "{threads} threads, from a worker");
    }
    assert_eq!(whole.len(), 50);
    for (i, r) in whole.iter().enumerate() {
        let no = i + 1;
        match i % 5 {
            0 => assert!(r["error"]
                .as_str()
                .unwrap()
                .starts_with(&format!("record {no}: invalid JSON"))),
            1 => assert_eq!(r["error"], format!("record {no}: empty line")),
            2 => {
                assert_eq!(r["id"], "x");
                assert_eq!(
                    r["error"],
                    format!("record {no}: field `text` is not a string (found a number)")
                );
            }
            3 => assert!(r["error"].as_str().unwrap().contains("invalid JSON")),
            _ => {
                assert_eq!(r["id"], i);
                assert_eq!(r["error"], Value::Null);
                assert_eq!(r["verdict"]["label"], "incitement");
                assert!(!r["hits"].as_array().unwrap().is_empty());
            }
        }
    }
}

#[test]
fn numbering_continues_over_sources_and_text_sources_are_one_document() {
    let lines = ReadOptions {
        format: Format::Lines,
        ..Default::default()
    };
    let mut a = Reader::new("a", &b"one\ntwo\n"[..], &lines);
    assert_eq!(a.by_ref().count(), 2);
    let mut b = Reader::new("b", &b"three"[..], &lines).starting_at(a.record_no());
    assert_eq!(
        b.next_item().unwrap(),
        Some(Item::Doc {
            id: 3.into(),
            text: "three".into()
        })
    );
    assert_eq!(b.bytes_read(), 5);

    let text = ReadOptions {
        format: Format::Text,
        ..Default::default()
    };
    let mut t = Reader::new("notes.txt", &b"line one\nline two\n"[..], &text);
    assert_eq!(
        t.next_item().unwrap(),
        Some(Item::Doc {
            id: "notes.txt".into(),
            text: "line one\nline two\n".into()
        })
    );
    assert_eq!(t.next_item().unwrap(), None);
}

#[test]
fn invalid_utf8_is_an_error_record_or_lossy() {
    let strict = ReadOptions {
        format: Format::Lines,
        ..Default::default()
    };
    let mut r = Reader::new("-", &b"ok\nbad \xff here\n"[..], &strict);
    r.next_item().unwrap();
    assert_eq!(
        r.next_item().unwrap(),
        Some(Item::Bad {
            id: 2.into(),
            error: "invalid UTF-8 at byte 4".into()
        })
    );
    let lossy = ReadOptions {
        lossy: true,
        ..strict
    };
    let mut r = Reader::new("-", &b"bad \xff here\n"[..], &lossy);
    assert_eq!(
        r.next_item().unwrap(),
        Some(Item::Doc {
            id: 1.into(),
            text: "bad \u{fffd} here".into()
        })
    );
}

#[test]
fn custom_fields() {
    let opts = ReadOptions {
        text_field: "body".into(),
        id_field: "key".into(),
        ..Default::default()
    };
    let out = run(
        b"{\"key\":\"k1\",\"body\":\"hello\"}\n{\"id\":\"ignored\",\"text\":\"x\"}\n",
        &opts,
        Runner::new(),
    );
    assert_eq!(out[0]["id"], "k1");
    assert_eq!(out[0]["error"], Value::Null);
    assert_eq!(out[1]["id"], 2);
    assert_eq!(out[1]["error"], "record 2: field `body` is missing");
}

/// Yields `data`, then fails.
struct Failing(io::Cursor<Vec<u8>>);

impl Read for Failing {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.0.read(buf)? {
            0 => Err(io::Error::other("disk on fire")),
            n => Ok(n),
        }
    }
}

#[test]
fn a_read_error_stops_the_run_after_writing_what_came_before() {
    let source = BufReader::with_capacity(4, Failing(io::Cursor::new(b"a\nb\nc\n".to_vec())));
    let lines = ReadOptions {
        format: Format::Lines,
        ..Default::default()
    };
    let mut reader = Reader::new("corpus.txt", source, &lines);
    let mut writer = Writer::new(Vec::new());
    let err = Runner::new()
        .max_records(2)
        .run(&Tagger::default(), &mut reader, &mut writer, |_| {})
        .unwrap_err();
    assert!(matches!(err, RunError::Read(_)));
    assert_eq!(err.to_string(), "cannot read corpus.txt: disk on fire");
    let out = String::from_utf8(writer.into_inner()).unwrap();
    assert_eq!(out.lines().count(), 3);
}

/// Accepts `room` bytes, then reports a closed pipe.
struct ClosedPipe(usize);

impl Write for ClosedPipe {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.0 == 0 {
            return Err(io::ErrorKind::BrokenPipe.into());
        }
        let n = buf.len().min(self.0);
        self.0 -= n;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_write_error_is_reported_as_such() {
    let lines = ReadOptions {
        format: Format::Lines,
        ..Default::default()
    };
    let mut reader = Reader::new("-", &b"a\nb\nc\n"[..], &lines);
    let mut writer = Writer::new(ClosedPipe(10));
    let err = Runner::new()
        .run(&Tagger::default(), &mut reader, &mut writer, |_| {})
        .unwrap_err();
    match err {
        RunError::Write(e) => assert_eq!(e.kind(), io::ErrorKind::BrokenPipe),
        other => panic!("expected a write error, got {other}"),
    }
}

#[test]
fn progress_counts_records_and_bytes() {
    let lines = ReadOptions {
        format: Format::Lines,
        ..Default::default()
    };
    let mut reader = Reader::new("-", &b"a\nbb\r\nccc\n"[..], &lines);
    let mut writer = Writer::new(io::sink());
    let mut seen = Vec::new();
    Runner::new()
        .max_records(2)
        .run(&Tagger::default(), &mut reader, &mut writer, |p| {
            seen.push((p.records, p.bytes))
        })
        .unwrap();
    assert_eq!(seen, vec![(2, 6), (3, 10)]);
}

/// A sink of records (no encoder): the runner hands it records, not bytes.
struct Collect(Vec<tahrid::Record>);

impl tahrid::batch::Sink for Collect {
    fn write_chunk(&mut self, records: &[tahrid::Record]) -> io::Result<()> {
        self.0.extend_from_slice(records);
        Ok(())
    }
    fn finish(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_sink_of_records_gets_every_record_in_order_on_any_pool() {
    let lines = ReadOptions {
        format: Format::Lines,
        ..Default::default()
    };
    let input: String = (0..40)
        .map(|i| format!("line {i} kill the rafidah\n"))
        .collect();
    let expected = run(input.as_bytes(), &lines, Runner::new());
    for threads in [1, 2] {
        let mut reader = Reader::new("input", input.as_bytes(), &lines);
        let mut sink = Collect(Vec::new());
        Runner::new()
            .max_records(7)
            .pool(pool(threads))
            .run(&Tagger::default(), &mut reader, &mut sink, |_| {})
            .unwrap();
        let got: Vec<Value> = sink
            .0
            .iter()
            .map(|r| serde_json::to_value(r).unwrap())
            .collect();
        assert_eq!(got, expected, "{threads} threads");
    }
}

/// A JSON-lines sink whose encoder refuses record 5.
struct Picky(Vec<u8>);

fn picky_line(record: &tahrid::Record, buf: &mut Vec<u8>) -> io::Result<()> {
    if record.id == 5 {
        buf.extend_from_slice(b"{\"partial");
        return Err(io::Error::other("record 5 cannot be encoded"));
    }
    serde_json::to_writer(&mut *buf, record)?;
    buf.push(b'\n');
    Ok(())
}

impl tahrid::batch::Sink for Picky {
    fn write_chunk(&mut self, records: &[tahrid::Record]) -> io::Result<()> {
        let mut buf = Vec::new();
        for r in records {
            picky_line(r, &mut buf)?;
        }
        self.0.extend_from_slice(&buf);
        Ok(())
    }
    fn finish(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn encoder(&self) -> Option<tahrid::batch::Encoder> {
        Some(picky_line)
    }
    fn write_encoded(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.0.extend_from_slice(bytes);
        Ok(())
    }
}

#[test]
fn records_encoded_on_the_tagging_threads_are_written_up_to_one_that_fails() {
    let lines = ReadOptions {
        format: Format::Lines,
        ..Default::default()
    };
    let input: String = (1..=20).map(|i| format!("line {i}\n")).collect();
    let mut reader = Reader::new("input", input.as_bytes(), &lines);
    let mut sink = Picky(Vec::new());
    let err = Runner::new()
        .pool(pool(2))
        .run(&Tagger::default(), &mut reader, &mut sink, |_| {})
        .unwrap_err();
    assert!(
        err.to_string().contains("record 5 cannot be encoded"),
        "{err}"
    );
    let ids: Vec<u64> = sink
        .0
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| {
            serde_json::from_slice::<Value>(l).unwrap()["id"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(ids, [1, 2, 3, 4]);
}

#[test]
fn pending_records_parse_to_what_next_item_gives() {
    // every kind of line a JSON-lines or lines source can hold, with and without lossy
    let input: &[u8] = b"{\"id\":\"a\",\"text\":\"kill the rafidah\"}\nnot json\n\n  \n\
        {\"text\":7}\n{\"id\":null,\"text\":\"x\"}\n[1]\n{\"text\":\"\xff\"}\n\xffraw\r\nlast";
    for format in [Format::Jsonl, Format::Lines, Format::Text] {
        for lossy in [false, true] {
            let opts = ReadOptions {
                format,
                lossy,
                ..Default::default()
            };
            let mut items = Reader::new("in", input, &opts).starting_at(3);
            let mut pending = Reader::new("in", input, &opts).starting_at(3);
            let mut n = 0;
            loop {
                let item = items.next_item().unwrap();
                let p = pending.next_pending().unwrap();
                assert_eq!(item, p.map(|p| p.parse()), "{format:?} lossy={lossy}");
                if item.is_none() {
                    break;
                }
                n += 1;
            }
            assert_eq!(items.record_no(), pending.record_no());
            assert_eq!(items.bytes_read(), pending.bytes_read());
            assert_eq!(n, if format == Format::Text { 1 } else { 10 });
        }
    }
}
