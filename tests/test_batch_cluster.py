"""Ingest and reindex on a real Dask cluster (a ``dask scheduler`` and ``dask worker`` processes on 127.0.0.1):
the same summary and the same store as a single-process run, one parser per worker, and a worker SIGKILLed
mid-run loses no document. Without dask these tests skip (THREATMAP_REQUIRE_DASK=1, as in CI: they fail)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from conftest import DASK_GEODATA, DASK_PLACES, ROOT, start_dask_worker, stop_app

from threatmap.batch.cluster import PLUGIN_NAME, cluster_client
from threatmap.batch.run import ingest_on_cluster, reindex_on_cluster
from threatmap.gazetteer import default_gazetteer
from threatmap.geoparse.parser import Geoparser
from threatmap.models import Document
from threatmap.store import Store
from threatmap.store.cube import COUNTS, CUBES
from threatmap.store.documents import read_path
from threatmap.store.ingest import IngestSummary, expand_paths, ingest_paths, reindex
from threatmap.store.reviews import ReviewLog

DATA = Path(__file__).parent / "data" / "ingest"


@pytest.fixture(scope="module")
def address(dask_scheduler: Path) -> str:
    return str(json.loads(dask_scheduler.read_text())["address"])


@pytest.fixture(scope="module")
def client(address: str) -> Iterator[Any]:
    with cluster_client(address, None, DASK_PLACES, DASK_GEODATA) as c:
        yield c


@pytest.fixture(scope="module")
def parser() -> Geoparser:
    return Geoparser.from_gazetteer(default_gazetteer(DASK_PLACES, DASK_GEODATA))


def _texts() -> list[str]:
    """Real texts: the corpus documents and the geoparser gold passages."""
    texts = [d.text for p in expand_paths([ROOT / "corpus"]) for d in read_path(p).documents]
    gold = Path(__file__).parent / "data" / "geoparse_gold.jsonl"
    return texts + [json.loads(line)["text"] for line in gold.read_text(encoding="utf-8").splitlines()]


def _inputs(folder: Path) -> Path:
    """The good and bad ingest test files, and a JSONL collection with a bad line and an id repeated far apart."""
    shutil.copytree(DATA, folder)
    lines = [json.dumps({"id": f"c{i}", "text": f"{text}\n(copy {i})"}) for i, text in enumerate(_texts() * 2)]
    lines.insert(7, "{broken")
    lines.append(json.dumps({"id": "c3", "text": "a different text with the id of line 4"}))
    (folder / "collection.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _same(cluster: IngestSummary, single: IngestSummary) -> None:
    """Equal summaries; rejections of a chunked file come chunk by chunk, so their order may differ."""
    assert replace(cluster, rejected=tuple(sorted(cluster.rejected))) == replace(
        single, rejected=tuple(sorted(single.rejected)))


def _rows(store: Store) -> list[dict[str, Any]]:
    """The stored mentions, comparable with ``==``: NaN (an unlocated mention's coordinates) as None."""
    return [{k: None if isinstance(v, float) and v != v else v for k, v in row.items() if k != "ingested_at"}
            for row in store.query().to_dict("records")]


def test_cluster_ingest_and_reindex_equal_a_single_process(client: Any, parser: Geoparser, tmp_path: Path) -> None:
    folder = _inputs(tmp_path / "in")
    with Store.open(tmp_path / "single.sqlite") as single, Store.open(tmp_path / "cluster.sqlite") as cluster:
        expected = ingest_paths([folder], single, parser)
        got = ingest_on_cluster([folder], cluster, client, chunk_bytes=4000)
        _same(got, expected)
        assert got.added > 40 and got.mentions > 0 and len(got.rejected) >= 10
        assert any(where == f"{folder / 'collection.jsonl'}:8" for where, _ in got.rejected)
        assert any("appears twice" in reason for _, reason in got.rejected)
        assert _rows(cluster) == _rows(single)
        assert [d.id for d in cluster.documents()] == [d.id for d in single.documents()]

        again = ingest_on_cluster([folder], cluster, client, chunk_bytes=4000)
        assert (again.added, again.unchanged, again.mentions) == (0, got.added, 0)

        _same(reindex_on_cluster(cluster, client), reindex(single, parser))
        assert _rows(cluster) == _rows(single)


def _tables(store: Any) -> dict[str, list[tuple[Any, ...]]]:
    """What a write leaves in the store, engine-independent: documents (not the time of the write), mentions,
    candidates, each cube summed per key, and the reviewed-mention marks as (document, start, end)."""
    queries = {
        "documents": "SELECT id, content_hash, text, lang, source, date, date_origin, url, title, path, speakers, "
                     "text_hash FROM documents ORDER BY id",
        "mentions": "SELECT * FROM mentions ORDER BY doc_id, start, \"end\", place_id",
        "candidates": "SELECT * FROM candidates ORDER BY doc_id, start, \"end\", surface",
        "marks": "SELECT m.doc_id, m.start, m.\"end\" FROM reviewed_mentions r JOIN mentions m ON m.rowid = r.mid "
                 "ORDER BY 1, 2, 3",
    }
    for cube in CUBES:
        keys = ", ".join(cube.columns)
        sums = ", ".join(f"SUM({c})" for c in COUNTS)
        queries[cube.name] = (f"SELECT {keys}, {sums} FROM {cube.name} GROUP BY {keys} HAVING SUM(n) != 0 "
                              f"ORDER BY {keys}")
    with store.reading() as cur:
        return {name: [tuple(r) for r in store.run(cur, sql).fetchall()] for name, sql in queries.items()}


def test_cluster_ingest_writes_the_rows_cubes_and_review_marks_of_a_single_process(
        client: Any, parser: Geoparser, tmp_path: Path) -> None:
    folder = _inputs(tmp_path / "in")
    first = json.loads((folder / "collection.jsonl").read_text(encoding="utf-8").splitlines()[0])
    seed = Document(id="seed", text=first["text"])  # the text of the collection's first line, under another id
    mentions = parser.parse(seed)
    assert len(mentions) >= 2
    tables = []
    for name, ingest in (("single", lambda s: ingest_paths([folder], s, parser)),
                         ("cluster", lambda s: ingest_on_cluster([folder], s, client, chunk_bytes=4000))):
        with Store.open(tmp_path / f"{name}.sqlite") as store:
            store.add_document(seed, mentions)
            log = ReviewLog(store)  # reviews of the seed's text: they apply to the same text ingested as c0
            log.record(log.make("seed", mentions[0].start, mentions[0].end, threat=not mentions[0].threat,
                                reviewer="t"))
            log.record(log.make("seed", mentions[-1].start, mentions[-1].end, not_a_place=True, reviewer="t"))
            ingest(store)
            tables.append(_tables(store))
    single, cluster = tables
    assert {name for name, rows in single.items() if not rows} == set()  # every table has rows to compare
    assert [r for r in single["marks"] if r[0] == "c0"] == [("c0", mentions[0].start, mentions[0].end),
                                                            ("c0", mentions[-1].start, mentions[-1].end)]
    assert cluster == single


def _parser_ids(client: Any) -> dict[str, int]:
    return client.run(lambda dask_worker: id(dask_worker.plugins[PLUGIN_NAME].geoparser))  # type: ignore[no-any-return]


def test_the_parser_is_loaded_once_per_worker_not_per_task(client: Any, tmp_path: Path) -> None:
    before = _parser_ids(client)
    assert len(before) == 2 and all(before.values())
    with Store.open(tmp_path / "s.sqlite") as store:
        got = ingest_on_cluster([DATA / "good", DATA / "good" / "batch.jsonl"], store, client, chunk_bytes=100)
    assert got.added > 3
    assert _parser_ids(client) == before  # the same parser objects served every task


def test_a_worker_sigkilled_mid_run_loses_no_document(client: Any, dask_scheduler: Path, parser: Geoparser,
                                                      tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    texts = _texts()
    for i in range(60):  # one file per task, each a few documents long: the run takes a while
        (folder / f"doc{i:02}.md").write_text("\n\n".join(texts[(i + k) % len(texts)] for k in range(4))
                                              + f"\n\n(file {i})", encoding="utf-8")
    victim = start_dask_worker(dask_scheduler, "victim")
    try:
        client.wait_for_workers(3, timeout=120)
        victim_address = next(a for a, w in client.scheduler_info()["workers"].items() if w["name"] == "victim")
        deadline = time.monotonic() + 60
        while not client.run(lambda dask_worker: PLUGIN_NAME in dask_worker.plugins, workers=[victim_address])[
                victim_address] and time.monotonic() < deadline:
            time.sleep(0.1)
        killed: dict[str, Any] = {}

        def kill_when_busy() -> None:
            while time.monotonic() < deadline:
                busy = client.processing(workers=[victim_address]).get(victim_address, ())
                if busy:
                    killed["tasks"] = busy
                    os.kill(victim.pid, signal.SIGKILL)
                    return
                time.sleep(0.01)

        watcher = threading.Thread(target=kill_when_busy)
        watcher.start()
        with Store.open(tmp_path / "cluster.sqlite") as store:
            got = ingest_on_cluster([folder], store, client)
            rows = _rows(store)
        watcher.join()
        assert killed.get("tasks"), "the victim worker never got a task"
        assert victim.wait(timeout=30) == -signal.SIGKILL
    finally:
        stop_app(victim)
    with Store.open(tmp_path / "single.sqlite") as single:
        expected = ingest_paths([folder], single, parser)
        assert got == expected and got.added == 60 and not got.rejected
        assert rows == _rows(single)


def test_cli_ingest_on_the_scheduler_and_reindex_on_local_workers(address: str, tmp_path: Path) -> None:
    store = tmp_path / "cli.sqlite"
    common = [sys.executable, "-m", "threatmap", "--places", str(DASK_PLACES), "--geodata", str(DASK_GEODATA)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    ingest = subprocess.run([*common, "ingest", str(DATA), "--scheduler", address, "--store", str(store)],
                            capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert ingest.returncode == 1, ingest.stderr  # the bad files are rejected, the good ones stored
    assert "dask: 2 worker(s)" in ingest.stderr
    assert "rejected: " in ingest.stdout and "nul.txt" in ingest.stdout and "documents added: " in ingest.stdout
    redo = subprocess.run([*common, "reindex", "--workers", "1", "--store", str(store)],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert redo.returncode == 0, redo.stderr
    assert "dask: 1 worker(s), dashboard http://127.0.0.1:" in redo.stderr and "documents reindexed: " in redo.stdout
