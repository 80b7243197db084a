#!/usr/bin/env python3
"""Print criterion medians as MB/s tables, with ratios against the baselines of the same run.

    python3 scripts/bench_table.py [target/criterion]

Reads `<group>/<bench>/new/{estimates,benchmark}.json` written by `cargo bench`.
"""
import json
import pathlib
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion")
rows = {}
for est in root.glob("**/new/estimates.json"):
    bench = json.loads((est.parent / "benchmark.json").read_text())
    median_ns = json.loads(est.read_text())["median"]["point_estimate"]
    tp = bench.get("throughput") or {}
    nbytes = tp.get("Bytes")
    group = bench["group_id"]
    name = bench.get("function_id") or ""
    if bench.get("value_str"):
        name = f"{name}={bench['value_str']}" if name else bench["value_str"]
    mbs = nbytes / median_ns * 1e3 if nbytes else None  # bytes/ns * 1e3 = MB/s
    rows[(group, name)] = (median_ns, mbs)

def mb(group, name):
    v = rows.get((group, name))
    return v[1] if v else None

langs = sorted({n for (g, n) in rows if g == "tag"})
if langs:
    print("| lang | normalize MB/s | tag MB/s | tag (DFA) MB/s | AC DFA on pre-folded MB/s | NFKC+lowercase MB/s | tag / AC DFA | tag (DFA) / AC DFA |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for l in langs:
        n, t, d, a, k = (mb(g, l) for g in ("normalize", "tag", "tag_dfa", "baseline_ac_dfa", "baseline_nfkc_lower"))
        f = lambda x: f"{x:.1f}" if x else "-"
        r = lambda x: f"{x / a:.2f}" if x and a else "-"
        print(f"| {l} | {f(n)} | {f(t)} | {f(d)} | {f(a)} | {f(k)} | {r(t)} | {r(d)} |")
whole = sorted({n for (g, n) in rows if g == "whole"})
if whole:
    print()
    # The ceiling: whole / AC if everything but folding and one scan of the folded text were
    # free, with the scan as fast as plain AC over the lexicon alone on pre-folded text
    # (`baseline_ac_dfa`; the real scan also reads the cue phrases): AC / (fold + scan).
    print("| lang | whole tag path (JSON out) MB/s | plain aho-corasick MB/s | whole / AC | fold alone MB/s | AC on folded MB/s | ceiling: AC / (fold + AC on folded) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for l in whole:
        w, a, n, p = mb("whole", l), mb("whole_ac", l), mb("normalize", l), mb("baseline_ac_dfa", l)
        f = lambda x: f"{x:.1f}" if x else "-"
        ratio = f"{w / a:.2f}" if w and a else "-"
        ceiling = f"{1 / (a / n + a / p):.2f}" if a and n and p else "-"
        print(f"| {l} | {f(w)} | {f(a)} | {ratio} | {f(n)} | {f(p)} | {ceiling} |")
others = sorted((g, n) for (g, n) in rows if g not in ("tag", "tag_dfa", "normalize", "baseline_ac_dfa", "baseline_nfkc_lower", "whole", "whole_ac"))
if others:
    print()
    print("| benchmark | median | MB/s |")
    print("| --- | ---: | ---: |")
    for g, n in others:
        ns, m = rows[(g, n)]
        t = f"{ns / 1e6:.2f} ms" if ns >= 1e5 else f"{ns / 1e3:.2f} µs"
        print(f"| {g}/{n} | {t} | {m:.1f} |" if m else f"| {g}/{n} | {t} | - |")
