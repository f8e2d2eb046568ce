"""Benchmark of the store: filter query latencies at 100k mentions, and ingest throughput (docs/s, MB/s).

Run: ``python bench/store.py`` (queries) and ``python bench/store.py --ingest`` (adds the ingest figures, with the
real geoparser when it loads, else a no-op parser). Writes to a temporary folder; prints a table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from threatmap.models import Document, Mention, Where  # noqa: E402
from threatmap.store import Store  # noqa: E402
from threatmap.store.filters import Filters  # noqa: E402

WORDS = ("داعش", "يشكل", "تهديداً", "في", "المناطق", "القريبة", "من", "ISIS", "remains", "active", "near", "the",
         "Coalition", "strikes", "cells", "حمرين", "Mosul", "Anbar", "desert", "مخمور")


def fill(store: Store, *, documents: int, per_doc: int, seed: int = 7) -> None:
    """Synthetic documents with ``per_doc`` mentions each (20 sources, 3 languages, 10 years, 300 places)."""
    rng = random.Random(seed)
    sources = [f"Source {i:02}" for i in range(20)]
    types = ["city", "town", "village", "district", "governorate", "mountain_range", "desert", "region"]
    places = [(f"place_{i:03}", types[i % len(types)], 38 + rng.random() * 10, 30 + rng.random() * 7)
              for i in range(300)]
    start = dt.date(2014, 1, 1).toordinal()
    batch = []
    for d in range(documents):
        sentences = [" ".join(rng.choice(WORDS) for _ in range(12)) + "." for _ in range(per_doc)]
        text = " ".join(sentences)
        date = None if rng.random() < 0.02 else dt.date.fromordinal(start + rng.randrange(3650))
        doc = Document(id=f"doc{d:06}", text=text, lang=rng.choice(("ar", "en", "ckb")), source=rng.choice(sources),
                       date=date, date_origin="metadata" if date else None, title=f"Title {d}", path=f"b/{d}.md")
        mentions, pos = [], 0
        for s in sentences:
            pid, ptype, lon, lat = rng.choice(places)
            threat = rng.random() < 0.4
            mentions.append(Mention(
                doc_id=doc.id, start=pos, end=pos + 4, surface=s[:4], place_id=pid, name=pid, place_type=ptype,
                where=Where(lat, lon, (lon, lat, lon, lat), "Point", 1), threat=threat, passage_start=pos,
                passage_end=pos + len(s), cue="يشكل تهديداً" if threat else None))
            pos += len(s) + 1
        batch.append((doc, mentions, ()))
        if len(batch) == 500:
            store.add_batch(batch)
            batch = []
    if batch:
        store.add_batch(batch)


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), result


def bench_queries(tmp: Path, *, documents: int, per_doc: int, repeat: int) -> None:
    with Store.open(tmp / "bench.sqlite") as store:
        t0 = time.perf_counter()
        fill(store, documents=documents, per_doc=per_doc)
        print(f"filled {documents:,} documents, {documents * per_doc:,} mentions in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        store.query(Filters(places=("place_000",)))
        print(f"first query after a write (loads every mention into memory): "
              f"{(time.perf_counter() - t0) * 1000:.0f} ms")
        cases = {
            "no filter": Filters(),
            "since/until (1 year)": Filters(since=dt.date(2019, 1, 1), until=dt.date(2019, 12, 31)),
            "source (1 of 20)": Filters(sources=("Source 03",)),
            "lang (1 of 3)": Filters(langs=("ar",)),
            "threat only": Filters(threat_only=True),
            "places (3 of 300)": Filters(places=("place_001", "place_002", "place_003")),
            "type (1 of 8)": Filters(types=("mountain_range",)),
            "text 'حمرين مخمور'": Filters(text="حمرين مخمور"),
            "combined": Filters(since=dt.date(2016, 1, 1), sources=("Source 01", "Source 02"), langs=("ar", "en"),
                                threat_only=True, types=("city", "town")),
        }
        print(f"\n{'filter':<24} {'rows':>8} {'median ms':>10}   (median of {repeat} runs)")
        for name, filters in cases.items():
            ms, df = timed(lambda f=filters: store.query(f), repeat)
            print(f"{name:<24} {len(df):>8,} {ms:>10.1f}")
        ms, _ = timed(store.facets, repeat)
        print(f"{'facets()':<24} {'':>8} {ms:>10.1f}")


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
    p.add_argument("--documents", type=int, default=10_000)
    p.add_argument("--per-doc", type=int, default=10, help="mentions per document (default 10: 100k mentions)")
    p.add_argument("--repeat", type=int, default=20)
    p.add_argument("--ingest", action="store_true", help="also measure ingest throughput on the demo corpus")
    p.add_argument("--copies", type=int, default=30, help="copies of the demo corpus for --ingest")
    args = p.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="threatmap-bench-"))
    try:
        bench_queries(tmp, documents=args.documents, per_doc=args.per_doc, repeat=args.repeat)
        if args.ingest:
            bench_ingest(tmp, copies=args.copies)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
