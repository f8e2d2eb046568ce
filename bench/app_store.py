"""The app's first visit on a large store, SQLite against PostgreSQL + PostGIS: AppTest's first run in a fresh
process (nothing cached), each filter change after it, and the process's peak memory.

Run: ``python bench/app_store.py --mentions 1000000`` (``--backend sqlite postgresql``). The stores are filled in
bulk by ``bench/store_fill.py`` (places not in the gazetteer: the map falls back to each mention's stored point).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from bench.store_fill import SOURCES, fill_postgres, fill_sqlite  # noqa: E402


def first_visit(target: str) -> dict[str, float]:
    """In this process: AppTest's first run on ``target``, then filter changes; seconds, and peak RSS in MB."""
    from streamlit.testing.v1 import AppTest

    from threatmap import settings

    if target.startswith("postgresql://"):
        settings.STORE_URL = target
    else:
        settings.STORE_PATH = Path(target)
    out: dict[str, float] = {}
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
    t0, c0 = time.perf_counter(), time.process_time()
    at.run()
    out["first run (cold: nothing cached)"] = time.perf_counter() - t0
    out["first run, CPU seconds of this process"] = time.process_time() - c0
    if at.exception:
        raise RuntimeError(at.exception)
    out["peak RSS after the first run (MB)"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for label, change in [
        ("filter: threat only", lambda a: a.sidebar.toggle(key="threat_only").set_value(True)),
        ("filter: since 2020-01-01", lambda a: a.sidebar.date_input(key="since").set_value(dt.date(2020, 1, 1))),
        ("filter: language ar", lambda a: a.sidebar.multiselect(key="langs").set_value(["ar"])),
        ("filter: 3 sources", lambda a: a.sidebar.multiselect(key="sources").set_value(list(SOURCES[:3]))),
        ("filter: text 'حمرين'", lambda a: a.sidebar.text_input(key="text").set_value("حمرين")),
    ]:
        change(at)
        t0 = time.perf_counter()
        at.run()
        out[label] = time.perf_counter() - t0
        if at.exception:
            raise RuntimeError(at.exception)
    out["peak RSS at the end (MB)"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--mentions", type=int, default=100_000)
    p.add_argument("--backend", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    p.add_argument("--visit", metavar="TARGET", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.visit:
        print(json.dumps(first_visit(args.visit)))
        return
    tmp = Path(tempfile.mkdtemp(prefix="threatmap-bench-"))
    try:
        for backend in args.backend:
            with contextlib.ExitStack() as stack:
                t0 = time.perf_counter()
                if backend == "sqlite":
                    target = str(tmp / "app.sqlite")
                    fill_sqlite(Path(target), documents=args.mentions // 10, per_doc=10)
                else:
                    from pg_cluster import cluster

                    target = stack.enter_context(cluster()).create_database("bench")
                    fill_postgres(target, documents=args.mentions // 10, per_doc=10)
                print(f"{backend}: {args.mentions:,} mentions filled in {time.perf_counter() - t0:.0f} s", flush=True)
                done = subprocess.run([sys.executable, __file__, "--visit", target], cwd=str(ROOT),
                                      capture_output=True, text=True, check=False)
                if done.returncode:
                    raise RuntimeError(done.stderr[-3000:])
                for label, value in json.loads(done.stdout.strip().splitlines()[-1]).items():
                    print(f"  {label:<45} {value:8.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
