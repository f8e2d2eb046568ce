"""The store shared by processes: a read never sees half of another process's commit, and every commit, from any
process, changes the revision the app caches on."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from conftest import mosul_mention

from threatmap.models import Document
from threatmap.store import Store

ROOT = Path(__file__).resolve().parent.parent
GAZ = Path(__file__).parent / "data" / "gazetteer"
WRITER = textwrap.dedent("""
    import sys
    sys.path.insert(0, "tests")
    from conftest import mosul_mention
    from threatmap.models import Document
    from threatmap.store import Store
    with Store.open(sys.argv[1]) as store:
        doc = Document(sys.argv[2], "ISIS attacked Mosul.", lang="en", source="Writer")
        store.add_document(doc, [mosul_mention(doc.id, 14, passage_end=20, threat=True)])
""")


def _write_from_another_process(store_path: Path, doc_id: str) -> None:
    subprocess.run([sys.executable, "-c", WRITER, str(store_path), doc_id], cwd=ROOT, check=True, timeout=120)


def _seed(path: Path) -> Store:
    store = Store.open(path)
    doc = Document("first", "Mosul is quiet.", lang="en", source="Seed")
    store.add_document(doc, [mosul_mention("first", 0, passage_end=15)])
    return store


class _CommitAfterDocuments(sqlite3.Connection):
    """A connection on which another process commits a document right after the per-place aggregate was read (from
    the mentions or from the cubes: the first statement that groups by place), where a reader that counts mentions
    and documents in two transactions gets counts of two different states."""

    store_path: Path | None = None  # set on the instance by the test
    fired = False

    def after(self, sql: str) -> None:
        if self.store_path is not None and not self.fired and "GROUP BY" in sql and "place_id" in sql:
            self.fired = True
            _write_from_another_process(self.store_path, "second")

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
        result = super().execute(sql, *args)
        self.after(sql)
        return result

    def cursor(self, *args: Any, **kwargs: Any) -> sqlite3.Cursor:  # type: ignore[override]
        conn = self

        class _Cursor(sqlite3.Cursor):
            def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
                result = super().execute(sql, *args)
                conn.after(sql)
                return result

        return super().cursor(_Cursor)


def test_a_commit_by_another_process_during_a_read_never_splits_it(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.sqlite"
    _seed(path).close()
    opened: list[_CommitAfterDocuments] = []
    connect = sqlite3.connect

    def spying_connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        opened.append(connect(*args, **kwargs, factory=_CommitAfterDocuments))
        return opened[-1]

    monkeypatch.setattr(sqlite3, "connect", spying_connect)
    store = Store.open(path)
    monkeypatch.undo()
    try:
        opened[0].store_path = path
        first = store.counts()  # another process commits "second" between this read's SELECTs of mentions and documents
        assert opened[0].fired
        assert (first.mentions, first.documents) == (1, 1)  # one consistent state: before the commit
        assert (store.counts().mentions, store.counts().documents) == (2, 2)  # and the next read sees it
    finally:
        store.close()


def test_every_commit_from_any_process_changes_the_revision(tmp_path: Path) -> None:
    store = _seed(tmp_path / "s.sqlite")
    try:
        seen = [store.revision()]
        assert set(store.query()["doc_id"]) == {"first"}
        _write_from_another_process(tmp_path / "s.sqlite", "second")
        seen.append(store.revision())
        doc = tmp_path / "third.md"
        doc.write_text("ISIS attacked Testville.\n", encoding="utf-8")
        subprocess.run([sys.executable, "-m", "threatmap", "--places", str(GAZ / "valid.yaml"), "--geodata",
                        str(GAZ / "geodata"), "ingest", "--store", str(tmp_path / "s.sqlite"), str(doc)],
                       cwd=ROOT, check=True, timeout=300, capture_output=True)
        seen.append(store.revision())
        store.add_document(Document("fourth", "Mosul.", lang="en"), [])
        seen.append(store.revision())
        with sqlite3.connect(tmp_path / "s.sqlite") as other:  # any other writer, not threatmap's: sqlite3 itself
            other.execute("DELETE FROM documents WHERE id = 'fourth'")
        seen.append(store.revision())
        assert len(set(seen)) == 5 and seen == sorted(seen)
        assert set(store.query()["doc_id"]) == {"first", "second", "third"}  # "fourth" has no mention
        assert store.facets().documents == 3
    finally:
        store.close()
