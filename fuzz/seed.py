#!/usr/bin/env python3
"""Seeds fuzz/corpus/<target>/ with the sample texts and every lexicon example and
counter-example (one file each, raw UTF-8). Optional: the targets also start from nothing.
Run from fuzz/: python3 seed.py   (needs Python 3.11+ for tomllib)"""
import hashlib, json, pathlib, tomllib

root = pathlib.Path(__file__).resolve().parent
texts = []
for line in (root.parent / "fixtures" / "sample.jsonl").read_text(encoding="utf-8").splitlines():
    try:
        t = json.loads(line).get("text")
    except (json.JSONDecodeError, AttributeError):
        continue
    if isinstance(t, str):
        texts.append(t)
for path in sorted((root.parent / "models" / "lexicon").glob("*.toml")):
    for entry in tomllib.loads(path.read_text(encoding="utf-8")).get("entry", []):
        texts += entry.get("examples", []) + entry.get("counter_examples", [])
        for variants in entry.get("variants", {}).values():
            texts += variants
for target in ("normalize", "tag"):
    out = root / "corpus" / target
    out.mkdir(parents=True, exist_ok=True)
    for t in texts:
        data = t.encode("utf-8")
        (out / hashlib.sha1(data).hexdigest()).write_bytes(data)
print(f"{len(set(texts))} seeds per target in {root / 'corpus'}")
