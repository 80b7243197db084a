#!/usr/bin/env python3
"""Time two commands in alternating pairs and print medians and the median ratio of the pairs.

    python3 scripts/paired.py ROUNDS 'COMMAND A' 'COMMAND B' [FILE ...]

Each round runs A and B once each, in alternating order (A B, then B A, ...), with their
standard output discarded. With FILEs, `{}` in both commands is replaced by each file in turn,
and a row is printed per file, with MB/s from the file's size. Timings on a shared machine
drift by more than the differences worth measuring; pairing the runs and taking the median of
the pairs' ratios cancels most of the drift. The ratio is time(B) / time(A).

Examples (the README's figures):

    python3 scripts/paired.py 11 'target/release/examples/tag --input lines --threads 1 {}' \\
        'target/release/examples/tag --input lines --threads 1 --ngram {}' ../shared/corpus/*.txt
    python3 scripts/paired.py 9 'tag --threads 1 all.jsonl' 'tag --threads 2 all.jsonl'
"""
import os
import shlex
import statistics
import subprocess
import sys
import time


def run(command: str) -> float:
    start = time.perf_counter()
    subprocess.run(shlex.split(command), stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def pairs(rounds: int, a: str, b: str) -> tuple[list[float], list[float]]:
    ta, tb = [], []
    for i in range(rounds):
        if i % 2 == 0:
            ta.append(run(a))
            tb.append(run(b))
        else:
            tb.append(run(b))
            ta.append(run(a))
    return ta, tb


def main() -> int:
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    rounds, a, b, files = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
    for f in files or [None]:
        ca, cb = (a, b) if f is None else (a.replace("{}", f), b.replace("{}", f))
        ta, tb = pairs(rounds, ca, cb)
        ma, mb = statistics.median(ta), statistics.median(tb)
        ratio = statistics.median(y / x for x, y in zip(ta, tb))
        name = "" if f is None else os.path.basename(f) + "  "
        speed = ""
        if f is not None:
            size = os.path.getsize(f) / 1e6
            speed = f" ({size / ma:.1f} / {size / mb:.1f} MB/s)"
        print(f"{name}A {ma:.3f} s, B {mb:.3f} s{speed}, B / A {ratio:.2f} (median of {rounds} pairs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
