"""The parse context: one document being parsed, its normalised view and what the stages compute about it.

A :class:`ParseContext` is built per :meth:`Geoparser.parse` call and never shared between calls (the app shares
one :class:`~threatmap.geoparse.Geoparser` between threads): the text is normalised once here, and the matcher
and the threat stage both read that one normalised view. Per-document state that a stage computes lazily (the
actors named in the document, the analysis of each passage) lives in the context's memo, so it dies with it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Hashable, Sequence
from typing import Protocol, TypeVar

from threatmap.lang.detect import detect_lang
from threatmap.lang.normalize import Normalized, normalize_for_matching
from threatmap.models import Document, Passage

__all__ = ["ParseContext", "SplitPassages"]

_T = TypeVar("_T")


class SplitPassages(Protocol):
    """The passage splitter's signature (:func:`threatmap.geoparse.passages.split_passages`)."""

    def __call__(self, text: str, *, source: str | None = None, speakers: Sequence[str] = ()
                 ) -> tuple[Passage, ...]: ...


class ParseContext:
    """One document being parsed: original text, normalised view (with its word view), language, date, passages.

    Parameters
    ----------
    text
        The original text; every offset the stages return indexes it.
    lang
        The document language, or None to detect it from the script (:func:`threatmap.lang.detect.detect_lang`).
    doc_date
        The document's date, or None.
    source, speakers
        The outlet and the transcript's speakers, for the passages.
    split_passages
        The passage splitter; the default is imported on first use of :attr:`passages`.
    """

    __slots__ = ("_memo", "_passages", "_split", "doc_date", "lang", "norm", "source", "speakers", "text", "view")

    def __init__(self, text: str, *, lang: str | None = None, doc_date: datetime.date | None = None,
                 source: str | None = None, speakers: Sequence[str] = (),
                 split_passages: SplitPassages | None = None) -> None:
        self.text = text
        norm, view = normalize_for_matching(text)
        self.norm: Normalized = norm
        """The normalised text with the map back to ``text`` (computed once per parse)."""
        self.view: str = view
        """The word view of ``norm.text``: same offsets, every non-word character a space (the matcher's input)."""
        self.lang: str = lang or detect_lang(text)
        self.doc_date = doc_date
        self.source = source
        self.speakers = tuple(speakers)
        self._split = split_passages
        self._passages: tuple[Passage, ...] | None = None
        self._memo: dict[Hashable, object] = {}

    @classmethod
    def of(cls, document: Document, *, split_passages: SplitPassages | None = None) -> ParseContext:
        """The context of ``document`` (its text, language, date, source and speakers)."""
        return cls(document.text or "", lang=document.lang, doc_date=document.date, source=document.source,
                   speakers=document.speakers, split_passages=split_passages)

    @property
    def passages(self) -> tuple[Passage, ...]:
        """The document's passages (sentences with their speakers), split on first use."""
        if self._passages is None:
            split = self._split
            if split is None:
                from threatmap.geoparse.passages import split_passages

                split = split_passages
            self._passages = split(self.text, source=self.source, speakers=self.speakers)
        return self._passages

    def memo(self, key: Hashable, compute: Callable[[], _T]) -> _T:
        """``compute()`` once per context and ``key`` (a stage's per-document state, e.g. a passage analysis)."""
        memo = self._memo
        if key in memo:
            return memo[key]  # type: ignore[return-value]
        value = memo[key] = compute()
        return value

    def release(self) -> None:
        """Drop what the stages memoised, once the parse is over. A passage analysis keeps its context, so the memo
        is a reference cycle: cleared here, a document's analyses are freed at once instead of by the cyclic
        garbage collector, which would otherwise trace them (and promote them) over the next parses."""
        self._memo.clear()

    def to_normalized(self, orig: int) -> int:
        """The smallest normalised offset whose original offset is at or after ``orig``."""
        return self.norm.to_normalized(orig)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the normalised span ``[start, end)``."""
        return self.norm.to_original(start, end)
