"""The Python Tagger gives the Rust record, handles bad input without crashing, keeps order."""

from __future__ import annotations

import threading
import time

import pytest
import tahrid
from conftest import FIXTURES, cli_records, run_cli, strip_char_offsets

TAGGER = tahrid.Tagger()


def test_records_equal_the_cli_records_on_every_functional_fixture(cases):
    cli = []
    for path in FIXTURES:
        cli.extend(cli_records(str(path)))
    assert len(cli) == len(cases) > 100
    single = [TAGGER.tag(c["text"], c["id"]) for c in cases]
    batch = TAGGER.tag_batch([c["text"] for c in cases], [c["id"] for c in cases])
    for case, want, one, many in zip(cases, cli, single, batch):
        assert want["id"] == case["id"]
        assert strip_char_offsets(one) == want, case["id"]
        assert many == one, case["id"]


def test_dfa_and_thread_pools_change_nothing(cases):
    texts = [c["text"] for c in cases]
    want = TAGGER.tag_batch(texts)
    assert tahrid.Tagger(dfa=True, threads=2).tag_batch(texts) == want
    assert tahrid.Tagger(threads=1).tag_batch(texts) == want


def test_the_ngram_stage_equals_the_cli_with_ngram(cases):
    texts = [c["text"] for c in cases]
    tagger = tahrid.Tagger(ngram=True)
    assert "ngram=True" in repr(tagger)
    want = cli_records(str(FIXTURES[0]), "--ngram")
    got = tagger.tag_batch(texts[: len(want)], [c["id"] for c in cases[: len(want)]])
    assert [strip_char_offsets(r) for r in got] == want
    assert all(any(x.startswith("n-gram model") for x in r["verdict"]["reasons"]) for r in got)


def test_char_offsets_slice_python_strings_and_byte_offsets_slice_utf8(cases):
    seen = 0
    for case in cases:
        text = case["text"]
        record = TAGGER.tag(text)
        for key in ("hits", "cues", "rules"):
            for span in record[key]:
                assert text[span["char_start"] : span["char_end"]] == span["text"]
                raw = text.encode("utf-8")[span["start"] : span["end"]]
                assert raw.decode("utf-8") == span["text"]
                seen += 1
    assert seen > 100


def test_arabic_hit_offsets():
    text = "قال إن الروافض"
    hit = TAGGER.tag(text)["hits"][0]
    assert hit["entry"] == "rafidah"
    assert (hit["char_start"], hit["char_end"]) == (7, 14)
    assert (hit["start"], hit["end"]) == (12, 26)


def test_the_module_level_functions_use_a_default_tagger():
    assert tahrid.tag("rafidah")["hits"][0]["entry"] == "rafidah"
    assert [r["id"] for r in tahrid.tag_batch(["a", "b"])] == [0, 1]


@pytest.mark.parametrize(
    "bad, exc, message",
    [
        (None, TypeError, "text is None, expected str or bytes"),
        (3, TypeError, "text must be str or bytes, not int"),
        (["rafidah"], TypeError, "text must be str or bytes, not list"),
        (b"\xffrafidah", ValueError, "text is not valid UTF-8: invalid utf-8 sequence of 1 bytes from index 0"),
        ("a\ud800b", ValueError, "text contains a lone surrogate"),
    ],
)
def test_invalid_text_raises_a_clear_exception(bad, exc, message):
    with pytest.raises(exc) as info:
        TAGGER.tag(bad)
    assert str(info.value).startswith(message)


def test_utf8_bytes_are_tagged_like_the_str():
    text = "والـــروافض"
    assert TAGGER.tag(text.encode("utf-8")) == TAGGER.tag(text)
    assert TAGGER.tag(bytearray(text.encode("utf-8"))) == TAGGER.tag(text)


def test_invalid_items_in_a_batch_become_error_records_in_place():
    items = ["rafidah", None, b"\xc3(", "a\udfffb", 7, "hello", b"rafidi"]
    out = TAGGER.tag_batch(items)
    assert [r["id"] for r in out] == list(range(len(items)))
    errors = [r["error"] for r in out]
    assert errors[0] is None and errors[5] is None and errors[6] is None
    assert errors[1] == "text is None, expected str or bytes"
    assert errors[2].startswith("text is not valid UTF-8")
    assert errors[3].startswith("text contains a lone surrogate")
    assert errors[4] == "text must be str or bytes, not int"
    for r in (out[1], out[2], out[3], out[4]):
        assert set(r) == {"id", "error"}
    assert out[6]["hits"][0]["entry"] == "rafidah"


def test_batch_keeps_order_and_ids():
    texts = [("rafidah " * (i % 7)) + f"doc {i}" for i in range(3000)]
    ids = [f"post-{i}" for i in range(3000)]
    out = tahrid.Tagger(threads=2).tag_batch(texts, ids)
    assert [r["id"] for r in out] == ids
    assert [len(r["hits"]) for r in out] == [i % 7 for i in range(3000)]
    assert tahrid.Tagger().tag_batch(iter(texts[:5])) == TAGGER.tag_batch(texts[:5])


def test_bad_ids_and_arguments():
    with pytest.raises(ValueError, match="2 ids for 1 texts"):
        TAGGER.tag_batch(["a"], ["x", "y"])
    with pytest.raises(TypeError, match="id must be str, int or None, not float"):
        TAGGER.tag("a", 1.5)
    with pytest.raises(TypeError, match="texts must be an iterable"):
        TAGGER.tag_batch(5)
    with pytest.raises(ValueError, match="threads must be at least 1"):
        tahrid.Tagger(threads=0)
    assert TAGGER.tag_batch([]) == []


def test_lexicon_errors_carry_the_cli_message(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[entry]]\nid = "x"\ncategory = "nope"\n', encoding="utf-8")
    with pytest.raises(tahrid.LexiconError) as info:
        tahrid.Tagger(bad)
    assert isinstance(info.value, tahrid.TahridError)
    cli = run_cli("--lexicon", str(bad), stdin=b'{"text":"x"}\n')
    assert cli.returncode == 2
    assert cli.stderr.decode().strip() == f"tag: invalid lexicon: {info.value}"
    with pytest.raises(tahrid.LexiconError, match="missing"):
        tahrid.Tagger(tmp_path / "missing")


def test_a_custom_lexicon_replaces_or_extends_the_default(tmp_path):
    lex = tmp_path / "mine.toml"
    lex.write_text(
        '[[entry]]\nid = "blorf"\ncategory = "sectarian_slur"\nseverity = 2\n'
        'ambiguity = "low"\ncanonical = "blorf"\nvariants.en = ["blorf"]\n',
        encoding="utf-8",
    )
    mine = tahrid.Tagger(str(lex))
    assert mine.entry_count == 1
    assert [h["entry"] for h in mine.tag("the blorf and the rafidah")["hits"]] == ["blorf"]
    both = tahrid.Tagger(extend=[lex])
    assert both.entry_count == TAGGER.entry_count + 1
    assert [h["entry"] for h in both.tag("the blorf and the rafidah")["hits"]] == ["blorf", "rafidah"]


def test_tag_batch_releases_the_gil():
    # A Python thread records the time while tag_batch runs. Holding the GIL, tag_batch would
    # stop it for the whole call; released, it keeps recording through the middle of the call.
    texts = ["the rafidah and the nusayri " * 20] * 2000
    stamps: list[float] = []
    stop = threading.Event()

    def clock():
        while not stop.is_set():
            stamps.append(time.perf_counter())
            time.sleep(0.0005)

    worker = threading.Thread(target=clock)
    worker.start()
    try:
        while True:
            start = time.perf_counter()
            TAGGER.tag_batch(texts)
            end = time.perf_counter()
            if end - start > 0.1:
                break
            texts = texts * 2
    finally:
        stop.set()
        worker.join()
    middle = [s for s in stamps if start + 0.25 * (end - start) < s < start + 0.75 * (end - start)]
    assert middle, f"no Python thread ran during a {end - start:.2f} s call"


def test_repr_and_counts():
    assert repr(TAGGER) == "Tagger(lexicon=None, dfa=False, threads=None)"
    assert TAGGER.entry_count > 100 and TAGGER.pattern_count > TAGGER.entry_count
    assert tahrid.__version__ == "0.1.0"
