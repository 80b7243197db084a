"""Tag a Parquet or JSONL data set with tahrid on Spark and write the result as Parquet.

    python python/examples/spark_job.py INPUT OUTPUT [--format parquet|json]
        [--text-field text] [--master local[2]] [--lexicon PATH]

INPUT is a Parquet file or folder (or JSONL with ``--format json``) with a text column; every
input column is kept and a struct column ``tahrid`` (``tahrid.spark.RESULT_SCHEMA``) is added.
OUTPUT is a Parquet folder, overwritten. Prints the number of rows and the time taken.
"""

from __future__ import annotations

import argparse
import os
import sys
import time


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("--format", choices=["parquet", "json"], default="parquet")
    p.add_argument("--text-field", default="text")
    p.add_argument("--master", default="local[2]")
    p.add_argument("--lexicon", default=None)
    p.add_argument("--threads", type=int, default=1, help="rayon threads per Python worker")
    p.add_argument("--ngram", action="store_true", help="add the learned n-gram stage")
    args = p.parse_args(argv)

    # The workers must run this interpreter (the one that has tahrid installed).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)

    from pyspark.sql import SparkSession

    from tahrid.spark import tag_udf

    spark = (
        SparkSession.builder.master(args.master)
        .appName("tahrid-tag")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        reader = spark.read.parquet if args.format == "parquet" else spark.read.json
        df = reader(args.input)
        if args.text_field not in df.columns:
            print(f"spark_job: no column `{args.text_field}` in {args.input}", file=sys.stderr)
            return 2
        started = time.perf_counter()
        udf = tag_udf(args.text_field, lexicon=args.lexicon, threads=args.threads, ngram=args.ngram)
        tagged = df.withColumn("tahrid", udf)
        tagged.write.mode("overwrite").parquet(args.output)
        secs = time.perf_counter() - started
        rows = spark.read.parquet(args.output).count()
        print(f"{rows} rows tagged in {secs:.2f} s -> {args.output}")
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
