#!/usr/bin/env bash
# Writes every output the rules produce on the project's data into OUT, with the `tag` and
# `evaluate` binaries in BIN_DIR, so that two builds can be compared with `diff -r`:
#
#   scripts/snapshot.sh target/release/examples /tmp/after
#   diff -r /tmp/before /tmp/after && echo "no behaviour change"
#
# Inputs: the functional fixtures and fixtures/sample.jsonl (JSONL), every line of
# ../shared/corpus (lines), every dev file of ../shared/eval/dev (JSONL) and the dev-set
# evaluation. Missing ../shared folders are skipped with a note.
set -euo pipefail
if [ $# -ne 2 ]; then
    echo "usage: $0 BIN_DIR OUT" >&2
    exit 2
fi
bin=$1
out=$2
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${TAHRID_SHARED:-$root/../shared}
for b in tag evaluate; do
    [ -x "$bin/$b" ] || { echo "$0: $bin/$b is missing (cargo build --release --example $b)" >&2; exit 2; }
done
mkdir -p "$out/fixtures" "$out/corpus" "$out/dev"
for f in "$root"/fixtures/functional/*.jsonl "$root"/fixtures/sample.jsonl; do
    "$bin/tag" --threads 2 "$f" > "$out/fixtures/$(basename "$f")"
done
if [ -d "$shared/corpus" ]; then
    for f in "$shared"/corpus/*.txt; do
        "$bin/tag" --input lines --threads 2 "$f" > "$out/corpus/$(basename "$f" .txt).jsonl"
    done
else
    echo "$0: no $shared/corpus, skipped" >&2
fi
if [ -d "$shared/eval/dev" ]; then
    for f in "$shared"/eval/dev/*.jsonl; do
        "$bin/tag" --threads 2 "$f" > "$out/dev/$(basename "$f")"
    done
    "$bin/evaluate" "$shared/eval/dev" > "$out/evaluate.txt"
else
    echo "$0: no $shared/eval/dev, skipped" >&2
fi
