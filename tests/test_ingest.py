"""Ingest: files and folders, one transaction per file, bad files rejected with reasons, idempotence, SIGKILL."""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path

import pytest

from threatmap import settings
from threatmap.errors import StoreError
from threatmap.models import Document, Mention, Where
from threatmap.store import Store
from threatmap.store.ingest import IngestSummary, ensure_demo_corpus, expand_paths, ingest_paths, ingest_upload, reindex

DATA = Path(__file__).parent / "data" / "ingest"
ROOT = Path(__file__).resolve().parent.parent


def fake_parse(doc: Document) -> tuple[Mention, ...]:
    """Stand-in geoparser: every 'Mosul' / 'الموصل' is a mention, a threat when ISIS/داعش is on its line."""
    out = []
    for m in re.finditer("Mosul|الموصل|مخمور", doc.text):
        ps = doc.text.rfind("\n", 0, m.start()) + 1
        pe = doc.text.find("\n", m.end())
        pe = len(doc.text) if pe < 0 else pe
        threat = bool(re.search("ISIS|داعش", doc.text[ps:pe]))
        out.append(Mention(doc_id=doc.id, start=m.start(), end=m.end(), surface=m.group(), place_id="mosul",
                           name="Mosul", place_type="city",
                           where=Where(36.34, 43.13, (43.13, 36.34, 43.13, 36.34), "Point", 1), threat=threat,
                           passage_start=ps, passage_end=pe))
    return tuple(out)


class FakeGeoparser:
    """An object with .parse, like threatmap.geoparse.parser.Geoparser."""

    def __init__(self) -> None:
        self.calls = 0

    def parse(self, document: Document) -> tuple[Mention, ...]:
        self.calls += 1
        return fake_parse(document)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store.open(tmp_path / "s.sqlite") as s:
        yield s


def test_folder_is_walked_recursively_and_everything_is_stored(store: Store) -> None:
    summary = ingest_paths([DATA / "good"], store, fake_parse)
    assert summary.rejected == ()
    assert summary.added == 6  # .md, .txt, .html and the 3 lines of .jsonl
    assert summary.mentions == len(store.query()) == 5
    assert summary.threat_mentions == int(store.query()["threat"].sum()) > 0
    assert summary.unresolved >= 1  # "Wadi Tubal", "سهل نينوى" … are not known to the fake parser
    assert {d.id for d in store.documents()} == {"caggins-excerpt", "strikes-plain", "hawija-article",
                                                 "jl-1", "jl-2", "jl-3"}


def test_reingest_changes_nothing_and_does_not_geoparse_again(store: Store) -> None:
    ingest_paths([DATA / "good"], store, fake_parse)
    before = store.query()
    parser = FakeGeoparser()
    again = ingest_paths([DATA / "good"], store, parser)
    assert (again.added, again.unchanged, again.rejected, again.mentions) == (0, 6, (), 0)
    assert parser.calls == 0
    assert store.query().equals(before)


def test_bad_files_are_rejected_with_reasons_and_the_batch_goes_on(store: Store) -> None:
    ingest_paths([DATA / "good"], store, fake_parse)
    summary = ingest_paths([DATA / "bad", DATA / "good" / "strikes-plain.txt", DATA / "missing.md"], store,
                           fake_parse)
    reasons = {Path(path).name: reason for path, reason in summary.rejected}
    assert set(reasons) == {"bad-date.md", "blank.md", "broken-front-matter.md", "duplicate-id.md", "empty.txt",
                            "latin1.txt", "nul.txt", "report.txt", "unknown-lang.md", "missing.md"}
    assert "invalid date '2020-02-30'" in reasons["bad-date.md"]
    assert "already stored" in reasons["duplicate-id.md"] and "distinct 'id:'" in reasons["duplicate-id.md"]
    assert "no such file" in reasons["missing.md"]
    assert "broken-front-matter.md:2" in reasons["broken-front-matter.md"]
    assert summary.unchanged == 1
    assert {d.id for d in store.documents()} >= {"caggins-excerpt", "strikes-plain"}
    assert "Another document" not in {d.title for d in store.documents()}  # the stored one is kept
    text = str(summary)
    assert "rejected: 10" in text and "duplicate-id.md" in text


def test_unsupported_file_given_explicitly_is_rejected(store: Store) -> None:
    summary = ingest_paths([DATA / "bad" / "scan.pdf"], store, fake_parse)
    assert "unsupported file type '.pdf'" in summary.rejected[0][1]


def test_size_limit_is_configurable(store: Store) -> None:
    summary = ingest_paths([DATA / "good" / "strikes-plain.txt"], store, fake_parse, max_bytes=50)
    assert "over the size limit of 50 bytes" in summary.rejected[0][1]


def test_duplicate_ids_inside_one_jsonl_file(store: Store, tmp_path: Path) -> None:
    f = tmp_path / "dup.jsonl"
    f.write_text('{"id": "x", "text": "Mosul one"}\n{"id": "x", "text": "Mosul two"}\n', encoding="utf-8")
    summary = ingest_paths([f], store, fake_parse)
    assert summary.added == 1 and "appears twice" in summary.rejected[0][1]
    summary = ingest_paths([f], store, fake_parse)
    assert summary.unchanged == 1 and len(summary.rejected) == 1
    assert store.documents()[0].text == "Mosul one"


def test_a_geoparser_crash_rejects_only_that_document(store: Store) -> None:
    def flaky(doc: Document) -> tuple[Mention, ...]:
        if doc.id == "jl-2":
            raise RuntimeError("boom")
        return fake_parse(doc)

    summary = ingest_paths([DATA / "good"], store, flaky)
    assert summary.added == 5
    assert "geoparser failed on document 'jl-2': RuntimeError: boom" in summary.rejected[0][1]


def test_a_store_error_rejects_the_file_and_the_batch_goes_on(store: Store) -> None:
    def broken(doc: Document) -> tuple[Mention, ...]:
        mentions = fake_parse(doc)
        if doc.id != "caggins-excerpt" or not mentions:
            return mentions
        m = mentions[0]
        return (replace(m, where=replace(m.where, bbox=(1.0,))),)

    summary = ingest_paths([DATA / "good"], store, broken)
    assert summary.added == 5
    (path, reason), = summary.rejected
    assert path.endswith("caggins-excerpt.md") and "not stored: cannot write to the store" in reason
    assert "caggins-excerpt" not in {d.id for d in store.documents()}


def test_cp1256_note_is_in_the_summary(store: Store, tmp_path: Path) -> None:
    f = tmp_path / "old.txt"
    f.write_bytes("مازال داعش يهدد الموصل".encode("cp1256"))
    summary = ingest_paths([f], store, fake_parse)
    assert summary.added == 1 and "cp1256" in str(summary)


def test_upload(store: Store) -> None:
    data = (DATA / "good" / "caggins-excerpt.md").read_bytes()
    summary = ingest_upload("caggins-excerpt.md", data, store, FakeGeoparser())
    assert summary.added == 1 and summary.mentions == 1
    assert store.documents()[0].path == "upload:caggins-excerpt.md"
    assert ingest_upload("caggins-excerpt.md", data, store, fake_parse).unchanged == 1
    bad = ingest_upload("x.txt", b"", store, fake_parse)
    assert bad.rejected[0][0] == "x.txt" and "empty" in bad.rejected[0][1]


def test_reindex_replaces_mentions_without_the_sources(store: Store, tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(DATA / "good", src)
    ingest_paths([src], store, fake_parse)
    shutil.rmtree(src)

    def more(doc: Document) -> tuple[Mention, ...]:
        return fake_parse(doc) + fake_parse(doc)

    summary = reindex(store, more)
    assert summary.reindexed == 6 and summary.mentions == 10
    assert len(store.query()) == 10
    assert "documents reindexed: 6" in str(summary)


def test_reindex_writes_a_batch_whole_or_not_at_all(store: Store) -> None:
    ingest_paths([DATA / "good"], store, fake_parse)
    before = store.query()
    docs = store.documents()
    batch = [(d.id, fake_parse(d) * 2, ()) for d in docs] + [("gone", (), ())]
    with pytest.raises(StoreError, match="no stored document with id 'gone'"):
        store.replace_many(batch)
    assert store.query().equals(before)  # the documents before 'gone' kept their mentions
    store.replace_many(batch[:-1])
    assert len(store.query()) == 2 * len(before) > 0


def test_demo_corpus_only_when_the_store_is_empty(store: Store) -> None:
    summary = ensure_demo_corpus(store, fake_parse, ROOT / "corpus")
    assert summary is not None and summary.rejected == ()
    assert summary.added == 18  # the seed interview and the 17 public-domain documents; README.md skipped
    seed = next(d for d in store.documents() if d.id == "rudaw-caggins-2020-03-04")
    assert seed.source == "Rudaw" and str(seed.date) == "2020-03-04" and seed.lang == "ar"
    assert ensure_demo_corpus(store, fake_parse, ROOT / "corpus") is None


def test_demo_corpus_default_dir_is_the_settings_one() -> None:
    assert ensure_demo_corpus.__defaults__ == (settings.CORPUS_DIR,)


def test_expand_paths_skips_hidden_and_readme(tmp_path: Path) -> None:
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "a.md").write_text("x")
    (tmp_path / "README.md").write_text("x")
    (tmp_path / "notes.docx").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.TXT").write_text("x")
    assert [p.name for p in expand_paths([tmp_path])] == ["b.TXT"]


def test_a_folder_without_documents_is_reported(store: Store, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    summary = ingest_paths([tmp_path / "empty"], store, fake_parse)
    assert summary.added == 0 and "no .md, .markdown, .txt" in summary.rejected[0][1]


def test_summary_text() -> None:
    s = IngestSummary(added=2, unchanged=1, rejected=(("a.md", "a.md: bad"),), mentions=7, threat_mentions=3,
                      unresolved=4)
    assert str(s).splitlines()[:3] == [
        "documents added: 2, unchanged: 1, rejected: 1",
        "mentions: 7 (threat: 3), unresolved candidates: 4",
        "  rejected: a.md: bad"]


_KILL_SCRIPT = textwrap.dedent("""
    import re, sys, time
    from threatmap.store.ingest import ingest_paths
    from threatmap.models import Mention, Where
    from threatmap.store import Store

    def parse(doc):
        time.sleep(0.002)
        return tuple(Mention(doc_id=doc.id, start=m.start(), end=m.end(), surface="Mosul", place_id="mosul",
                             name="Mosul", place_type="city",
                             where=Where(36.3, 43.1, (43.1, 36.3, 43.1, 36.3), "Point", 1),
                             threat=True, passage_start=0, passage_end=len(doc.text))
                     for m in re.finditer("Mosul", doc.text))

    with Store.open(sys.argv[1]) as store:
        ingest_paths([sys.argv[2]], store, parse)
""")


def test_sigkill_part_way_leaves_no_half_document(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(400):
        (docs / f"d{i:03}.txt").write_text("ISIS near Mosul. " * (50 + i % 50), encoding="utf-8")
    db = tmp_path / "kill.sqlite"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", _KILL_SCRIPT, str(db), str(docs)], env=env)
    try:
        deadline = time.monotonic() + 60
        stored = 0
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
            if db.exists():
                try:
                    with sqlite3.connect(db, timeout=1) as conn:
                        stored = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
                except sqlite3.Error:
                    continue
                if stored >= 20:
                    break
        assert proc.poll() is None, "the ingest finished before it could be killed; make it longer"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    with Store.open(db) as store:
        documents = store.documents()
        assert 20 <= len(documents) < 400
        counts = store.query().groupby("doc_id").size().to_dict()
        for d in documents:  # every stored document has all its mentions
            assert counts.get(d.id, 0) == d.text.count("Mosul")
        summary = ingest_paths([docs], store, fake_parse)
        assert summary.rejected == ()
        assert summary.unchanged == len(documents) and summary.added == 400 - len(documents)
        assert store.facets().documents == 400


def test_a_prepared_document_is_plain_rows_that_store_as_the_document_does(tmp_path: Path) -> None:
    """What a Dask worker sends back: plain tuples (cheap to pickle), written exactly as add_document writes."""
    import datetime as dt
    import pickle

    import pandas as pd

    from threatmap.models import Candidate
    from threatmap.store.filters import Filters
    from threatmap.store.prepared import prepare

    doc = Document(id="d1", text="ISIS attacked Mosul.\nMosul is calm.", lang="en", source="s",
                   date=dt.date(2024, 5, 1), speakers=("a",), path="in/d1.md")
    mentions = fake_parse(doc)
    candidates = (Candidate(doc_id="d1", start=0, end=4, surface="ISIS", trigger="in", passage="ISIS attacked"),)
    prepared = prepare(doc, mentions, candidates)
    assert (prepared.id, prepared.path, prepared.threats, len(prepared.mentions)) == ("d1", "in/d1.md", 1, 2)

    def plain(value: object) -> bool:
        return value is None or type(value) in (str, int, float) or (
            type(value) is tuple and all(plain(v) for v in value))

    assert plain(prepared.row) and plain(prepared.mentions) and plain(prepared.candidates)
    assert pickle.loads(pickle.dumps(prepared)) == prepared
    with Store.open(tmp_path / "a.sqlite") as a, Store.open(tmp_path / "b.sqlite") as b:
        assert a.add_document(doc, mentions, candidates)
        assert b.add_prepared([pickle.loads(pickle.dumps(prepared))]) == ["added"]
        assert b.add_prepared([prepared]) == ["unchanged"]  # idempotent by content hash
        assert b.documents() == a.documents() and b.candidates() == a.candidates()
        pd.testing.assert_frame_equal(b.query(), a.query())
        assert len(b.query(Filters(text="attacked"))) == 2 and b.counts() == a.counts()  # text index, cubes
