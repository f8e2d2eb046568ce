"""Where the app's first run goes: wall and CPU seconds of each statement of ``app.py`` on a store, in a fresh
process (nothing cached, nothing imported yet), through Streamlit's AppTest.

Run: ``python bench/app_phases.py STORE`` (``--root DIR`` for another checkout's app, ``--profile N`` to add the
N functions with the most cumulative time, ``--copy`` to read a fresh copy of STORE, ``--rerun`` to time a filter
change's rerun instead of the first run). The statements of ``app.py``
(and of its top-level ``with`` blocks) are timed by a copy of the script with a clock call after each one; the
copy is the only change, so the figures are the app's own. Also printed: the first run as a whole, the modules
imported by it and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import ast
import cProfile
import importlib.util
import io
import itertools
import json
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

CLOCK = "_phase_clock"
"""Name the instrumented script calls after each statement: ``_phase_clock(line)``."""


def instrumented(source: str) -> str:
    """``source`` with ``_phase_clock(<line>)`` after each top-level statement and each statement of a top-level
    ``with`` block (the map and side columns), and a first ``_phase_clock(0)`` at the start."""
    tree = ast.parse(source)

    def clock(line: int) -> ast.stmt:
        return ast.Expr(ast.Call(ast.Name(CLOCK, ast.Load()), [ast.Constant(line)], []))

    def walk(body: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for stmt in body:
            if isinstance(stmt, ast.With):
                stmt.body = walk(stmt.body)
            out += [stmt, clock(stmt.lineno)]
        return out

    body = tree.body
    start = 1 if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) else 0
    first = body[start] if start < len(body) else None
    if isinstance(first, ast.ImportFrom) and first.module == "__future__":
        start += 1
    tree.body = [*body[:start], clock(0), *walk(body[start:])]
    return ast.unparse(ast.fix_missing_locations(tree))


def _this_app_store() -> Any:
    """``bench/app_store.py`` of this checkout (``--root`` may hold a ``bench`` package of its own first)."""
    spec = importlib.util.spec_from_file_location("_this_app_store", ROOT / "bench" / "app_store.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def first_run(store: str, root: Path, *, profile: int = 0, rerun: bool = False) -> dict[str, object]:
    """In this process: AppTest's first run of ``root``'s instrumented app on ``store`` (with ``rerun``: the run of
    a filter change, "threat only", after the first run and the map's first report); per statement (line, source,
    wall s, CPU s), the whole run, modules imported and peak RSS."""
    import builtins

    from streamlit.testing.v1 import AppTest

    from threatmap import settings

    report_view = _this_app_store().report_view

    settings.STORE_PATH = Path(store)
    source = (root / "app.py").read_text(encoding="utf-8")
    lines = source.splitlines()
    marks: list[tuple[int, float, float]] = []
    profiler = cProfile.Profile() if profile else None
    armed = [not rerun]

    def clock(line: int) -> None:
        marks.append((line, time.perf_counter(), time.process_time()))
        if line == 0 and profiler and armed[0]:
            profiler.enable()  # in the script's thread: AppTest runs the script in a thread of its own

    setattr(builtins, CLOCK, clock)
    before = set(sys.modules)
    at = AppTest.from_string(instrumented(source), default_timeout=900)
    if rerun:
        at.run()
        report_view(at)
        at.run()
        at.sidebar.toggle(key="threat_only").set_value(True)
        marks.clear()
        armed[0] = True
    t0, c0 = time.perf_counter(), time.process_time()
    at.run()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    if at.exception:
        raise RuntimeError(at.exception)
    steps = []
    for (_, w0, p0), (line, w1, p1) in itertools.pairwise(marks):
        steps.append({"line": line, "statement": lines[line - 1].strip()[:90], "wall": w1 - w0, "cpu": p1 - p0})
    run = "rerun, threat only" if rerun else "first run"
    out: dict[str, object] = {
        "steps": steps, "before first statement (s)": marks[0][1] - t0 if marks else 0.0, f"{run} (s)": wall,
        f"{run} (CPU s)": cpu, "modules imported": len(set(sys.modules) - before),
        "peak RSS (MB)": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if profiler:
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(profile)
        out["profile"] = text.getvalue()
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("store", type=Path, help="a filled SQLite store")
    p.add_argument("--root", type=Path, default=ROOT, help="the checkout whose app.py is timed (default: this one)")
    p.add_argument("--profile", type=int, default=0, metavar="N", help="also print the N slowest functions")
    p.add_argument("--copy", action="store_true", help="time a fresh copy of STORE (it may be written to)")
    p.add_argument("--rerun", action="store_true", help="time the rerun of a filter change (threat only) instead")
    p.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    root = args.root.resolve()
    if args.in_process:
        sys.path[:0] = [str(root)]
        print(json.dumps(first_run(str(args.store), root, profile=args.profile, rerun=args.rerun)))
        return
    with tempfile.TemporaryDirectory(prefix="threatmap-phases-") as tmp:
        store = args.store
        if args.copy:
            store = Path(tmp) / args.store.name
            shutil.copyfile(args.store, store)
        done = subprocess.run([sys.executable, __file__, str(store), "--root", str(root), "--in-process",
                               "--profile", str(args.profile), *(["--rerun"] if args.rerun else [])],
                              cwd=str(root), capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"{'line':>5} {'wall s':>8} {'CPU s':>8}  statement")
    for step in result.pop("steps"):
        print(f"{step['line']:>5} {step['wall']:>8.3f} {step['cpu']:>8.3f}  {step['statement']}")
    profile = result.pop("profile", "")
    for key, value in result.items():
        print(f"{key}: {value:.3f}" if isinstance(value, float) else f"{key}: {value}")
    if profile:
        print(profile)


if __name__ == "__main__":
    main()
