"""Benchmark: loading and validating the full gazetteer (target < 1 s); run ``python bench/gazetteer.py``."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_CHILD = """
import time
t0 = time.perf_counter()
from threatmap.gazetteer import Gazetteer
t1 = time.perf_counter()
g = Gazetteer.load()
t2 = time.perf_counter()
print(f"{t1 - t0:.4f} {t2 - t1:.4f} {len(g)}")
"""


def main(argv: list[str] | None = None) -> int:
    """Time ``Gazetteer.load()`` in fresh processes (cold: files read and parsed) and repeated in one (warm)."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--runs", type=int, default=5, help="fresh processes to time (default: %(default)s)")
    args = p.parse_args(argv)
    imports, loads = [], []
    n = 0
    for _ in range(args.runs):
        out = subprocess.run([sys.executable, "-c", _CHILD], cwd=ROOT, capture_output=True, text=True, check=True)
        imp, load, n_text = out.stdout.split()
        imports.append(float(imp))
        loads.append(float(load))
        n = int(n_text)
    sys.path.insert(0, str(ROOT))
    from threatmap.gazetteer import Gazetteer

    Gazetteer.load()
    warm = []
    for _ in range(args.runs):
        t = time.perf_counter()
        Gazetteer.load()  # geodata files cached in-process; YAML parsed and validated again
        warm.append(time.perf_counter() - t)
    print(f"places: {n}")
    print(f"cold load (fresh process, after imports; pickled gazetteer of .cache/threatmap): "
          f"median {statistics.median(loads):.3f} s, "
          f"min {min(loads):.3f} s, max {max(loads):.3f} s over {args.runs} runs")
    print(f"imports (threatmap.gazetteer, yaml, shapely): median {statistics.median(imports):.3f} s")
    print(f"warm reload in one process: median {statistics.median(warm):.3f} s")
    import os
    import tempfile
    uncached = []
    for _ in range(max(1, args.runs // 2)):
        with tempfile.TemporaryDirectory() as empty:  # no pickled gazetteer: YAML read and validated
            out = subprocess.run([sys.executable, "-c", _CHILD], cwd=ROOT, capture_output=True, text=True, check=True,
                                 env={**os.environ, "THREATMAP_CACHE": empty})
            uncached.append(float(out.stdout.split()[1]))
    print(f"uncached load+validate (first load after a change of places.yaml/geodata, then pickled): median "
          f"{statistics.median(uncached):.3f} s over {len(uncached)} runs")
    return 0 if statistics.median(loads) < 1.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
