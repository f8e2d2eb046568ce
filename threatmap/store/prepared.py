"""The rows a geoparsed document writes (:class:`PreparedDocument`), made where it was geoparsed.

A Dask worker turns each document it geoparses into its insert-ready rows — the documents row with its content and
text hashes, the text index's key, the mention rows (with the document fields each carries) and the candidate rows
— so that the process writing the store (one, for the whole cluster) only runs the inserts. A single-process ingest
makes the same record just before writing it: there is one write path (:meth:`SqlStore.add_prepared`).

The record holds plain tuples of str, int, float and None: cheap to pickle and to send back, and exactly the
parameters of the inserts (:data:`DOCUMENT_INSERT`, :data:`~threatmap.store.schema.MENTION_INSERT`,
:data:`CANDIDATE_INSERT`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from threatmap.models import Candidate, Document, Mention
from threatmap.store.reviews import text_hash
from threatmap.store.schema import mention_values
from threatmap.store.sql import search_key

__all__ = ["CANDIDATE_INSERT", "DOCUMENT_INSERT", "PreparedDocument", "candidate_row", "document_row", "prepare"]

_DOCUMENT_FIELDS = ("id", "content_hash", "text", "lang", "source", "date", "date_origin", "url", "title", "path",
                    "speakers", "text_hash", "ingested_at")
DOCUMENT_INSERT = (f"INSERT INTO documents ({', '.join(_DOCUMENT_FIELDS)}) "
                   f"VALUES ({', '.join('?' * len(_DOCUMENT_FIELDS))})")
"""Insert one document: :attr:`PreparedDocument.row` and the time of the write (``ingested_at``)."""
CANDIDATE_INSERT = "INSERT INTO candidates VALUES (?, ?, ?, ?, ?, ?)"
"""Insert one candidate name: a row of :attr:`PreparedDocument.candidates`."""


@dataclass(frozen=True, slots=True)
class PreparedDocument:
    """A geoparsed document as the rows it writes.

    Attributes
    ----------
    row
        The documents row without ``ingested_at`` (set when it is written), in the order of :data:`DOCUMENT_INSERT`:
        ``row[0]`` is the id, ``row[1]`` the content hash, ``row[9]`` the path.
    search_key
        The text index's key of the document's text (:func:`threatmap.store.sql.search_key`).
    mentions
        The mention rows (:func:`threatmap.store.schema.mention_values`, with the document's date, source, language).
    candidates
        The candidate-name rows (document id, start, end, surface, trigger, passage).
    threats
        How many of the mentions are judged a present threat (for the ingest summary).
    """

    row: tuple[object, ...]
    search_key: str
    mentions: tuple[tuple[object, ...], ...]
    candidates: tuple[tuple[object, ...], ...]
    threats: int

    @property
    def id(self) -> str:
        return str(self.row[0])

    @property
    def content_hash(self) -> str:
        return str(self.row[1])

    @property
    def path(self) -> str | None:
        path = self.row[9]
        return None if path is None else str(path)


def content_hash(doc: Document) -> str:
    """SHA-256 of the document id, text and metadata (not its path: moving a file changes nothing)."""
    payload = [doc.id, doc.text, doc.lang, doc.source, doc.date.isoformat() if doc.date else None,
               doc.date_origin, doc.url, doc.title, list(doc.speakers)]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode("utf-8")).hexdigest()


def document_row(doc: Document) -> tuple[object, ...]:
    """The documents row of ``doc`` without ``ingested_at`` (see :attr:`PreparedDocument.row`)."""
    return (doc.id, content_hash(doc), doc.text, doc.lang, doc.source, doc.date.isoformat() if doc.date else None,
            doc.date_origin, doc.url, doc.title, doc.path, json.dumps(list(doc.speakers), ensure_ascii=False),
            text_hash(doc.text))


def candidate_row(doc_id: str, c: Candidate) -> tuple[object, ...]:
    """The candidates row of name ``c`` found in document ``doc_id`` (:data:`CANDIDATE_INSERT`)."""
    return (doc_id, c.start, c.end, c.surface, c.trigger, c.passage)


def prepare(doc: Document, mentions: Sequence[Mention], candidates: Sequence[Candidate]) -> PreparedDocument:
    """The rows ``doc`` writes with its ``mentions`` and ``candidates``."""
    return PreparedDocument(
        row=document_row(doc), search_key=search_key(doc.text),
        mentions=tuple(mention_values(m, doc) for m in mentions),
        candidates=tuple(candidate_row(doc.id, c) for c in candidates),
        threats=sum(1 for m in mentions if m.threat))
