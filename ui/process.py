"""The app's server process: its first imports kept out of the garbage collector's full passes."""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import Iterator

__all__ = ["imports_untraced"]


@contextlib.contextmanager
def imports_untraced(module: str) -> Iterator[None]:
    """Run the ``with`` block's imports without garbage collection, then move everything alive to the collector's
    permanent generation (:func:`gc.freeze`), once per process: when ``module`` (imported by the block) is not yet
    imported.

    The app's first run imports some 800 modules (pandas, folium, shapely …): their objects live as long as the
    process, yet the collector's full passes, triggered by that many new objects, traced them all during the
    imports (~0.2 s on the first visit) and would trace them again at every later full pass. Later runs import
    nothing new and leave the collector alone.
    """
    if module in sys.modules:
        yield
        return
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
