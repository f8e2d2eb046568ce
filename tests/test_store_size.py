"""Storage grows linearly with the text: passages are offsets into the stored text, and bounded in length."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from threatmap import Geoparser
from threatmap.gazetteer import default_gazetteer
from threatmap.geoparse.passages import MAX_PASSAGE_CHARS, split_passages
from threatmap.store import Store
from threatmap.store.ingest import ingest_paths
from threatmap.store.schema import SCHEMA_VERSION


@pytest.fixture(scope="module")
def geoparser() -> Geoparser:
    return Geoparser.from_gazetteer(default_gazetteer())


def _stored_bytes(tmp_path: Path, name: str, text: str, geoparser: Geoparser) -> tuple[int, int]:
    """(bytes of the store file once checkpointed, number of mentions) after ingesting ``text``."""
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    store_path = tmp_path / f"{name}.sqlite"
    with Store.open(store_path) as store:
        summary = ingest_paths([path], store, geoparser)
        longest = int(store.query()["passage"].str.len().max())
    with sqlite3.connect(store_path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert summary.added == 1 and longest <= MAX_PASSAGE_CHARS
    return store_path.stat().st_size, summary.mentions


def test_a_long_sentence_of_place_names_grows_the_store_linearly(tmp_path: Path, geoparser: Geoparser) -> None:
    small, n_small = _stored_bytes(tmp_path, "20k", "Mosul, " * 3_000, geoparser)  # 21 KB, no sentence end
    large, n_large = _stored_bytes(tmp_path, "40k", "Mosul, " * 6_000, geoparser)  # 42 KB
    assert n_small >= 2_900 and n_large >= 2 * n_small - 10
    assert large < 2.3 * small  # linear; a passage stored per mention made it ~4x (64 MB at 24 KB)


def test_long_sentences_are_cut_into_windows_between_words() -> None:
    text = "word " * 1_000 + "end." + " ISIS attacked Mosul."
    passages = split_passages(text)
    assert all(p.end - p.start <= MAX_PASSAGE_CHARS for p in passages)
    assert all(text[p.start:p.end].startswith("word") or "end." in text[p.start:p.end] or "Mosul" in
               text[p.start:p.end] for p in passages)
    assert text[passages[-1].start:passages[-1].end] == "ISIS attacked Mosul."
    covered = "".join(text[p.start:p.end] + " " for p in passages)
    assert covered.split() == text.split()  # consecutive windows: nothing lost, nothing repeated
    unbroken = "x" * 2_500
    assert [(p.start, p.end) for p in split_passages(unbroken)] == [(0, 1000), (1000, 2000), (2000, 2500)]


def test_an_older_store_loses_its_passage_copies_and_keeps_its_mentions(tmp_path: Path) -> None:
    from threatmap.cli import main

    path = tmp_path / "v1.sqlite"
    with sqlite3.connect(path) as db:  # a real version-1 store: no threat_p, a filled passage column
        db.executescript((Path(__file__).parent / "data" / "store_v1.sql").read_text(encoding="utf-8"))
    assert main(["migrate", "--store", str(path)]) == 0  # on request only (opening it refuses)
    with Store.open(path) as store:
        assert "ISIS attacked near Mosul." in store.query()["passage"].tolist()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        columns = [r[1] for r in db.execute("PRAGMA table_info(mentions)")]
    assert "passage" not in columns and "threat_p" in columns
