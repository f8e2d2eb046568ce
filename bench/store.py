"""Benchmark of the store: what the app asks per filter (counts, per-place aggregate, a page of 1,000 rows),
opening time and memory, on SQLite and on PostgreSQL + PostGIS, and ingest throughput (docs/s, MB/s).

Run: ``python bench/store.py --mentions 1000000 --backend sqlite postgresql`` (the PostgreSQL store is a throwaway
cluster, ``tests/pg_cluster.py``, or ``--postgres-url``); ``--ingest`` adds the ingest figures. Stores are filled in
bulk (``bench/store_fill.py``). Each backend runs in its own process so its peak memory is its own. Prints a table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from bench.store_fill import SOURCES, fill_postgres, fill_sqlite  # noqa: E402
from threatmap.store import Store  # noqa: E402
from threatmap.store.filters import Filters  # noqa: E402

CASES = {
    "no filter": Filters(),
    "since/until (1 year)": Filters(since=dt.date(2019, 1, 1), until=dt.date(2019, 12, 31)),
    "source (1 of 20)": Filters(sources=(SOURCES[3],)),
    "lang (1 of 3)": Filters(langs=("ar",)),
    "threat only": Filters(threat_only=True),
    "places (3 of 300)": Filters(places=("place_001", "place_002", "place_003")),
    "type (1 of 8)": Filters(types=("mountain_range",)),
    "text 'حمرين مخمور'": Filters(text="حمرين مخمور"),  # a quarter of the documents; capped where the code caps
    **({"text, every match": Filters(text="حمرين مخمور", text_limit=None)} if hasattr(Filters(), "text_limit") else {}),
    "combined": Filters(since=dt.date(2016, 1, 1), sources=SOURCES[1:3], langs=("ar", "en"), threat_only=True,
                        types=("city", "town")),
}


def timed(fn, repeat: int, cpu: list[float] | None = None) -> tuple[float, object]:
    """Median wall milliseconds of ``repeat`` calls and the last result; the median CPU milliseconds of this process
    (SQLite's work, not PostgreSQL's: the server's) are appended to ``cpu``."""
    times, cpus, result = [], [], None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
        cpus.append((time.process_time() - c0) * 1000)
    if cpu is not None:
        cpu.append(statistics.median(cpus))
    return statistics.median(times), result


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def add_reviews(target: str, n: int) -> None:
    """``n`` analyst reviews spread over the store (a verdict flipped, every tenth a place moved to a clicked
    point), written as the app writes them: the queries then read the reviews joined in SQL."""
    from threatmap.store.reviews import ReviewLog, point_place

    with ReviewLog.open(target) as log:
        rows = log.store.query(Filters(), limit=n * 60)
        rows = rows[rows["surface"].str.strip() == rows["surface"]]  # the synthetic spans may end on a space
        for i, row in enumerate(rows.iloc[::50].head(n).itertuples()):
            place = point_place(33.3 + i % 7 * 0.1, 44.4, name=f"point {i}") if i % 10 == 0 else None
            log.record(log.make(row.doc_id, int(row.start), int(row.end), threat=not row.threat, place=place,
                                reviewer="bench"))


def measure(target: str, repeat: int, reviews: int = 0) -> dict:
    """In this process: open, facets, then per filter the app's four questions; peak RSS at the end."""
    out: dict = {"rss_before_mb": rss_mb(), "reviews": reviews}
    if reviews:
        add_reviews(target, reviews)
    t0 = time.perf_counter()
    if target.startswith("postgresql://"):  # the driver's import: once per process, before any store is opened
        import psycopg  # noqa: F401
    out["driver_import_ms"] = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    store = Store.open(target)
    facets = store.facets()
    out["open_facets_ms"] = (time.perf_counter() - t0) * 1000
    out["mentions"] = facets.mentions
    t0 = time.perf_counter()
    keys = store.place_keys()  # the map's geometries: resolved once per revision on the first visit
    out["place_keys_first_ms"] = (time.perf_counter() - t0) * 1000
    out["place_keys_ms"], _ = timed(store.place_keys, repeat)
    out["place_keys"] = len(keys)
    t0 = time.perf_counter()
    store.aggregate(Filters())
    store.counts(Filters())
    store.query(Filters(), limit=1000, newest_first=True)
    out["first_view_ms"] = (time.perf_counter() - t0) * 1000
    out["filters"] = {}
    for name, f in CASES.items():
        cpu: list[float] = []
        counts_ms, counts = timed(lambda f=f: store.counts(f), repeat, cpu)
        agg_ms, _ = timed(lambda f=f: store.aggregate(f), repeat, cpu)
        page_ms, _ = timed(lambda f=f: store.query(f, limit=1000, newest_first=True), repeat, cpu)
        months_ms, _ = timed(lambda f=f: store.monthly(f), repeat, cpu)
        out["filters"][name] = {"rows": counts.mentions, "counts": counts_ms, "aggregate": agg_ms, "page": page_ms,
                                "months": months_ms, "cpu": sum(cpu)}
    ms, df = timed(lambda: store.query(Filters(places=("place_001",))), max(1, repeat // 4))
    out["all rows of 1 place"] = {"rows": len(df), "ms": ms}
    out["rss_peak_mb"] = rss_mb()
    out["writes"] = write_rate(store)
    t0 = time.perf_counter()
    store.counts(Filters(langs=("ar",)))
    out["first query after the writes ms"] = (time.perf_counter() - t0) * 1000
    store.close()
    return out


def write_rate(store: Store, *, documents: int = 2000, per_doc: int = 10, batch: int = 500) -> dict:
    """Documents (with ``per_doc`` mentions each) written per second into the filled store, ``batch`` per
    transaction, as an ingest (or a Dask client) writes them."""
    from bench.store_fill import rows
    from threatmap.models import Document, Mention, Where

    items = []
    for doc, mentions in rows(documents=documents, per_doc=per_doc, seed=99):
        d = Document(id="w" + doc[0], text=doc[2], lang=doc[3], source=doc[4],
                     date=dt.date.fromisoformat(doc[5]) if doc[5] else None, path=f"w/{doc[0]}")
        ms = tuple(Mention(doc_id=d.id, start=m[1], end=m[2], surface=m[3], place_id=m[4], name=m[5],
                           place_type=m[6], where=Where(m[7], m[8], (m[9], m[10], m[11], m[12]), m[13], m[14]),
                           threat=bool(m[15]), threat_p=m[16], cue=m[17], qualifier=m[18], passage_start=m[19],
                           passage_end=m[20])
                   for m in mentions)
        items.append((d, ms, ()))
    t0 = time.perf_counter()
    for i in range(0, len(items), batch):
        store.add_batch(items[i:i + batch])
    secs = time.perf_counter() - t0
    return {"documents": documents, "seconds": secs, "docs_per_s": documents / secs,
            "mentions_per_s": documents * per_doc / secs}


def report(name: str, r: dict) -> None:
    print(f"\n== {name}: {r['mentions']:,} mentions, {r['reviews']:,} reviews; open + facets "
          f"{r['open_facets_ms']:.0f} ms (+ {r['driver_import_ms']:.0f} ms importing the driver); place keys "
          f"({r['place_keys']:,}) first {r['place_keys_first_ms']:.0f} ms, median {r['place_keys_ms']:.0f} ms; "
          f"first view (aggregate + counts + page) {r['first_view_ms']:.0f} ms; "
          f"peak RSS {r['rss_peak_mb']:.0f} MB "
          f"(before opening {r['rss_before_mb']:.0f} MB)")
    print(f"{'filter':<24} {'rows':>9} {'counts':>8} {'aggregate':>10} {'page 1000':>10} {'months':>8} "
          f"{'sum ms':>8} {'CPU ms':>8}   (medians; wall ms unless said; CPU: this process, the four)")
    for case, v in r["filters"].items():
        total = v["counts"] + v["aggregate"] + v["page"] + v["months"]
        print(f"{case:<24} {v['rows']:>9,} {v['counts']:>8.1f} {v['aggregate']:>10.1f} {v['page']:>10.1f} "
              f"{v['months']:>8.1f} {total:>8.1f} {v.get('cpu', float('nan')):>8.1f}")
    print(f"all rows of 1 place (an export): {r['all rows of 1 place']['rows']:,} rows in "
          f"{r['all rows of 1 place']['ms']:.0f} ms")
    w = r["writes"]
    print(f"writes into the filled store: {w['documents']:,} documents in {w['seconds']:.1f} s = "
          f"{w['docs_per_s']:.0f} docs/s, {w['mentions_per_s']:.0f} mentions/s (500 per transaction); first query "
          f"after them (one language) {r['first query after the writes ms']:.0f} ms: nothing is reloaded")


def bench_queries(tmp: Path, *, backends: list[str], documents: int, per_doc: int, repeat: int,
                  postgres_url: str | None, reviews: int = 0) -> None:
    import contextlib

    for backend in backends:
        with contextlib.ExitStack() as stack:
            t0 = time.perf_counter()
            if backend == "sqlite":
                target = str(tmp / "bench.sqlite")
                fill_sqlite(Path(target), documents=documents, per_doc=per_doc)
            else:
                if postgres_url:
                    target = postgres_url
                else:
                    from pg_cluster import cluster

                    target = stack.enter_context(cluster()).create_database("bench")
                fill_postgres(target, documents=documents, per_doc=per_doc)
            print(f"{backend}: filled {documents:,} documents, {documents * per_doc:,} mentions in "
                  f"{time.perf_counter() - t0:.0f} s (bulk)", flush=True)
            for n in (0, reviews) if reviews else (0,):
                done = subprocess.run([sys.executable, __file__, "--measure", target, "--repeat", str(repeat),
                                       "--reviews", str(n)], capture_output=True, text=True, check=False)
                if done.returncode:
                    raise RuntimeError(done.stderr[-3000:])
                report(backend, json.loads(done.stdout.strip().splitlines()[-1]))


def _parser():
    try:
        from threatmap.gazetteer import default_gazetteer
        from threatmap.geoparse.parser import Geoparser

        return Geoparser.from_gazetteer(default_gazetteer()), "real geoparser"
    except Exception as exc:  # a benchmark: fall back and say so
        print(f"(real geoparser unavailable: {exc}; using a no-op parser)")
        return (lambda doc: ()), "no-op parser"


def bench_ingest(tmp: Path, *, copies: int) -> None:
    from threatmap.store.ingest import ingest_paths

    src = tmp / "docs"
    src.mkdir()
    corpus = [p for p in sorted((ROOT / "corpus").glob("*.md")) if p.name != "README.md"]
    for i in range(copies):
        for p in corpus:
            text = p.read_text(encoding="utf-8")
            text = re.sub(r"^id: .*$", f"id: {p.stem}-{i}", text, count=1, flags=re.MULTILINE)
            (src / f"{p.stem}-{i}.md").write_text(text, encoding="utf-8")
    big = tmp / "big"  # the same texts joined into ~100 kB documents
    big.mkdir()
    bodies = [p.read_text(encoding="utf-8").split("---\n", 2)[-1] for p in corpus]
    for i in range(max(1, copies // 5)):
        (big / f"big-{i}.txt").write_text("\n\n".join(bodies * 3), encoding="utf-8")
    parser, label = _parser()
    for folder, kind in ((src, "demo-corpus copies (~2 kB each)"), (big, "large documents (~100 kB each)")):
        mb = sum(f.stat().st_size for f in folder.iterdir()) / 1e6
        for name, parse in ((label, parser), ("no-op parser (read + store only)", lambda doc: ())):
            db = tmp / f"ingest-{folder.name}-{len(name)}.sqlite"
            with Store.open(db) as store:
                t0 = time.perf_counter()
                summary = ingest_paths([folder], store, parse)
                secs = time.perf_counter() - t0
                t0 = time.perf_counter()
                again = ingest_paths([folder], store, parse)
                secs_again = time.perf_counter() - t0
            print(f"\n{kind}, {name}: {summary.added} documents ({mb:.2f} MB, {summary.mentions} mentions) in "
                  f"{secs:.2f} s = {summary.added / secs:.0f} docs/s, {mb / secs:.2f} MB/s; "
                  f"re-ingest (all unchanged: {again.unchanged}) {secs_again:.2f} s")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--mentions", type=int, default=100_000)
    p.add_argument("--per-doc", type=int, default=10, help="mentions per document (default 10)")
    p.add_argument("--repeat", type=int, default=9)
    p.add_argument("--backend", nargs="+", default=["sqlite"], choices=["sqlite", "postgresql"])
    p.add_argument("--postgres-url", help="an empty database to fill (default: a throwaway cluster)")
    p.add_argument("--measure", metavar="TARGET", help="only measure an existing store (JSON; --table to read)")
    p.add_argument("--table", action="store_true", help="with --measure: print the table, not JSON")
    p.add_argument("--ingest", action="store_true", help="also measure ingest throughput on the demo corpus")
    p.add_argument("--copies", type=int, default=30, help="copies of the demo corpus for --ingest")
    p.add_argument("--reviews", type=int, default=0, help="measure again after adding this many reviews")
    args = p.parse_args()
    if args.measure:
        result = measure(args.measure, args.repeat, args.reviews)
        report(args.measure, result) if args.table else print(json.dumps(result))
        return
    tmp = Path(tempfile.mkdtemp(prefix="threatmap-bench-"))
    try:
        bench_queries(tmp, backends=args.backend, documents=args.mentions // args.per_doc, per_doc=args.per_doc,
                      repeat=args.repeat, postgres_url=args.postgres_url, reviews=args.reviews)
        if args.ingest:
            bench_ingest(tmp, copies=args.copies)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
