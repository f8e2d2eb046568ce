"""The seams between parts, as Protocols: what a stage needs of a gazetteer or a geoparser, not which class.

A :class:`threatmap.gazetteer.Gazetteer` is a :class:`PlaceSource` and a :class:`PlaceLookup`; a plain
``dict[str, Place]`` is a :class:`PlaceLookup`; a :class:`threatmap.geoparse.Geoparser` is a
:class:`DocumentParser`. Tests and other backends pass their own objects of the same shape.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Protocol

from threatmap.models import Document, Mention, Place

__all__ = ["DocumentParser", "ParseFn", "Parser", "PlaceLookup", "PlaceSource"]


class PlaceSource(Protocol):
    """The places of a gazetteer and every (alias, language, place) to match: what the geoparser is built from."""

    def __iter__(self) -> Iterator[Place]: ...

    def aliases(self) -> Iterable[tuple[str, str, Place]]: ...


class PlaceLookup(Protocol):
    """A place by id, or None (``Gazetteer.get``, ``dict.get``): what the exports resolve geometries with."""

    def get(self, place_id: str, /) -> Place | None: ...


class ParseFn(Protocol):
    """A document in, its mentions out (``Geoparser.parse``, or a stand-in in tests)."""

    def __call__(self, document: Document, /) -> Sequence[Mention]: ...


class Parser(Protocol):
    """Anything with ``parse(document)``: what ingestion needs."""

    def parse(self, document: Document, /) -> Sequence[Mention]: ...


class DocumentParser(Parser, Protocol):
    """A geoparser as the evaluation sees it: its places (for their geometries) and :meth:`parse`."""

    @property
    def places(self) -> Mapping[str, Place]: ...
