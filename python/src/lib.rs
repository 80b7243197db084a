//! Python bindings for tahrid: the extension module `tahrid._tahrid` (PyO3).
//!
//! The Python package `tahrid` (in `python/tahrid/`) re-exports what this module defines:
//! [`PyTagger`] as `tahrid.Tagger`, and the exceptions `TahridError` and `LexiconError`.
//!
//! How a call runs:
//! 1. With the GIL held, every input is read as a `&str` borrowed from its Python object
//!    (`str` needs no copy; `bytes` are checked as UTF-8). An input that is not text becomes an
//!    error for `tag` and an error record for `tag_batch`.
//! 2. Without the GIL, on rayon (the tagger's own pool if it has one), the texts are tagged and
//!    each report becomes the JSON record of the `tag` example, parsed back into a
//!    `serde_json::Value`. Going through the JSON text keeps the record identical to the CLI's,
//!    down to the shortest form of every `f32` score. Each hit, cue and rule also gets
//!    `char_start`/`char_end`, code-point offsets for Python's `text[start:end]`.
//! 3. With the GIL, the values become dicts and lists.
use std::path::PathBuf;
use std::sync::Arc;

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString};
use rayon::prelude::*;
use serde_json::{Map, Value};
use tahrid::{Record, Report};

create_exception!(
    _tahrid,
    TahridError,
    PyException,
    "Base class of tahrid's errors."
);
create_exception!(
    _tahrid,
    LexiconError,
    TahridError,
    "A lexicon, cue or weight file is invalid; the message names the file, entry and field."
);

/// A tagger: the lexicon compiled into a matcher, with the context and classify stages.
///
/// Build it once and reuse it; it is safe to share between threads.
#[pyclass(name = "Tagger", module = "tahrid", frozen)]
struct PyTagger {
    tagger: tahrid::Tagger,
    pool: Option<Arc<rayon::ThreadPool>>,
    describe: String,
}

/// A text read from a Python object: borrowed from a `str`, or copied from a `bytearray`.
enum Text<'a> {
    Borrowed(&'a str),
    Owned(String),
}

impl Text<'_> {
    fn as_str(&self) -> &str {
        match self {
            Text::Borrowed(s) => s,
            Text::Owned(s) => s,
        }
    }
}

/// One output record to make: an id and a tagged text, or an id and an error message.
type Pending<'a> = (Value, Result<(&'a str, Report), String>);

/// Why an input could not be read as text, and which Python exception `tag` raises for it.
struct BadText {
    type_error: bool,
    message: String,
}

fn read_text<'a>(obj: &'a Bound<'_, PyAny>) -> Result<Text<'a>, BadText> {
    if let Ok(s) = obj.cast::<PyString>() {
        return s.to_str().map(Text::Borrowed).map_err(|_| BadText {
            type_error: false,
            message: "text contains a lone surrogate (U+D800..U+DFFF), which UTF-8 cannot encode"
                .into(),
        });
    }
    let utf8 = |r: Result<&'a str, std::str::Utf8Error>| {
        r.map_err(|e| BadText {
            type_error: false,
            message: format!("text is not valid UTF-8: {e}"),
        })
    };
    if let Ok(b) = obj.cast::<PyBytes>() {
        return utf8(std::str::from_utf8(b.as_bytes())).map(Text::Borrowed);
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        let bytes = b.to_vec();
        return match String::from_utf8(bytes) {
            Ok(s) => Ok(Text::Owned(s)),
            Err(e) => Err(BadText {
                type_error: false,
                message: format!("text is not valid UTF-8: {}", e.utf8_error()),
            }),
        };
    }
    let type_name = obj
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".into());
    Err(BadText {
        type_error: true,
        message: if obj.is_none() {
            "text is None, expected str or bytes".into()
        } else {
            format!("text must be str or bytes, not {type_name}")
        },
    })
}

/// A record id from Python: `str`, `int` or `None` (as in the JSON record).
fn read_id(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Value> {
    let Some(obj) = obj else {
        return Ok(Value::Null);
    };
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.to_str()?.to_owned()));
    }
    if obj.is_instance_of::<PyInt>() && !obj.is_instance_of::<PyBool>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::from(i));
        }
        if let Ok(u) = obj.extract::<u64>() {
            return Ok(Value::from(u));
        }
        return Err(PyValueError::new_err("id does not fit in 64 bits"));
    }
    Err(PyTypeError::new_err(format!(
        "id must be str, int or None, not {}",
        obj.get_type().name()?
    )))
}

/// The record of one report, as the JSON record of the `tag` example plus code-point offsets.
///
/// Neither step can fail on a record (string keys only; serde_json writes a non-finite float as
/// `null`), but should one ever fail the caller gets an error record, not a panic.
fn record_value(id: Value, text: &str, report: Report) -> Value {
    let record = Record::ok(id, report);
    let parsed = serde_json::to_string(&record).and_then(|json| serde_json::from_str(&json));
    match parsed {
        Ok(mut value) => {
            add_char_offsets(&mut value, text);
            value
        }
        Err(e) => error_value(record.id, format!("cannot serialize the record: {e}")),
    }
}

/// The error record `{"id": .., "error": ..}` (as `Record::error` serializes).
fn error_value(id: Value, message: String) -> Value {
    let mut map = Map::new();
    map.insert("id".into(), id);
    map.insert("error".into(), Value::String(message));
    Value::Object(map)
}

/// Adds `char_start`/`char_end` next to the byte offsets `start`/`end` of every hit, cue and
/// rule. One pass over the text, whatever the number of spans.
fn add_char_offsets(record: &mut Value, text: &str) {
    const LISTS: [&str; 3] = ["hits", "cues", "rules"];
    let Some(obj) = record.as_object_mut() else {
        return;
    };
    let mut offsets: Vec<usize> = Vec::new();
    for list in LISTS {
        for span in obj
            .get(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for key in ["start", "end"] {
                if let Some(b) = span.get(key).and_then(Value::as_u64) {
                    offsets.push(b as usize);
                }
            }
        }
    }
    if offsets.is_empty() {
        return;
    }
    offsets.sort_unstable();
    offsets.dedup();
    // byte offset -> code-point offset, for the offsets in use (all are char boundaries)
    let mut chars = Vec::with_capacity(offsets.len());
    let (mut byte, mut count) = (0usize, 0usize);
    let mut rest = text.chars();
    for &target in &offsets {
        while byte < target {
            match rest.next() {
                Some(c) => {
                    byte += c.len_utf8();
                    count += 1;
                }
                None => break,
            }
        }
        chars.push(count);
    }
    let char_of = |b: u64| -> Value {
        match offsets.binary_search(&(b as usize)) {
            Ok(i) => Value::from(chars[i]),
            Err(_) => Value::Null,
        }
    };
    for list in LISTS {
        let Some(spans) = obj.get_mut(list).and_then(Value::as_array_mut) else {
            continue;
        };
        for span in spans {
            let Some(span) = span.as_object_mut() else {
                continue;
            };
            let start = span.get("start").and_then(Value::as_u64);
            let end = span.get("end").and_then(Value::as_u64);
            if let (Some(s), Some(e)) = (start, end) {
                span.insert("char_start".into(), char_of(s));
                span.insert("char_end".into(), char_of(e));
            }
        }
    }
}

/// A JSON value as Python objects: dicts keep the record's key order.
fn to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else {
                PyFloat::new(py, n.as_f64().unwrap_or(f64::NAN)).into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => dict(py, map)?.into_any(),
    })
}

fn dict<'py>(py: Python<'py>, map: &Map<String, Value>) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (k, v) in map {
        d.set_item(k, to_py(py, v)?)?;
    }
    Ok(d)
}

impl PyTagger {
    fn install<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        match &self.pool {
            Some(pool) => pool.install(f),
            None => f(),
        }
    }
}

#[pymethods]
impl PyTagger {
    /// Tagger(lexicon=None, *, extend=None, dfa=False, threads=None, ngram=False)
    ///
    /// `lexicon`: a lexicon directory or TOML file instead of the embedded default lexicon.
    /// `extend`: lexicon paths added on top of it. `dfa`: compile a DFA (slower to build,
    /// faster on large batches). `threads`: a pool of its own for `tag_batch` (default: rayon's
    /// global pool, one thread per core). `ngram`: add the learned n-gram stage (the embedded
    /// model, `Tagger::builder().ngram` in Rust). Raises `LexiconError` for an invalid lexicon.
    #[new]
    #[pyo3(signature = (lexicon=None, *, extend=None, dfa=false, threads=None, ngram=false))]
    fn new(
        py: Python<'_>,
        lexicon: Option<PathBuf>,
        extend: Option<Vec<PathBuf>>,
        dfa: bool,
        threads: Option<usize>,
        ngram: bool,
    ) -> PyResult<Self> {
        let describe = format!(
            "Tagger(lexicon={}, dfa={}, threads={}{})",
            lexicon
                .as_ref()
                .map(|p| format!("{:?}", p.display().to_string()))
                .unwrap_or_else(|| "None".into()),
            if dfa { "True" } else { "False" },
            threads
                .map(|n| n.to_string())
                .unwrap_or_else(|| "None".into()),
            if ngram { ", ngram=True" } else { "" },
        );
        let built = py.detach(|| {
            let mut builder = tahrid::Tagger::builder().dfa(dfa);
            if let Some(p) = lexicon {
                builder = builder.lexicon_path(p);
            }
            for p in extend.unwrap_or_default() {
                builder = builder.extend_path(p);
            }
            if ngram {
                builder = builder.ngram(tahrid::model::NgramModel::embedded().clone());
            }
            builder.build()
        });
        let tagger = built.map_err(|e| match e {
            tahrid::Error::Lexicon(_) => LexiconError::new_err(e.to_string()),
            other => TahridError::new_err(other.to_string()),
        })?;
        let pool = match threads {
            None => None,
            Some(0) => return Err(PyValueError::new_err("threads must be at least 1")),
            Some(n) => Some(Arc::new(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n)
                    .build()
                    .map_err(|e| TahridError::new_err(format!("cannot start threads: {e}")))?,
            )),
        };
        Ok(PyTagger {
            tagger,
            pool,
            describe,
        })
    }

    /// tag(text, id=None) -> dict
    ///
    /// Tags one text (`str`, or UTF-8 `bytes`) and returns its record: the JSON record of the
    /// `tag` example as a dict, with `char_start`/`char_end` on every hit, cue and rule. Raises
    /// `TypeError` for a text that is not `str` or `bytes` (or is None) and `ValueError` for
    /// one that is not valid UTF-8.
    #[pyo3(signature = (text, id=None))]
    fn tag<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyAny>,
        id: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let id = read_id(id)?;
        let text = read_text(text).map_err(|bad| {
            if bad.type_error {
                PyTypeError::new_err(bad.message)
            } else {
                PyValueError::new_err(bad.message)
            }
        })?;
        let text = text.as_str();
        // One text runs on the calling thread: a pool would only add a hand-off.
        let value = py.detach(|| record_value(id, text, self.tagger.tag(text)));
        to_py(py, &value)
    }

    /// tag_batch(texts, ids=None) -> list[dict]
    ///
    /// Tags many texts in parallel with the GIL released and returns one record per text, in
    /// order. An item that is not text (None, a number, invalid UTF-8) gives an error record
    /// `{"id": .., "error": ".."}` instead of an exception, so the output always lines up with
    /// the input. Ids default to each text's position (0-based).
    #[pyo3(signature = (texts, ids=None))]
    fn tag_batch<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        ids: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let items: Vec<Bound<'py, PyAny>> = texts
            .try_iter()
            .map_err(|_| PyTypeError::new_err("texts must be an iterable of str or bytes"))?
            .collect::<PyResult<_>>()?;
        let ids: Vec<Value> = match ids {
            None => (0..items.len()).map(Value::from).collect(),
            Some(ids) => {
                let ids: Vec<Bound<'py, PyAny>> = ids
                    .try_iter()
                    .map_err(|_| PyTypeError::new_err("ids must be an iterable of str or int"))?
                    .collect::<PyResult<_>>()?;
                if ids.len() != items.len() {
                    return Err(PyValueError::new_err(format!(
                        "{} ids for {} texts",
                        ids.len(),
                        items.len()
                    )));
                }
                ids.iter()
                    .map(|i| read_id(Some(i)))
                    .collect::<PyResult<_>>()?
            }
        };
        let texts: Vec<Result<Text<'_>, String>> = items
            .iter()
            .map(|obj| read_text(obj).map_err(|bad| bad.message))
            .collect();
        let values: Vec<Value> = py.detach(|| {
            self.install(|| {
                let ok: Vec<&str> = texts
                    .iter()
                    .filter_map(|t| t.as_ref().ok().map(Text::as_str))
                    .collect();
                let mut reports = self.tagger.tag_batch(&ok).into_iter();
                let paired: Vec<Pending<'_>> = ids
                    .into_iter()
                    .zip(&texts)
                    .map(|(id, t)| match t {
                        Ok(t) => match reports.next() {
                            Some(report) => (id, Ok((t.as_str(), report))),
                            // `Tagger::tag_batch` gives one report per text; never taken
                            None => (id, Err("internal error: no report for this text".into())),
                        },
                        Err(e) => (id, Err(e.clone())),
                    })
                    .collect();
                paired
                    .into_par_iter()
                    .map(|(id, r)| match r {
                        Ok((text, report)) => record_value(id, text, report),
                        Err(message) => error_value(id, message),
                    })
                    .collect()
            })
        });
        let out = PyList::empty(py);
        for v in &values {
            out.append(to_py(py, v)?)?;
        }
        Ok(out)
    }

    /// The number of lexicon entries.
    #[getter]
    fn entry_count(&self) -> usize {
        self.tagger.lexicon().len()
    }

    /// The number of distinct folded patterns the matcher searches for.
    #[getter]
    fn pattern_count(&self) -> usize {
        self.tagger.pattern_count()
    }

    fn __repr__(&self) -> String {
        self.describe.clone()
    }
}

/// The extension module `tahrid._tahrid`.
#[pymodule]
fn _tahrid(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyTagger>()?;
    m.add("TahridError", m.py().get_type::<TahridError>())?;
    m.add("LexiconError", m.py().get_type::<LexiconError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
