"""Type stubs for the extension module ``tahrid._tahrid``."""

from os import PathLike
from typing import Any, Iterable, final

__version__: str

class TahridError(Exception):
    """Base class of tahrid's errors."""

class LexiconError(TahridError):
    """A lexicon, cue or weight file is invalid; the message names the file, entry and field."""

@final
class Tagger:
    """A tagger: the lexicon compiled into a matcher, with the context and classify stages.

    Build it once and reuse it; it is safe to share between threads.
    """

    def __init__(
        self,
        lexicon: str | PathLike[str] | None = None,
        *,
        extend: Iterable[str | PathLike[str]] | None = None,
        dfa: bool = False,
        threads: int | None = None,
        ngram: bool = False,
    ) -> None:
        """``lexicon``: a lexicon directory or TOML file instead of the embedded default.
        ``extend``: lexicon paths added on top. ``dfa``: also compile a DFA, in the background
        (faster on large batches). ``threads``: a thread pool of its own for ``tag_batch``.
        ``ngram``: add the learned n-gram stage (the embedded model).

        Raises ``LexiconError`` for an invalid lexicon, ``ValueError`` for ``threads=0``.
        """

    def tag(self, text: str | bytes, id: str | int | None = None) -> dict[str, Any]:
        """Tags one text and returns its record (the ``tag`` example's JSON record as a dict,
        with ``char_start``/``char_end`` on every span).

        Raises ``TypeError`` when ``text`` is not ``str`` or ``bytes`` (``None`` included) and
        ``ValueError`` when it is not valid UTF-8 (invalid bytes, a lone surrogate).
        """

    def tag_batch(
        self, texts: Iterable[Any], ids: Iterable[str | int | None] | None = None
    ) -> list[dict[str, Any]]:
        """Tags many texts in parallel, with the GIL released; one record per text, in order.

        An item that cannot be read as text gives an error record ``{"id": .., "error": ..}``.
        Ids default to each text's position (0-based). Raises ``ValueError`` when ``ids`` and
        ``texts`` differ in length.
        """

    @property
    def entry_count(self) -> int:
        """The number of lexicon entries."""

    @property
    def pattern_count(self) -> int:
        """The number of distinct folded patterns the matcher searches for."""
