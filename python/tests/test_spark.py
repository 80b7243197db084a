"""The Spark UDF in local[2]: one output row per input row, the CLI's verdicts and hits.

Skipped when pyspark is not installed, unless TAHRID_REQUIRE_SPARK=1 (as in CI), which makes a
missing pyspark or Java a failure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, cli_records

if os.environ.get("TAHRID_REQUIRE_SPARK") != "1":
    pytest.importorskip("pyspark")
import pyarrow as pa
import pyarrow.parquet as pq

JOB = ROOT / "python" / "examples" / "spark_job.py"


@pytest.fixture(scope="module")
def dataset(tmp_path_factory, cases):
    """The functional fixtures as a Parquet file, with one null text and one empty text."""
    d = tmp_path_factory.mktemp("spark")
    ids = [c["id"] for c in cases] + ["null-text", "empty-text"]
    texts = [c["text"] for c in cases] + [None, ""]
    table = pa.table({"id": ids, "text": texts, "lang_hint": [c["lang"] for c in cases] + ["", ""]})
    path = d / "posts.parquet"
    pq.write_table(table, path, row_group_size=50)
    jsonl = d / "posts.jsonl"
    with jsonl.open("w", encoding="utf-8") as f:
        for i, t in zip(ids, texts):
            if t is not None:
                f.write(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n")
    return d, path, jsonl, ids


def run_job(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(JOB), *args], capture_output=True, text=True, timeout=600
    )


def test_the_spark_job_gives_one_row_per_input_row_with_the_cli_verdicts(dataset):
    d, path, jsonl, ids = dataset
    out = d / "tagged"
    job = run_job(str(path), str(out), "--master", "local[2]")
    assert job.returncode == 0, job.stderr[-3000:]
    assert f"{len(ids)} rows tagged" in job.stdout

    rows = pq.read_table(out).to_pylist()
    assert sorted(r["id"] for r in rows) == sorted(ids)
    by_id = {r["id"]: r for r in rows}
    assert all("lang_hint" in r for r in rows)  # input columns are kept

    cli = {r["id"]: r for r in cli_records(str(jsonl))}
    assert len(cli) == len(ids) - 1
    for id_, want in cli.items():
        got = by_id[id_]["tahrid"]
        assert got["error"] is None
        assert got["label"] == want["verdict"]["label"], id_
        assert got["lang"] == want["lang"], id_
        assert got["reasons"] == want["verdict"]["reasons"], id_
        assert got["score"] == pytest.approx(want["verdict"]["score"], abs=1e-6)
        got_hits = [(h["entry"], h["start"], h["end"], h["text"], h["role"]) for h in got["hits"]]
        want_hits = [(h["entry"], h["start"], h["end"], h["text"], h["role"]) for h in want["hits"]]
        assert got_hits == want_hits, id_
    null = by_id["null-text"]["tahrid"]
    assert null["error"] == "text is None, expected str or bytes"
    assert null["label"] is None and null["hits"] is None
    assert by_id["empty-text"]["tahrid"]["label"] == "neutral"


def test_the_spark_job_reads_jsonl_and_reports_a_missing_column(dataset):
    d, _, jsonl, ids = dataset
    out = d / "from-json"
    job = run_job(str(jsonl), str(out), "--format", "json", "--master", "local[2]")
    assert job.returncode == 0, job.stderr[-3000:]
    assert pq.read_table(out).num_rows == len(ids) - 1
    job = run_job(str(jsonl), str(d / "x"), "--format", "json", "--text-field", "body")
    assert job.returncode == 2
    assert "no column `body`" in job.stderr


def test_the_spark_job_runs_the_ngram_stage_as_the_cli_does(dataset):
    d, _, jsonl, ids = dataset
    out = d / "ngram"
    job = run_job(str(jsonl), str(out), "--format", "json", "--ngram", "--master", "local[2]")
    assert job.returncode == 0, job.stderr[-3000:]
    by_id = {r["id"]: r["tahrid"] for r in pq.read_table(out).to_pylist()}
    cli = {r["id"]: r for r in cli_records("--ngram", str(jsonl))}
    assert len(by_id) == len(cli) == len(ids) - 1
    for id_, want in cli.items():
        got = by_id[id_]
        assert got["label"] == want["verdict"]["label"], id_
        assert got["reasons"] == want["verdict"]["reasons"], id_
        # every verdict says what the n-gram model did
        assert any(r.startswith("n-gram model `") for r in got["reasons"]), id_
