"""Geoparse a stream of documents in batches, each document's failure kept to itself (:func:`pipe_isolated`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING, TypeVar

from threatmap.models import Document, Mention

if TYPE_CHECKING:
    from threatmap.geoparse.parser import Geoparser

__all__ = ["Outcome", "batches", "pipe_isolated"]

T = TypeVar("T")

Outcome = tuple[Mention, ...] | Exception
"""A document's mentions, or the exception its parse raised."""


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` as lists of ``size`` (the last one shorter), each read only when asked for; ValueError at once
    unless ``size`` is a positive int."""
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"expected batch_size a positive int, got {size!r}")
    return _batches(iter(items), size)


def _batches(iterator: Iterator[T], size: int) -> Iterator[list[T]]:
    while batch := list(islice(iterator, size)):
        yield batch


def pipe_isolated(geoparser: Geoparser, documents: Iterable[Document], *,
                  batch_size: int = 64) -> Iterator[tuple[Document, Outcome]]:
    """Each document with its mentions (what ``geoparser.parse`` returns) or the exception its parse raised.

    Documents are read ``batch_size`` at a time and judged together (:meth:`Geoparser.pipe`). When a batch
    raises, its documents are parsed again one by one (:meth:`Geoparser.parse`): the one that fails gets its
    exception, the others their mentions. So a bad document costs its batch one more parse and takes nothing
    else down. Only :class:`Exception` is caught (an interrupt or ``SystemExit`` stops the iteration).

    Yields
    ------
    (document, outcome)
        In the order of ``documents``; ``outcome`` is a tuple of :class:`Mention` or an :class:`Exception`.
    """
    for batch in batches(documents, batch_size):
        try:
            outcomes: list[Outcome] = list(geoparser.pipe(batch, batch_size=len(batch)))
        except Exception:  # which document failed is found below, one by one
            outcomes = [_parse_one(geoparser, document) for document in batch]
        yield from zip(batch, outcomes, strict=True)


def _parse_one(geoparser: Geoparser, document: Document) -> Outcome:
    """The mentions of ``document``, or the exception its parse raised."""
    try:
        return geoparser.parse(document)
    except Exception as exc:  # handed to the caller with its document
        return exc
