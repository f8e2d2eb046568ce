"""The store's public interface (what ui/, the exports and the CLI call) and the choice of engine by target.

A target is a file path (the embedded SQLite store, the default) or a ``postgresql://user@host/db`` URL (a shared
PostgreSQL + PostGIS store). Both engines implement :class:`Store` and pass the same contract tests
(``tests/test_store.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

import pandas as pd

from threatmap.errors import DocumentError
from threatmap.models import Candidate, Document, Mention
from threatmap.store.base import Counts, Facets
from threatmap.store.filters import Filters
from threatmap.store.prepared import PreparedDocument
from threatmap.store.reviews import Orphan

__all__ = ["Store", "is_url", "migrate"]

_SCHEMES = ("postgresql://", "postgres://")


def is_url(target: Path | str) -> bool:
    """True when ``target`` names a PostgreSQL database rather than a SQLite file."""
    return isinstance(target, str) and target.startswith(_SCHEMES)


class Store(Protocol):
    """A threatmap store: documents, their mentions and candidate names, queried behind :class:`Filters`.

    ``Store.open(target)`` opens the engine the target names. Use as a context manager or call ``close``.
    """

    label: str

    @staticmethod
    def open(target: Path | str, /) -> Store:
        """Open (or create) the store at ``target``: a SQLite file path, or a ``postgresql://`` URL."""
        if is_url(target):
            from threatmap.store.postgres import PostgresStore

            return PostgresStore.open(str(target))
        from threatmap.store.sqlite import SQLiteStore

        return SQLiteStore.open(target)

    def close(self) -> None: ...
    def __enter__(self) -> Store: ...
    def __exit__(self, *exc: object) -> None: ...
    def add_document(self, doc: Document, mentions: Sequence[Mention],
                     candidates: Sequence[Candidate] = ()) -> bool: ...
    def add_batch(self, items: Iterable[tuple[Document, Sequence[Mention], Sequence[Candidate]]]
                  ) -> list[str | DocumentError]: ...
    def add_prepared(self, items: Iterable[PreparedDocument]) -> list[str | DocumentError]: ...
    def bulk_writes(self) -> AbstractContextManager[None]: ...
    def contains(self, doc: Document) -> bool: ...
    def replace_mentions(self, doc_id: str, mentions: Sequence[Mention],
                         candidates: Sequence[Candidate] | None = None) -> None: ...
    def replace_many(self, items: Iterable[tuple[str, Sequence[Mention], Sequence[Candidate] | None]]
                     ) -> None: ...
    def revision(self) -> int: ...
    def is_empty(self) -> bool: ...
    def documents(self, ids: Sequence[str] | None = None) -> list[Document]: ...
    def candidates(self) -> list[Candidate]: ...
    def facets(self) -> Facets: ...
    def query(self, filters: Filters | None = None, *, limit: int | None = None,
              newest_first: bool = False) -> pd.DataFrame: ...
    def counts(self, filters: Filters | None = None) -> Counts: ...
    def text_capped(self, filters: Filters | None = None) -> bool: ...
    def aggregate(self, filters: Filters | None = None) -> pd.DataFrame: ...
    def document_count(self, filters: Filters | None = None) -> int: ...
    def monthly(self, filters: Filters | None = None) -> tuple[pd.DataFrame, int]: ...
    def place_keys(self) -> pd.DataFrame: ...
    def reviewed_document_ids(self) -> list[str]: ...
    def orphan_reviews(self) -> tuple[Orphan, ...]: ...


def migrate(target: Path | str) -> tuple[int, int]:
    """Bring the store at ``target`` to the current schema; returns (version before, version after)."""
    if is_url(target):
        from threatmap.store.postgres import PostgresStore

        return PostgresStore.migrate(str(target))
    from threatmap.store.sqlite import SQLiteStore

    return SQLiteStore.migrate(target)
