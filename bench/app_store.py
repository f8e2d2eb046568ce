"""The app on a large store, against a baseline checkout in the same run: page open → map drawn in Chromium on a fresh
server (nothing cached), the server's peak memory and CPU seconds, and each filter change (AppTest reruns of the
whole script, in a fresh process).

Run: ``python bench/app_store.py --mentions 1000000 --baseline /tmp/base --rounds 2`` where ``/tmp/base`` is a
checkout of the code to compare with (``git worktree add --detach /tmp/base main``; a baseline before schema 5 is
filled as schema 4). The sides alternate (A, B, A, B …) so that the load of a shared machine falls on both.
``--backend postgresql`` adds the PostGIS store of this checkout. The stores are filled in bulk by
``bench/store_fill.py`` (places not in the gazetteer: the map falls back to each mention's stored point); each side
gets its own store, filled the same way.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

DRAWN = 50
"""Features drawn on the map that mean "the map is drawn" (the layers arrive in one script)."""
DRAWN_JS = """(n) => { const f = document.querySelector('iframe[title="streamlit_folium.st_folium"]');
    const w = f && f.contentWindow; if (!w || !w.map) return false;
    return Object.values(w.map._layers).filter(l => l.feature && l.feature.properties
        && l.feature.properties.place_id).length >= n; }"""
"""From the page (the map's iframe may be replaced while the app runs): at least ``n`` features drawn."""


def first_visit(target: str, root: Path) -> dict[str, float]:
    """In this process, with the app of ``root``: AppTest's first run on ``target``, then filter changes; seconds,
    CPU seconds and peak RSS in MB."""
    from store_fill import SOURCES
    from streamlit.testing.v1 import AppTest

    from threatmap import settings

    if target.startswith("postgresql://"):
        settings.STORE_URL = target
    settings.STORE_PATH = Path(target)
    out: dict[str, float] = {}
    at = AppTest.from_file(str(root / "app.py"), default_timeout=900)
    t0, c0 = time.perf_counter(), time.process_time()
    at.run()
    out["AppTest first run (s)"] = time.perf_counter() - t0
    out["AppTest first run (CPU s)"] = time.process_time() - c0
    if at.exception:
        raise RuntimeError(at.exception)
    for label, change in [
        ("threat only", lambda a: a.sidebar.toggle(key="threat_only").set_value(True)),
        ("since 2020-01-01", lambda a: a.sidebar.date_input(key="since").set_value(dt.date(2020, 1, 1))),
        ("language ar", lambda a: a.sidebar.multiselect(key="langs").set_value(["ar"])),
        ("3 sources", lambda a: a.sidebar.multiselect(key="sources").set_value(list(SOURCES[:3]))),
        ("text 'حمرين'", lambda a: a.sidebar.text_input(key="text").set_value("حمرين")),
    ]:
        change(at)
        t0, c0 = time.perf_counter(), time.process_time()
        at.run()
        out[f"filter: {label} (s)"] = time.perf_counter() - t0
        out[f"filter: {label} (CPU s)"] = time.process_time() - c0
        if at.exception:
            raise RuntimeError(at.exception)
    out["AppTest process peak RSS (MB)"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _proc(pid: int) -> tuple[float, float]:
    """(CPU seconds, peak RSS in MB) of process ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    hwm = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("VmHWM"))
    return cpu, int(hwm.split()[1]) / 1024


def browser_visit(target: str, root: Path) -> dict[str, float]:
    """A fresh ``streamlit run`` of ``root``'s app on ``target``: page open → map drawn (cold), and the server's
    CPU seconds and peak RSS for start-up plus that visit."""
    from playwright.sync_api import sync_playwright

    from bench.app_bench import _chromium, _offline, start_streamlit, wait_healthy

    process, url = start_streamlit(root, target, PYTHONPATH=str(root))
    out: dict[str, float] = {}
    try:
        wait_healthy(url, time.perf_counter())
        cpu0, _ = _proc(process.pid)
        with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
            context = _chromium(playwright, profile)
            page = context.new_page()
            _offline(page, [])
            t_open = time.perf_counter()
            page.goto(url)
            page.wait_for_function(DRAWN_JS, arg=DRAWN, timeout=300_000)
            out["page open -> map drawn, first visit (s)"] = time.perf_counter() - t_open
            cpu1, hwm = _proc(process.pid)
            out["server CPU for that visit (s)"] = cpu1 - cpu0
            out["server peak RSS (MB)"] = hwm
            context.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
    return out


def _fill(target: Path, root: Path, mentions: int) -> None:
    """Fill a SQLite store for the app of ``root`` (its own schema), in a process that imports that code."""
    code = (f"import sys; sys.path[:0] = [{str(root)!r}, {str(ROOT / 'bench')!r}]; from store_fill import fill_sqlite; "
            f"from pathlib import Path; from threatmap.store.schema import SCHEMA_VERSION; "
            f"fill_sqlite(Path({str(target)!r}), documents={mentions // 10}, per_doc=10, legacy=SCHEMA_VERSION < 5)")
    subprocess.run([sys.executable, "-c", code], cwd=str(root), check=True)


def _side(label: str, target: str, root: Path) -> dict[str, float]:
    done = subprocess.run([sys.executable, __file__, "--visit", target, "--root", str(root)], cwd=str(ROOT),
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"{label}: {done.stderr[-3000:]}")
    return {**browser_visit(target, root), **json.loads(done.stdout.strip().splitlines()[-1])}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--mentions", type=int, default=100_000)
    p.add_argument("--baseline", type=Path, help="a checkout of the code to compare with (e.g. main)")
    p.add_argument("--rounds", type=int, default=1, help="A/B rounds, alternating")
    p.add_argument("--backend", nargs="+", default=["sqlite"], choices=["sqlite", "postgresql"])
    p.add_argument("--visit", metavar="TARGET", help=argparse.SUPPRESS)
    p.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.visit:
        sys.path[:0] = [str(args.root), str(ROOT / "bench")]  # the app's code first; store_fill from here
        print(json.dumps(first_visit(args.visit, args.root)))
        return
    tmp = Path(tempfile.mkdtemp(prefix="threatmap-bench-"))
    print(f"load average before: {os.getloadavg()}", flush=True)
    try:
        with contextlib.ExitStack() as stack:
            sides: list[tuple[str, str, Path]] = []
            if "sqlite" in args.backend:
                sides.append(("sqlstore SQLite", str(tmp / "new.sqlite"), ROOT))
                _fill(tmp / "new.sqlite", ROOT, args.mentions)
            if args.baseline:
                sides.insert(0, ("baseline SQLite", str(tmp / "base.sqlite"), args.baseline.resolve()))
                _fill(tmp / "base.sqlite", args.baseline.resolve(), args.mentions)
            if "postgresql" in args.backend:
                from pg_cluster import cluster

                from bench.store_fill import fill_postgres

                url = stack.enter_context(cluster()).create_database("bench")
                fill_postgres(url, documents=args.mentions // 10, per_doc=10)
                sides.append(("sqlstore PostGIS", url, ROOT))
            print(f"{args.mentions:,} mentions per store, filled", flush=True)
            results: dict[str, list[dict[str, float]]] = {label: [] for label, _, _ in sides}
            for r in range(args.rounds):
                for label, target, root in sides:
                    results[label].append(_side(label, target, root))
                    print(f"round {r + 1} {label}: done (load {os.getloadavg()[0]:.2f})", flush=True)
            _report(results)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"load average after: {os.getloadavg()}", flush=True)


def _report(results: dict[str, list[dict[str, Any]]]) -> None:
    labels = list(results)
    keys = list(results[labels[0]][0])
    print(f"{'measure (median of rounds)':<48}" + "".join(f"{label:>28}" for label in labels))
    for key in keys:
        values = [sorted(run[key] for run in results[label])[len(results[label]) // 2] for label in labels]
        ratio = f"   x{values[0] / values[-1]:.1f}" if len(values) > 1 and values[-1] else ""
        print(f"{key:<48}" + "".join(f"{v:>28.3f}" for v in values) + ratio)


if __name__ == "__main__":
    main()
