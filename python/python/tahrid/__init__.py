"""tahrid: find sectarian and incitement terminology in multilingual text.

The tagger is the Rust library's, compiled into the extension module ``tahrid._tahrid``. A
record is the JSON record of the ``tag`` example as a dict::

    {"id": ..., "lang": "en", "verdict": {"label": ..., "score": ..., "scores": {...},
     "reasons": [...]}, "hits": [...], "rules": [...], "cues": [...], "error": None}

Every hit, cue and rule carries ``start``/``end`` (UTF-8 byte offsets, as in Rust and the
JSON output) and ``char_start``/``char_end`` (code-point offsets, so that
``text[h["char_start"]:h["char_end"]] == h["text"]``).

>>> import tahrid
>>> tagger = tahrid.Tagger()
>>> r = tagger.tag("The rafidah have taken over the council.")
>>> r["verdict"]["label"], r["hits"][0]["entry"], r["hits"][0]["char_start"]
('sectarian_hate', 'rafidah', 4)
"""

from __future__ import annotations

import threading
from typing import Any, Iterable

from ._tahrid import LexiconError, TahridError, Tagger, __version__

__all__ = ["Tagger", "TahridError", "LexiconError", "tag", "tag_batch", "__version__"]

_default: Tagger | None = None
_default_lock = threading.Lock()


def _default_tagger() -> Tagger:
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Tagger()
    return _default


def tag(text: str | bytes, id: str | int | None = None) -> dict[str, Any]:
    """Tags one text with a shared tagger on the default lexicon (see ``Tagger.tag``)."""
    return _default_tagger().tag(text, id)


def tag_batch(
    texts: Iterable[Any], ids: Iterable[str | int | None] | None = None
) -> list[dict[str, Any]]:
    """Tags many texts in parallel with a shared default tagger (see ``Tagger.tag_batch``)."""
    return _default_tagger().tag_batch(texts, ids)
