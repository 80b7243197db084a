//! The `tag` example loses nothing: one record per input record, in order, error records for
//! bad input, clear failures for unreadable files and invalid lexicons, quiet on a closed pipe.
mod common;

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use serde_json::Value;

fn tag_bin() -> &'static PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| common::build_tag(&[]))
}

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(tag_bin())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

fn records(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("every output line is JSON"))
        .collect()
}

fn tmp(name: &str, content: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tahrid-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

#[test]
fn one_record_per_input_line_in_order_with_any_thread_count() {
    let mut input = String::new();
    for i in 0..3000 {
        let text = if i % 7 == 0 {
            "kill the rafidah"
        } else {
            "nothing here"
        };
        input.push_str(&format!("{{\"id\": \"d{i}\", \"text\": \"{text} {i}\"}}\n"));
    }
    for threads in ["1", "2", "4"] {
        let out = run(&["--threads", threads], input.as_bytes());
        assert!(out.status.success());
        let recs = records(&out);
        assert_eq!(recs.len(), 3000);
        for (i, r) in recs.iter().enumerate() {
            assert_eq!(r["id"], format!("d{i}"));
            assert_eq!(r["error"], Value::Null);
            assert_eq!(
                r["hits"].as_array().unwrap().len(),
                if i % 7 == 0 { 2 } else { 0 }
            );
        }
    }
}

#[test]
fn bad_records_become_error_records_and_the_run_goes_on() {
    let mut input = Vec::new();
    input.extend_from_slice(b"{\"id\": 1, \"text\": \"rafidah\"}\n");
    input.extend_from_slice(b"{not json\n");
    input.extend_from_slice(b"{\"id\": 3}\n");
    input.extend_from_slice(b"{\"id\": 4, \"text\": 42}\n");
    input.extend_from_slice(b"\n");
    input.extend_from_slice(b"[1, 2]\n");
    input.extend_from_slice(b"{\"id\": 7, \"text\": \"bad \xff\xfe utf8\"}\n");
    input.extend_from_slice(b"{\"text\": \"no id, rafidah\"}\r\n");
    input.extend_from_slice(b"{\"id\": 9, \"text\": \"last line without newline\"}");
    let out = run(&[], &input);
    assert!(out.status.success());
    let recs = records(&out);
    assert_eq!(recs.len(), 9);
    assert_eq!(recs[0]["hits"][0]["entry"], "rafidah");
    assert!(recs[1]["error"].as_str().unwrap().contains("invalid JSON"));
    assert_eq!(recs[1]["id"], 2);
    assert_eq!(recs[2]["error"], "record 3: field `text` is missing");
    assert_eq!(
        recs[3]["error"],
        "record 4: field `text` is not a string (found a number)"
    );
    assert_eq!(recs[4]["error"], "record 5: empty line");
    assert_eq!(recs[5]["error"], "record 6: expected a JSON object");
    assert!(
        recs[6]["error"].as_str().unwrap().contains("invalid JSON"),
        "{}",
        recs[6]
    );
    assert_eq!(recs[7]["id"], 8);
    assert_eq!(recs[7]["hits"][0]["text"], "rafidah");
    assert_eq!(recs[8]["id"], 9);
    assert_eq!(recs[8]["error"], Value::Null);
}

#[test]
fn invalid_utf8_is_an_error_record_or_lossy_on_request() {
    let input = b"good rafidah\nbad \xff rafidah\n";
    let strict = records(&run(&["--input", "lines"], input));
    assert_eq!(strict.len(), 2);
    assert_eq!(strict[0]["id"], 1);
    assert_eq!(strict[1]["error"], "invalid UTF-8 at byte 4");
    let lossy = records(&run(&["--input", "lines", "--lossy"], input));
    assert_eq!(lossy[1]["hits"][0]["text"], "rafidah");
    assert_eq!(lossy[1]["error"], Value::Null);
}

#[test]
fn text_mode_makes_each_file_one_document() {
    let a = tmp("a.txt", "first line\nkill the rafidah\n".as_bytes());
    let b = tmp("b.txt", b"nothing");
    let out = run(
        &["--input", "text", a.to_str().unwrap(), b.to_str().unwrap()],
        b"",
    );
    let recs = records(&out);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["id"], a.display().to_string());
    assert_eq!(recs[0]["hits"][0]["start"], "first line\n".len());
    assert_eq!(recs[1]["hits"].as_array().unwrap().len(), 0);
}

#[test]
fn output_file_and_custom_fields() {
    let out_path =
        std::env::temp_dir().join(format!("tahrid-cli-out-{}.jsonl", std::process::id()));
    let out = run(
        &[
            "--text-field",
            "body",
            "--id-field",
            "key",
            "--output",
            out_path.to_str().unwrap(),
        ],
        b"{\"key\": \"k1\", \"body\": \"rafidah\"}\n",
    );
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(&out_path).unwrap();
    let rec: Value = serde_json::from_str(written.trim()).unwrap();
    assert_eq!(rec["id"], "k1");
    assert_eq!(rec["hits"][0]["entry"], "rafidah");
    std::fs::remove_file(out_path).unwrap();
}

#[test]
fn unreadable_input_stops_with_a_clear_message() {
    let out = run(&["/no/such/file.jsonl"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot read /no/such/file.jsonl"), "{err}");
}

#[test]
fn the_ngram_stage_explains_every_record_and_a_missing_model_stops_the_run() {
    let input = b"{\"id\":1,\"text\":\"kill the rafidah\"}\n{\"id\":2,\"text\":\"a quiet day at the market\"}\n";
    let out = run(&["--ngram"], input);
    assert!(out.status.success());
    let recs = records(&out);
    assert_eq!(recs.len(), 2);
    for r in &recs {
        let reasons = r["verdict"]["reasons"].as_array().unwrap();
        assert!(
            reasons
                .iter()
                .any(|x| x.as_str().unwrap().starts_with("n-gram model `")),
            "{r}"
        );
    }
    let out = run(&["--ngram-model", "/no/such/model"], input);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot load the n-gram model: /no/such/model/model.toml"),
        "{err}"
    );
}

#[test]
fn invalid_lexicon_stops_with_a_clear_message() {
    let lex = tmp("bad.toml", b"[[entry]]\nid = \"x\"\ncategory = \"nope\"\n");
    let out = run(&["--lexicon", lex.to_str().unwrap()], b"{\"text\":\"x\"}\n");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("invalid lexicon") && err.contains("field `category`"),
        "{err}"
    );
}

#[test]
fn a_closed_stdout_ends_the_run_quietly() {
    let mut input = String::new();
    for i in 0..200_000 {
        input.push_str(&format!("{{\"id\": {i}, \"text\": \"some text {i}\"}}\n"));
    }
    let path = tmp("big.jsonl", input.as_bytes());
    let mut child = Command::new(tag_bin())
        .arg(path.to_str().unwrap())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout); // like `| head -c 64`
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(status.success(), "exit {status:?}, stderr {err}");
    assert!(err.is_empty(), "{err}");
}

#[test]
fn the_readme_sample_gives_one_valid_record_per_line() {
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/sample.jsonl");
    let out = run(&[sample], b"");
    assert!(out.status.success());
    let lines = std::fs::read_to_string(sample).unwrap().lines().count();
    assert_eq!(records(&out).len(), lines);
}
