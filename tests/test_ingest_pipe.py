"""Ingest through ``Geoparser.pipe`` (the threat model judging a file's documents in batches): it stores what the
per-document path stores, and a document whose parse raises inside a batch is rejected alone, with its file:line."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from threatmap.gazetteer import Gazetteer
from threatmap.geoparse.parser import Geoparser
from threatmap.models import Document
from threatmap.store import Store
from threatmap.store.documents import printable_path, read_path
from threatmap.store.ingest import PIPE_BATCH, IngestSummary, expand_paths, ingest_paths, reindex

ROOT = Path(__file__).resolve().parent.parent
LINES = 2 * PIPE_BATCH + 22
"""Documents of the test collection: two full batches and a partial one."""


@pytest.fixture(scope="module")
def parser() -> Geoparser:
    return Geoparser.from_gazetteer(Gazetteer.load())  # the trained threat model: it judges batches


@pytest.fixture
def piped(parser: Geoparser, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of every batch ``Geoparser.pipe`` is given (so a test knows the batched path ran)."""
    sizes: list[int] = []
    pipe = Geoparser.pipe

    def counted(self: Geoparser, documents: Any, *, batch_size: int = 64) -> Iterator[Any]:
        batch = list(documents)
        sizes.append(len(batch))
        return pipe(self, batch, batch_size=batch_size)

    monkeypatch.setattr(Geoparser, "pipe", counted)
    return sizes


def _collection(path: Path) -> Path:
    """The corpus documents, then their sentences, as :data:`LINES` JSONL lines (ids ``c0``, ``c1`` …)."""
    docs = [d for p in expand_paths([ROOT / "corpus"]) for d in read_path(p).documents]
    texts = [d.text for d in docs] + [s for d in docs for s in re.split(r"(?<=[.!?؟])\s+|\n", d.text) if len(s) > 40]
    assert len(texts) >= LINES
    lines = [json.dumps({"id": f"c{i}", "text": text}) for i, text in enumerate(texts[:LINES])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _tables(store: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Documents (not the time of the write), mentions (every column, threat_p too) and candidates."""
    queries = {
        "documents": "SELECT id, content_hash, text, lang, source, date, path, text_hash FROM documents ORDER BY id",
        "mentions": "SELECT * FROM mentions ORDER BY doc_id, start, \"end\", place_id",
        "candidates": "SELECT * FROM candidates ORDER BY doc_id, start, \"end\", surface",
    }
    with store.reading() as cur:
        return {name: [tuple(r) for r in store.run(cur, sql).fetchall()] for name, sql in queries.items()}


def _ingest_both(paths: list[Path], parser: Geoparser, tmp_path: Path
                 ) -> tuple[tuple[IngestSummary, IngestSummary], tuple[Any, Any]]:
    """Ingest ``paths`` with the Geoparser (piped) and with its bare ``parse`` (one document at a time)."""
    summaries, tables = [], []
    for name, how in (("piped", parser), ("each", parser.parse)):
        with Store.open(tmp_path / f"{name}.sqlite") as store:
            summaries.append(ingest_paths(paths, store, how))
            summaries.append(reindex(store, how))
            tables.append(_tables(store))
    piped_ingest, piped_reindex, each_ingest, each_reindex = summaries
    assert piped_reindex == each_reindex
    return (piped_ingest, each_ingest), (tables[0], tables[1])


def test_ingest_through_pipe_stores_what_parsing_each_document_stores(parser: Geoparser, piped: list[int],
                                                                      tmp_path: Path) -> None:
    collection = _collection(tmp_path / "collection.jsonl")
    (got, expected), (stored, stored_each) = _ingest_both([collection, ROOT / "corpus"], parser, tmp_path)
    assert got == expected and got.added > LINES and not got.rejected
    assert piped[:3] == [PIPE_BATCH, PIPE_BATCH, LINES - 2 * PIPE_BATCH]  # the collection, in batches
    assert stored == stored_each
    assert len(stored["mentions"]) > LINES  # (the real gazetteer knows every name here: no candidate rows)
    with Store.open(tmp_path / "piped.sqlite") as store:
        frame = store.query()
    assert frame["threat_p"].notna().all() and frame["threat"].any() and not frame["threat"].all()


def test_a_parse_that_raises_inside_a_batch_rejects_that_document_alone(parser: Geoparser, piped: list[int],
                                                                        monkeypatch: pytest.MonkeyPatch,
                                                                        tmp_path: Path) -> None:
    collection = _collection(tmp_path / "collection.jsonl")
    find = parser.find

    def failing(document: Document) -> Any:
        if document.id == "c69":
            raise RuntimeError("boom")
        return find(document)

    monkeypatch.setattr(parser, "find", failing)
    (got, expected), (stored, stored_each) = _ingest_both([collection], parser, tmp_path)
    assert got == expected and got.added == LINES - 1
    (where, reason), = got.rejected
    assert where == f"{printable_path(collection)}:70"
    assert "the geoparser failed on document 'c69': RuntimeError: boom; fix: report it with this file" in reason
    assert piped[:3] == [PIPE_BATCH, PIPE_BATCH, LINES - 2 * PIPE_BATCH]  # c69's batch was then parsed one by one
    assert stored == stored_each
    ids = {row[0] for row in stored["documents"]}
    assert "c69" not in ids and {"c68", "c70"} <= ids
