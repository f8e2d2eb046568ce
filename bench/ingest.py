"""Benchmark: ingest throughput (docs/s) of today's single-process ingest vs a local Dask cluster of 1 and 2 workers.

Run: ``python bench/ingest.py [--docs 10000] [--workers 1 2] [--chunk-kb 1024]``. The documents are the corpus
bodies (``corpus/``, real Arabic and English reports) repeated with a unique suffix so that every content hash
differs, written as one JSONL collection (the Dask path cuts it into ~1 MB chunks, one task each). Each mode
ingests the same file into its own fresh store with the real gazetteer (``places.yaml``), in one run.

Timed: the ingest call only (reading, geoparsing, candidates, store writes). Not timed, printed apart: loading
the parser in this process (single) and starting the cluster with the parser loaded on every worker (Dask).
Printed per mode: wall seconds and docs/s (the target: 2 workers >= 1.7x one process), and CPU seconds of this
process and of the workers (psutil), so that on a shared machine one can tell a slow run from a busy machine, and
the speed-up those CPU seconds allow on otherwise idle cores (a projection, labelled as such). This process's CPU
is split into its main thread, which writes the store (the inserts; with Dask also waiting for results, which
costs no CPU), and the rest (with Dask: the client's event loop receiving and unpickling the results, and the local
scheduler, which LocalCluster runs in this process).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from threatmap.store import Store  # noqa: E402
from threatmap.store.documents import read_path  # noqa: E402
from threatmap.store.ingest import IngestSummary, expand_paths, ingest_paths  # noqa: E402


def write_collection(path: Path, docs: int) -> int:
    """``docs`` JSONL lines from the corpus documents, each text with a unique suffix; returns the size in bytes."""
    bases = [d for p in expand_paths([ROOT / "corpus"]) for d in read_path(p).documents]
    with path.open("w", encoding="utf-8") as fh:
        for n in range(docs):
            base = bases[n % len(bases)]
            fh.write(json.dumps({"id": f"{base.id}-{n:06}", "text": f"{base.text}\n\n(copy {n})", "lang": base.lang,
                                 "source": base.source, "date": base.date.isoformat() if base.date else None},
                                ensure_ascii=False) + "\n")
    return path.stat().st_size


def _cpu(pids: list[int]) -> list[float]:
    """CPU seconds (user + system) of each process."""
    import psutil

    return [sum(psutil.Process(pid).cpu_times()[:2]) for pid in pids]


Timing = tuple[IngestSummary, float, float, float, float, list[float]]
"""Summary, setup s, wall s, this process's CPU s, its main thread's CPU s, each worker's CPU s."""


def run_single(collection: Path, store_path: Path) -> Timing:
    from threatmap.gazetteer import default_gazetteer
    from threatmap.geoparse.parser import Geoparser

    start = time.perf_counter()
    parser = Geoparser.from_gazetteer(default_gazetteer(str(ROOT / "places.yaml"), str(ROOT / "geodata")))
    setup = time.perf_counter() - start
    with Store.open(store_path) as store:
        wall, cpu, main = time.perf_counter(), time.process_time(), time.thread_time()
        summary = ingest_paths([collection], store, parser)
        return (summary, setup, time.perf_counter() - wall, time.process_time() - cpu, time.thread_time() - main,
                [])


def run_dask(collection: Path, store_path: Path, workers: int, chunk_bytes: int) -> Timing:
    from threatmap.batch.cluster import cluster_client
    from threatmap.batch.run import ingest_on_cluster

    start = time.perf_counter()
    with cluster_client(None, workers, ROOT / "places.yaml", ROOT / "geodata") as client:
        setup = time.perf_counter() - start
        pids = list(client.run(os.getpid).values())
        with Store.open(store_path) as store:
            wall, cpu, main, worker_cpu = time.perf_counter(), time.process_time(), time.thread_time(), _cpu(pids)
            summary = ingest_on_cluster([collection], store, client, chunk_bytes=chunk_bytes)
            return (summary, setup, time.perf_counter() - wall, time.process_time() - cpu, time.thread_time() - main,
                    [after - before for before, after in zip(worker_cpu, _cpu(pids), strict=True)])


def reindex_writes(store_path: Path, batch: int, rounds: int = 2) -> None:
    """Time the write side of a reindex on copies of ``store_path``: every document's mentions replaced one
    transaction per document (as before) or ``batch`` documents per transaction, alternated; the mentions are
    computed once beforehand (not timed)."""
    from threatmap.gazetteer import default_gazetteer
    from threatmap.geoparse.parser import Geoparser
    from threatmap.geoparse.unknown import find_candidates

    parser = Geoparser.from_gazetteer(default_gazetteer(str(ROOT / "places.yaml"), str(ROOT / "geodata")))
    with Store.open(store_path) as store:
        docs = store.documents()
    items = [(d.id, m, tuple(find_candidates(d, m))) for d, m in zip(docs, parser.pipe(docs), strict=True)]
    print(f"\nreindex writes, {len(items)} documents (load average {os.getloadavg()[0]:.1f}):")
    for n in range(rounds):
        for label, size in (("one per transaction", 1), (f"{batch} per transaction", batch)):
            copy = store_path.with_name(f"rw{n}-{size}.sqlite")
            shutil.copy(store_path, copy)
            with Store.open(copy) as store:
                wall, cpu = time.perf_counter(), time.process_time()
                for i in range(0, len(items), size):
                    store.replace_many(items[i:i + size])
                print(f"  {label:<22} wall {time.perf_counter() - wall:6.1f} s, CPU {time.process_time() - cpu:6.1f} s")
            copy.unlink()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--chunk-kb", type=int, default=1024, help="JSONL chunk per task (KB)")
    ap.add_argument("--reindex-writes", type=int, default=0, metavar="N",
                    help="also time a reindex's writes: one document per transaction vs N (the store of one process)")
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        collection = folder / "collection.jsonl"
        size = write_collection(collection, args.docs)
        print(f"{args.docs} documents, {size / 1e6:.1f} MB JSONL; {os.cpu_count()} cores; "
              f"load average before: {os.getloadavg()[0]:.1f}")
        rows: list[tuple[str, Timing]] = [("one process", run_single(collection, folder / "single.sqlite"))]
        for n in args.workers:
            rows.append((f"Dask, {n} worker(s)", run_dask(collection, folder / f"dask{n}.sqlite", n,
                                                          args.chunk_kb * 1024)))
        base_wall, base_cpu = rows[0][1][2], rows[0][1][3]
        cores = os.cpu_count() or 1
        print(f"\n{'mode':<20} {'setup s':>7} {'wall s':>7} {'docs/s':>6} {'x one':>5} {'client CPU s':>12} "
              f"{'(writing':>8} {'rest)':>5} {'workers CPU s':>13} {'x one, idle':>11}  stored")
        for label, (s, setup, wall, cpu, main, wcpu) in rows:
            # On `cores` idle cores, the run cannot be faster than its CPU spread over all cores, nor than its
            # busiest process: the projection a busy shared machine still allows.
            bound = max(cpu, *wcpu, (cpu + sum(wcpu)) / cores)
            print(f"{label:<20} {setup:>7.1f} {wall:>7.1f} {s.added / wall:>6.0f} {base_wall / wall:>5.2f} "
                  f"{cpu:>12.1f} {main:>8.1f} {cpu - main:>5.1f} {sum(wcpu):>13.1f} {base_cpu / bound:>11.2f}  "
                  f"{s.added} docs, {s.mentions} mentions, {len(s.rejected)} rejected")
        print(f"'x one, idle': one process's CPU seconds / max(busiest process, all CPU / {cores} cores) — the "
              f"speed-up on {cores} otherwise idle cores, from CPU times (not measured: projected)")
        print("'writing': the main thread's CPU (the store writes; one process: everything); 'rest': the other "
              "threads (Dask's event loop and unpickling, the local scheduler)")
        print(f"load average after: {os.getloadavg()[0]:.1f}")
        counts = {(t[0].added, t[0].mentions, t[0].threat_mentions) for _, t in rows}
        if len(counts) != 1:
            print(f"WARNING: the modes stored different results: {counts}")
        if args.reindex_writes:
            reindex_writes(folder / "single.sqlite", args.reindex_writes)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
