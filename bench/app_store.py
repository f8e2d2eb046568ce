"""The app on a large store, against a baseline checkout in the same run: page open → map drawn in Chromium on a fresh
server (nothing cached), the server's peak memory and CPU seconds, and each filter change (AppTest reruns of the
whole script, in a fresh process).

Run: ``python bench/app_store.py --mentions 1000000 --baseline /tmp/base --rounds 2`` where ``/tmp/base`` is a
checkout of the code to compare with (``git archive main | tar -x -C /tmp/base``; a baseline before schema 5 is
filled as schema 4). The sides alternate (A, B, A, B …) so that the load of a shared machine falls on both.
``--backend postgresql`` adds the PostGIS store of this checkout. The stores are filled in bulk by
``bench/store_fill.py`` (places not in the gazetteer: the map falls back to each mention's stored point); each side
gets its own store, filled the same way. ``--copy-store PATH`` instead gives every side of every round a fresh copy
of one store (filled by this checkout at ``--mentions`` if PATH does not exist yet): both sides read the same
rows, and nothing one visit wrote to its store (a compacted cube, SQLite's statistics) helps the next.

Each round prints its own figures (the sides run alternately, so the load average beside each tells how shared the
machine was); the table at the end is their median. The browser visit reports milestones from page open: the
page's title shown (the app answers), the map drawn and the mentions table shown; the websocket bytes the page
received until the map was drawn, and Chromium's own script and layout time for the page (its map iframe
included).
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
TITLE_JS = """() => [...document.querySelectorAll('h1')].some(h => h.textContent.includes('threat areas'))"""
"""From the page: the app's title is shown (its first script run has begun sending)."""
TABLE = '[data-testid="stDataFrame"]'
"""The mentions table under the map (the last heavy element of the page)."""
DRAWN_JS = """(n) => { const f = document.querySelector('iframe[title="streamlit_folium.st_folium"]');
    const w = f && f.contentWindow; if (!w || !w.map) return false;
    return Object.values(w.map._layers).filter(l => l.feature && l.feature.properties
        && l.feature.properties.place_id).length >= n; }"""
"""From the page (the map's iframe may be replaced while the app runs): at least ``n`` features drawn."""


def first_visit(target: str, root: Path) -> dict[str, float]:
    """In this process, with the app of ``root``: AppTest's first run on ``target``, the rerun the map's first
    report asks for, then filter changes; seconds, CPU seconds and peak RSS in MB."""
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
    report_view(at)  # as the browser's map does once drawn: every run below draws the whole page
    t0, c0 = time.perf_counter(), time.process_time()
    at.run()
    out["AppTest rerun on the map's first report (s)"] = time.perf_counter() - t0
    out["AppTest rerun on the map's first report (CPU s)"] = time.process_time() - c0
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


def report_view(at: Any) -> None:
    """Give the map component of ``at`` (an AppTest after a run) the value the map reports once drawn in a browser
    (its view), for the next run."""
    (element,) = [el for el in at.get("component_instance") if "st_folium" in el.proto.component_name]
    key = json.loads(element.proto.json_args)["key"]
    at.session_state[key] = {"last_active_drawing": None, "last_clicked": None, "zoom": 6,
                             "center": {"lat": 34.8, "lng": 41.5}}


def _proc(pid: int) -> tuple[float, float]:
    """(CPU seconds, peak RSS in MB) of process ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    hwm = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("VmHWM"))
    return cpu, int(hwm.split()[1]) / 1024


def browser_visit(target: str, root: Path) -> dict[str, float]:
    """A fresh ``streamlit run`` of ``root``'s app on ``target``: page open → title shown and → map drawn (cold),
    the websocket bytes received by then, the browser's script and layout seconds, and the server's CPU seconds and
    peak RSS for start-up plus that visit."""
    from playwright.sync_api import sync_playwright

    from bench.app_bench import _chromium, _offline, start_streamlit, wait_healthy, websocket_bytes

    process, url = start_streamlit(root, target, PYTHONPATH=str(root))
    out: dict[str, float] = {}
    try:
        wait_healthy(url, time.perf_counter())
        cpu0, _ = _proc(process.pid)
        with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
            context = _chromium(playwright, profile)
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Performance.enable")
            received = websocket_bytes(page)
            _offline(page, [])
            t_open = time.perf_counter()
            page.goto(url, wait_until="commit")
            page.wait_for_function(TITLE_JS, timeout=300_000, polling=20)
            out["page open -> title shown (s)"] = time.perf_counter() - t_open
            page.wait_for_function(DRAWN_JS, arg=DRAWN, timeout=300_000, polling=20)
            out["page open -> map drawn, first visit (s)"] = time.perf_counter() - t_open
            cpu1, hwm = _proc(process.pid)
            out["websocket bytes until map drawn (kB)"] = received[0] / 1000
            page.wait_for_selector(TABLE, timeout=300_000)
            out["page open -> table shown (s)"] = time.perf_counter() - t_open
            metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
            out["browser script (s)"] = metrics.get("ScriptDuration", 0.0)
            out["browser layout + style (s)"] = metrics.get("LayoutDuration", 0.0) + metrics.get(
                "RecalcStyleDuration", 0.0)
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


def _warm(root: Path) -> None:
    """What an installed app has before its first visit: ``root``'s modules compiled and its gazetteer's cache
    built (a build artefact, see ``threatmap.gazetteer_cache``); the same for both sides."""
    code = "from threatmap.gazetteer import Gazetteer; Gazetteer.load()"
    subprocess.run([sys.executable, "-m", "compileall", "-q", "app.py", "threatmap", "ui", "layers"], cwd=str(root),
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-c", code], cwd=str(root), check=True, env={**os.environ, "PYTHONPATH": str(root)})


def _fresh(source: str, tmp: Path, copy: bool) -> str:
    """The store a visit reads: a new copy of ``source`` when ``copy`` (SQLite), else ``source`` itself."""
    if not copy or source.startswith("postgresql://"):
        return source
    target = tmp / "visit.sqlite"
    for old in tmp.glob("visit.sqlite*"):
        old.unlink()
    shutil.copyfile(source, target)
    return str(target)


def _side(label: str, source: str, root: Path, tmp: Path, *, copy: bool) -> dict[str, float]:
    """One side of one round: the browser visit on a fresh server, then the AppTest filters in a fresh process
    (each on its own copy of the store when ``copy``)."""
    out = browser_visit(_fresh(source, tmp, copy), root)
    done = subprocess.run([sys.executable, __file__, "--visit", _fresh(source, tmp, copy), "--root", str(root)],
                          cwd=str(ROOT), capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"{label}: {done.stderr[-3000:]}")
    return {**out, **json.loads(done.stdout.strip().splitlines()[-1])}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mentions", type=int, default=100_000)
    p.add_argument("--baseline", type=Path, help="a checkout of the code to compare with (e.g. main)")
    p.add_argument("--rounds", type=int, default=1, help="A/B rounds, alternating")
    p.add_argument("--backend", nargs="+", default=["sqlite"], choices=["sqlite", "postgresql"])
    p.add_argument("--copy-store", type=Path, metavar="PATH",
                   help="one SQLite store for every SQLite side, copied fresh for each visit (filled if missing)")
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
            sides = _sides(args, tmp, stack)
            for _, _, root in sides:
                _warm(root)
            print(f"{args.mentions:,} mentions per store, filled; code compiled, gazetteer caches built", flush=True)
            results: dict[str, list[dict[str, float]]] = {label: [] for label, _, _ in sides}
            for r in range(args.rounds):
                for label, source, root in sides:
                    results[label].append(_side(label, source, root, tmp, copy=args.copy_store is not None))
                    print(f"round {r + 1} {label} (load {' '.join(f'{x:.2f}' for x in os.getloadavg())}): "
                          + "; ".join(f"{k} {v:.3f}" for k, v in results[label][-1].items()), flush=True)
            _report(results)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"load average after: {os.getloadavg()}", flush=True)


def _sides(args: argparse.Namespace, tmp: Path, stack: contextlib.ExitStack) -> list[tuple[str, str, Path]]:
    """(label, store, checkout) of each side, its store filled (or the one ``--copy-store`` store)."""
    sides: list[tuple[str, str, Path]] = []
    if args.copy_store and not args.copy_store.exists():
        _fill(args.copy_store, ROOT, args.mentions)
    if "sqlite" in args.backend:
        store = args.copy_store or tmp / "new.sqlite"
        if not args.copy_store:
            _fill(store, ROOT, args.mentions)
        sides.append(("this SQLite", str(store), ROOT))
    if args.baseline:
        store = args.copy_store or tmp / "base.sqlite"
        if not args.copy_store:
            _fill(store, args.baseline.resolve(), args.mentions)
        sides.insert(0, ("baseline SQLite", str(store), args.baseline.resolve()))
    if "postgresql" in args.backend:
        from pg_cluster import cluster

        from bench.store_fill import fill_postgres

        url = stack.enter_context(cluster()).create_database("bench")
        fill_postgres(url, documents=args.mentions // 10, per_doc=10)
        sides.append(("this PostGIS", url, ROOT))
    return sides


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
