"""threatmap.longlived: freezing what a process loaded keeps it out of the GC, and later garbage is still collected.

Run in a child process: freezing is process-wide, and the test process must keep its own collector as it is.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_CHILD = """
import gc, weakref
from threatmap.longlived import freeze_loaded

class Node:
    pass

loaded = [Node() for _ in range(1000)]
garbage_before = Node()
garbage_before.me = garbage_before          # a cycle that is already garbage when freezing
probe_before = weakref.ref(garbage_before)
del garbage_before
freeze_loaded()
assert probe_before() is None, "garbage alive at the freeze is collected first, not frozen"
assert gc.get_freeze_count() >= len(loaded), gc.get_freeze_count()
later = Node()
later.me = later                            # a cycle made after the freeze
probe_later = weakref.ref(later)
del later
gc.collect()
assert probe_later() is None, "objects made after the freeze are still collected"
print("ok")
"""


def test_freeze_loaded_freezes_what_is_alive_and_collects_what_comes_later() -> None:
    done = subprocess.run([sys.executable, "-c", _CHILD], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
