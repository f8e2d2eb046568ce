"""The store shared by processes: a read never sees half of another process's commit, and every commit, from any
process, changes the revision the app caches on."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from threatmap.models import Document, Mention
from threatmap.store import Store

ROOT = Path(__file__).resolve().parent.parent
GAZ = Path(__file__).parent / "data" / "gazetteer"
WRITER = textwrap.dedent("""
    import sys
    from threatmap.models import Document, Mention
    from threatmap.store import Store
    with Store.open(sys.argv[1]) as store:
        doc = Document(sys.argv[2], "ISIS attacked Mosul.", lang="en", source="Writer")
        store.add_document(doc, [Mention(doc.id, 14, 19, "Mosul", "mosul", "Mosul", "city", 36.34, 43.13,
                                         (43.13, 36.34, 43.13, 36.34), "Point", 1, True, 0, 20)])
""")


def _write_from_another_process(store_path: Path, doc_id: str) -> None:
    subprocess.run([sys.executable, "-c", WRITER, str(store_path), doc_id], cwd=ROOT, check=True, timeout=120)


def _seed(path: Path) -> Store:
    store = Store.open(path)
    doc = Document("first", "Mosul is quiet.", lang="en", source="Seed")
    store.add_document(doc, [Mention("first", 0, 5, "Mosul", "mosul", "Mosul", "city", 36.34, 43.13,
                                     (43.13, 36.34, 43.13, 36.34), "Point", 1, False, 0, 15)])
    return store


class _CommitAfterDocuments:
    """The store's connection, with another process committing a document right after the documents were read
    (where a reader that reads documents and mentions in two transactions gets mentions of an unknown document)."""

    def __init__(self, conn: sqlite3.Connection, store_path: Path) -> None:
        self._conn, self._path, self.fired = conn, store_path, False

    def _after(self, sql: str) -> None:
        if not self.fired and sql.lstrip().startswith("SELECT id, title") and "FROM documents" in sql:
            self.fired = True
            _write_from_another_process(self._path, "second")

    def execute(self, sql: str, *args: Any) -> Any:
        result = self._conn.execute(sql, *args)
        self._after(sql)
        return result

    def cursor(self) -> Any:
        outer, cur = self, self._conn.cursor()

        class _Cursor:
            def execute(self, sql: str, *args: Any) -> Any:
                result = cur.execute(sql, *args)
                outer._after(sql)
                return result

            def __getattr__(self, name: str) -> Any:
                return getattr(cur, name)

        return _Cursor()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def test_a_commit_by_another_process_during_a_read_never_splits_it(tmp_path: Path) -> None:
    store = _seed(tmp_path / "s.sqlite")
    try:
        real = store._conn
        store._conn = _CommitAfterDocuments(real, tmp_path / "s.sqlite")  # type: ignore[assignment]
        first = store.query()  # the other process commits "second" between this read's two SELECTs
        assert store._conn.fired
        assert set(first["doc_id"]) == {"first"}  # one consistent state: before the commit
        store._conn = real
        assert set(store.query()["doc_id"]) == {"first", "second"}  # and the next read sees it
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
        assert len(set(seen)) == 4 and seen == sorted(seen)
        assert set(store.query()["doc_id"]) == {"first", "second", "third"}  # "fourth" has no mention
        assert store.facets().documents == 4
    finally:
        store.close()
