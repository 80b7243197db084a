"""Shared helpers: the repository root, the functional fixtures and the `tag` example's output."""

from __future__ import annotations

import functools
import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted((ROOT / "fixtures" / "functional").glob("*.jsonl"))


def fixture_cases() -> list[dict]:
    cases = []
    for path in FIXTURES:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                cases.append(json.loads(line))
    return cases


@functools.lru_cache(maxsize=1)
def tag_binary() -> Path:
    """The release build of the `tag` example (built here if needed; CI has built it)."""
    env_bin = os.environ.get("TAHRID_TAG_BIN")
    if env_bin:
        return Path(env_bin)
    subprocess.run(
        ["cargo", "build", "--quiet", "--release", "--example", "tag"], cwd=ROOT, check=True
    )
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    if not target.is_absolute():
        target = ROOT / target
    return target / "release" / "examples" / "tag"


def run_cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(tag_binary()), *args], input=stdin, capture_output=True, cwd=ROOT, check=False
    )


def cli_records(*args: str, stdin: bytes | None = None) -> list[dict]:
    out = run_cli(*args, stdin=stdin)
    assert out.returncode == 0, out.stderr.decode()
    return [json.loads(line) for line in out.stdout.decode("utf-8").splitlines()]


def strip_char_offsets(record: dict) -> dict:
    """A Python record without the code-point offsets it adds to the Rust record."""
    r = json.loads(json.dumps(record))
    for key in ("hits", "cues", "rules"):
        for span in r.get(key, []):
            span.pop("char_start", None)
            span.pop("char_end", None)
    return r


@pytest.fixture(scope="session")
def cases() -> list[dict]:
    return fixture_cases()
