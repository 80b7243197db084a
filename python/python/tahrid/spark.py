"""tahrid on Spark: a pandas (Arrow) UDF that tags a text column into a struct column.

>>> from tahrid.spark import tag_udf                                       # doctest: +SKIP
>>> tagged = df.withColumn("tahrid", tag_udf("text"))                      # doctest: +SKIP
>>> tagged.select("id", "tahrid.label", "tahrid.hits").show()              # doctest: +SKIP

How it runs: Spark sends the column to a Python worker in Arrow batches; each worker process
builds one ``Tagger`` the first time it needs one (per lexicon and settings) and keeps it for
every later batch and task, so the lexicon is compiled once per executor process, not once per
row or batch. Each batch is tagged with ``Tagger.tag_batch`` (the GIL released, one thread per
worker by default, since Spark already runs one worker per core). A null or non-text value
gives a row whose ``error`` says why and whose other fields are null: one output row per input
row, always.

The struct (``RESULT_SCHEMA``) holds the record's verdict and hits: ``lang``, ``label``,
``score``, ``scores`` (the five label scores), ``reasons``, ``hits`` (entry, category, severity,
ambiguity, lang, byte ``start``/``end``, code-point ``char_start``/``char_end``, text, role,
variant) and ``error``. Scores are ``float`` (32-bit), as in the Rust record.

Needs ``pyspark``, ``pandas`` and ``pyarrow`` (``pip install "./python[spark]"``).
"""

from __future__ import annotations

import math
import threading
from typing import Any

import pandas as pd
from pyspark.sql import Column
from pyspark.sql.functions import pandas_udf
from pyspark.sql.types import (
    ArrayType,
    FloatType,
    IntegerType,
    LongType,
    StringType,
    StructField,
    StructType,
)

from . import Tagger

__all__ = ["tag_udf", "RESULT_SCHEMA", "HIT_SCHEMA"]

_LABELS = ["sectarian_hate", "incitement", "extremist_propaganda", "reporting", "neutral"]

#: One hit in the ``hits`` array.
HIT_SCHEMA = StructType(
    [
        StructField("entry", StringType()),
        StructField("category", StringType()),
        StructField("severity", IntegerType()),
        StructField("ambiguity", StringType()),
        StructField("lang", StringType()),
        StructField("start", LongType()),
        StructField("end", LongType()),
        StructField("char_start", LongType()),
        StructField("char_end", LongType()),
        StructField("text", StringType()),
        StructField("role", StringType()),
        StructField("variant", StringType()),
    ]
)

#: The struct column that ``tag_udf`` returns.
RESULT_SCHEMA = StructType(
    [
        StructField("lang", StringType()),
        StructField("label", StringType()),
        StructField("score", FloatType()),
        StructField("scores", StructType([StructField(k, FloatType()) for k in _LABELS])),
        StructField("reasons", ArrayType(StringType())),
        StructField("hits", ArrayType(HIT_SCHEMA)),
        StructField("error", StringType()),
    ]
)

_HIT_FIELDS = [f.name for f in HIT_SCHEMA.fields]
_RESULT_FIELDS = [f.name for f in RESULT_SCHEMA.fields]

# One tagger per executor process and configuration, built on first use.
_taggers: dict[tuple[Any, ...], Tagger] = {}
_taggers_lock = threading.Lock()


def _executor_tagger(key: tuple[Any, ...]) -> Tagger:
    tagger = _taggers.get(key)
    if tagger is None:
        with _taggers_lock:
            tagger = _taggers.get(key)
            if tagger is None:
                lexicon, extend, dfa, threads, ngram = key
                tagger = Tagger(
                    lexicon, extend=list(extend) or None, dfa=dfa, threads=threads, ngram=ngram
                )
                _taggers[key] = tagger
    return tagger


def _row(record: dict[str, Any]) -> dict[str, Any]:
    """A record as a row of ``RESULT_SCHEMA``."""
    if record.get("error") is not None:
        return {**{k: None for k in _RESULT_FIELDS}, "error": record["error"]}
    verdict = record["verdict"]
    return {
        "lang": record["lang"],
        "label": verdict["label"],
        "score": verdict["score"],
        "scores": {k: verdict["scores"][k] for k in _LABELS},
        "reasons": verdict["reasons"],
        "hits": [{k: h[k] for k in _HIT_FIELDS} for h in record["hits"]],
        "error": None,
    }


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def tag_rows(texts: list[Any], tagger: Tagger) -> list[dict[str, Any]]:
    """Tags a batch of texts into rows of ``RESULT_SCHEMA`` (what the UDF does per batch).

    >>> import tahrid
    >>> rows = tag_rows(["The rafidah have taken over the council.", None], tahrid.Tagger())
    >>> rows[0]["label"], rows[0]["hits"][0]["entry"], rows[1]["error"]
    ('sectarian_hate', 'rafidah', 'text is None, expected str or bytes')
    """
    values = [None if _missing(t) else t for t in texts]
    return [_row(r) for r in tagger.tag_batch(values)]


def tag_udf(
    column: str | Column,
    *,
    lexicon: str | None = None,
    extend: list[str] | None = None,
    dfa: bool = False,
    threads: int | None = 1,
    ngram: bool = False,
) -> Column:
    """The tahrid struct column (``RESULT_SCHEMA``) of a text column.

    ``column``: a column name or ``Column`` of strings (or binary UTF-8). ``lexicon``,
    ``extend``, ``dfa``, ``ngram``: as for ``Tagger``; paths must exist on every executor.
    ``threads``: rayon threads per Python worker (default 1, since Spark runs one worker per
    core; ``None`` uses one per core in each worker).
    """
    key = (lexicon, tuple(extend or ()), dfa, threads, ngram)

    @pandas_udf(RESULT_SCHEMA)  # type: ignore[call-overload]
    def tahrid_tag(texts: pd.Series) -> pd.DataFrame:
        rows = tag_rows(texts.tolist(), _executor_tagger(key))
        return pd.DataFrame(rows, columns=_RESULT_FIELDS)

    return tahrid_tag(column)
