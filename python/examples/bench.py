"""Throughput and per-call figures of the Python bindings, against the Rust library and CLI.

From the repository root, with tahrid installed in the venv (``pip install ./python``) and the
release ``tag`` example built (``cargo build --release --example tag``)::

    PY=.cache/py/bin/python
    # 1. One document per line of the corpus files -> DIR/corpus.parquet (id, text; row groups
    #    of 8,192 rows, so that Spark reads it in parallel) and DIR/sample.lines (N lines
    #    evenly spaced through the corpus, default 1,000).
    $PY python/examples/bench.py prepare '/work/shared/corpus/*.txt' --out /tmp/tahrid-bench
    # 2. Spark: python/examples/spark_job.py in local[2] over corpus.parquet, then the `tag`
    #    CLI with --input lines --threads 2 over the same files, REPEATS times each, alternating;
    #    then, in one Spark session, the job's write REPEATS + 1 times (the first one cold) and
    #    the same write with a UDF that returns null rows (what Spark costs without tahrid).
    $PY python/examples/bench.py spark '/work/shared/corpus/*.txt' --out /tmp/tahrid-bench
    # 3. Per call: Tagger.tag(text) from Python on sample.lines against Tagger::tag in Rust
    #    (python/examples/percall.rs, built here with cargo), in alternating rounds.
    $PY python/examples/bench.py percall --out /tmp/tahrid-bench

``spark`` gives the median over ``--repeats`` runs (default 3). ``percall`` times ``--passes``
passes over the sample (default 5) ``--repeats`` times (default 5) and takes the median; it
does so ``--rounds`` times (default 7), Rust then Python, and prints the median and the range
over the rounds. MB are 10^6 bytes of UTF-8 text (the lines without their newlines). The
corpus is read where it is; its text is written only under ``--out``.
"""

import argparse
import glob
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
JOB = ROOT / "python" / "examples" / "spark_job.py"


def target_dir() -> Path:
    """Cargo's target directory: $CARGO_TARGET_DIR, or target/ in the repository root."""
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target if target.is_absolute() else ROOT / target


def corpus_files(pattern: str) -> list[str]:
    files = sorted(glob.glob(pattern))
    if not files:
        sys.exit(f"bench: no file matches {pattern}")
    return files


def read_lines(files: list[str]) -> list[bytes]:
    """One document per line, split on b"\\n" only (as the `tag` CLI's `--input lines`)."""
    lines: list[bytes] = []
    for f in files:
        data = Path(f).read_bytes()
        lines.extend(line for line in data.split(b"\n") if line)
    return lines


def prepare(args: argparse.Namespace) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    lines = read_lines(corpus_files(args.corpus))
    texts = [line.decode("utf-8") for line in lines]
    table = pa.table({"id": pa.array(range(len(texts)), pa.int64()), "text": texts})
    pq.write_table(table, out / "corpus.parquet", row_group_size=8192)
    step = max(1, len(lines) // args.sample)
    sample = lines[::step][: args.sample]
    (out / "sample.lines").write_bytes(b"\n".join(sample) + b"\n")
    mb = sum(len(line) for line in lines) / 1e6
    lengths = sorted(len(line) for line in sample)
    print(
        f"{len(lines)} documents, {mb:.2f} MB -> {out / 'corpus.parquet'}; "
        f"{len(sample)} sample lines (median {lengths[len(lengths) // 2]} bytes) -> "
        f"{out / 'sample.lines'}"
    )


def spark(args: argparse.Namespace) -> None:
    out = Path(args.out)
    files = corpus_files(args.corpus)
    lines = read_lines(files)
    docs, mb = len(lines), sum(len(line) for line in lines) / 1e6
    del lines
    tag_bin = Path(args.tag_bin)
    if not tag_bin.exists():
        sys.exit(f"bench: no {tag_bin}; run `cargo build --release --example tag` first")
    job_walls, job_tags, cli_walls = [], [], []
    for i in range(args.repeats):
        start = time.perf_counter()
        job = subprocess.run(
            [sys.executable, str(JOB), str(out / "corpus.parquet"), str(out / "tagged"),
             "--master", args.master],
            capture_output=True, text=True, check=False,
        )
        wall = time.perf_counter() - start
        m = re.search(r"^(\d+) rows tagged in ([\d.]+) s", job.stdout, re.M)
        if job.returncode != 0 or not m:
            sys.exit(f"bench: the Spark job failed:\n{job.stdout}\n{job.stderr[-3000:]}")
        if int(m.group(1)) != docs:
            sys.exit(f"bench: the Spark job tagged {m.group(1)} rows, not {docs}")
        job_walls.append(wall)
        job_tags.append(float(m.group(2)))
        start = time.perf_counter()
        with open(os.devnull, "wb") as devnull:
            subprocess.run(
                [str(tag_bin), "--input", "lines", "--threads", str(args.threads), *files],
                stdout=devnull, check=True,
            )
        cli_walls.append(time.perf_counter() - start)
        print(
            f"run {i + 1}: spark job {wall:.1f} s wall, {job_tags[-1]:.1f} s tagging and writing;"
            f" CLI {cli_walls[-1]:.2f} s",
            flush=True,
        )

    cold, warm, floor = warm_session(args, out)

    def rates(secs: float) -> str:
        return f"{secs:.2f} s, {docs / secs:,.0f} documents/s, {mb / secs:.2f} MB/s"

    wall, tag, cli = (statistics.median(x) for x in (job_walls, job_tags, cli_walls))
    print(f"{docs} documents, {mb:.2f} MB; medians of {args.repeats} runs:")
    print(f"  Spark {args.master}, spark_job.py, whole run (start-up included): {rates(wall)}")
    print(f"  Spark {args.master}, spark_job.py, its own time (read, tag, write): {rates(tag)}")
    print(f"  Spark {args.master}, one session, first tag_udf write:          {rates(cold)}")
    print(f"  Spark {args.master}, one session, later tag_udf writes:         {rates(warm)}")
    print(f"  Spark {args.master}, one session, same write, UDF -> null rows: {rates(floor)}")
    print(f"  tag CLI --threads {args.threads} (JSON records to /dev/null):        {rates(cli)}")
    print(f"  ratio spark_job.py's own time / CLI time: {tag / cli:.1f}")
    print(f"  ratio later tag_udf writes / CLI time:    {warm / cli:.1f}")


def warm_session(args: argparse.Namespace, out: Path) -> tuple[float, float, float]:
    """The job's write in one Spark session: the first run (JVM and Python workers cold, the
    tagger built in each worker), the median of the later runs, and the median of the same
    write with a pandas UDF that returns null rows (Spark's own share of the time)."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    import pandas as pd
    from pyspark.sql import SparkSession
    from pyspark.sql.functions import pandas_udf

    from tahrid.spark import _RESULT_FIELDS, RESULT_SCHEMA, tag_udf

    spark = (
        SparkSession.builder.master(args.master)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    null_row = {k: None for k in _RESULT_FIELDS}

    # (no `from __future__ import annotations` in this file: pandas_udf reads these hints, and
    # `pd` is local to this function)
    @pandas_udf(RESULT_SCHEMA)  # type: ignore[call-overload]
    def null_rows(texts: pd.Series) -> pd.DataFrame:
        return pd.DataFrame([null_row] * len(texts), columns=_RESULT_FIELDS)

    def write(udf) -> float:
        df = spark.read.parquet(str(out / "corpus.parquet"))
        start = time.perf_counter()
        df.withColumn("tahrid", udf).write.mode("overwrite").parquet(str(out / "tagged"))
        return time.perf_counter() - start

    try:
        cold = write(tag_udf("text"))
        warm = [write(tag_udf("text")) for _ in range(args.repeats)]
        floor = [write(null_rows("text")) for _ in range(args.repeats)]
    finally:
        spark.stop()
    later = ", ".join(f"{w:.1f}" for w in warm)
    nulls = ", ".join(f"{f:.1f}" for f in floor)
    print(f"one session: tag_udf {cold:.1f} s, then {later} s; null rows {nulls} s", flush=True)
    return cold, statistics.median(warm), statistics.median(floor)


def per_call_us(fn, texts: list, repeats: int, passes: int) -> float:
    """Median over repeats of (time of `passes` passes of fn over the texts) / (calls), in µs."""
    for t in texts:
        fn(t)  # warm-up
    runs = []
    for _ in range(repeats):
        start = time.perf_counter_ns()
        for _ in range(passes):
            for t in texts:
                fn(t)
        runs.append((time.perf_counter_ns() - start) / (passes * len(texts)) / 1e3)
    return statistics.median(runs)


def per_text_us(fn, texts: list, repeats: int, passes: int) -> float:
    """The same for fn(texts), a call on the whole list: µs per text."""
    fn(texts)  # warm-up
    runs = []
    for _ in range(repeats):
        start = time.perf_counter_ns()
        for _ in range(passes):
            fn(texts)
        runs.append((time.perf_counter_ns() - start) / (passes * len(texts)) / 1e3)
    return statistics.median(runs)


def percall(args: argparse.Namespace) -> None:
    import tahrid

    sample_path = Path(args.out) / "sample.lines"
    texts = [t.decode("utf-8") for t in sample_path.read_bytes().split(b"\n") if t]
    n, r, p = len(texts), args.repeats, args.passes
    build = ["cargo", "build", "--quiet", "--release", "-p", "tahrid-python",
             "--example", "percall"]
    subprocess.run(build, cwd=ROOT, check=True)
    rust_bin = target_dir() / "release" / "examples" / "percall"
    tagger = tahrid.Tagger()
    batch1, batch2 = tahrid.Tagger(threads=1), tahrid.Tagger(threads=2)
    rows = [
        ("py_tag", "Python Tagger.tag(text)"),
        ("py_tag_list", "Python [tagger.tag(t) for t in texts]"),
        ("rust_tag", "Rust   Tagger::tag(text)"),
        ("rust_tag_json", "Rust   Tagger::tag + JSON record"),
        ("overhead", "Python overhead per call (Python - Rust tag)"),
        ("overhead_json", "Python overhead per call (- Rust tag + JSON)"),
        ("py_tag_empty", "Python Tagger.tag('')"),
        ("rust_tag_empty", "Rust   Tagger::tag('')"),
        ("py_batch1", "Python Tagger(threads=1).tag_batch, per text"),
        ("py_batch2", "Python Tagger(threads=2).tag_batch, per text"),
    ]
    rounds: list[dict[str, float]] = []
    # Python and Rust alternate, round after round, so that a change in the machine's load
    # falls on both sides.
    for _ in range(args.rounds):
        out = subprocess.run(
            [str(rust_bin), str(sample_path), str(r), str(p)],
            capture_output=True, text=True, check=True,
        )
        rust = json.loads(out.stdout)
        one = {
            "py_tag": per_call_us(tagger.tag, texts, r, p),
            "py_tag_list": per_text_us(lambda ts: [tagger.tag(t) for t in ts], texts, r, p),
            "rust_tag": rust["tag"],
            "rust_tag_json": rust["tag_json"],
            "py_tag_empty": per_call_us(tagger.tag, [""] * n, r, p),
            "rust_tag_empty": rust["tag_empty"],
            "py_batch1": per_text_us(batch1.tag_batch, texts, r, p),
            "py_batch2": per_text_us(batch2.tag_batch, texts, r, p),
        }
        one["overhead"] = one["py_tag"] - one["rust_tag"]
        one["overhead_json"] = one["py_tag"] - one["rust_tag_json"]
        rounds.append(one)
    print(
        f"{n} texts ({sample_path}); µs per text: median of {r} repeats of {p} passes in each"
        f" of {args.rounds} rounds; median over the rounds [lowest - highest]:"
    )
    for key, label in rows:
        values = sorted(x[key] for x in rounds)
        mid = statistics.median(values)
        print(f"  {label:46} {mid:7.2f}  [{values[0]:.2f} - {values[-1]:.2f}]")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    a = sub.add_parser("prepare", help="write corpus.parquet and sample.lines")
    a.add_argument("corpus", help="a glob of text files, one document per line")
    a.add_argument("--out", default="/tmp/tahrid-bench")
    a.add_argument("--sample", type=int, default=1000)
    a.set_defaults(run=prepare)
    a = sub.add_parser("spark", help="the Spark job against the tag CLI")
    a.add_argument("corpus", help="the same glob as for prepare")
    a.add_argument("--out", default="/tmp/tahrid-bench")
    a.add_argument("--master", default="local[2]")
    a.add_argument("--threads", type=int, default=2, help="the CLI's --threads")
    a.add_argument("--tag-bin", default=str(target_dir() / "release" / "examples" / "tag"))
    a.add_argument("--repeats", type=int, default=3)
    a.set_defaults(run=spark)
    a = sub.add_parser("percall", help="Tagger.tag from Python against Tagger::tag in Rust")
    a.add_argument("--out", default="/tmp/tahrid-bench")
    a.add_argument("--repeats", type=int, default=5)
    a.add_argument("--passes", type=int, default=5, help="passes over the texts per repeat")
    a.add_argument("--rounds", type=int, default=7, help="Rust, then Python, ROUNDS times")
    a.set_defaults(run=percall)
    args = p.parse_args()
    if min(getattr(args, k, 1) for k in ("repeats", "passes", "rounds")) < 1:
        p.error("--repeats, --passes and --rounds must be at least 1")
    args.run(args)


if __name__ == "__main__":
    main()
