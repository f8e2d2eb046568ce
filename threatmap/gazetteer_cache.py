"""A build artefact of the loaded gazetteer: the validated places pickled under a hash of their source files.

Loading and validating ~2,500 places from YAML takes about a second; unpickling them takes a fraction of that.
The cache key is the SHA-256 of every input: the gazetteer file, the files its ``include`` list names, every
file of the geodata folder and the source of the modules that turn them into places. A changed input gives a
new key, so a stale cache is never read; nothing is committed (``.cache/`` is git-ignored). A cache that cannot
be read or written is ignored: the gazetteer is then loaded from its sources.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import tempfile
from pathlib import Path
from typing import Any

from threatmap import settings

__all__ = ["cache_path", "read_cache", "write_cache"]

_CODE = ("gazetteer.py", "validate.py", "models.py", "lang/normalize.py", "gazetteer_cache.py")
_INCLUDE = re.compile(r"^include:\s*\[([^\]]*)\]", re.M)


def cache_path(places_path: Path, geodata_dir: Path, cache_dir: Path | None = None) -> Path:
    """Where the cache of these inputs lives: ``<cache_dir>/gazetteer-<hash of the path>-<sha256 of inputs>.pickle``."""
    digest = hashlib.sha256()
    text = places_path.read_bytes() if places_path.is_file() else b""  # not /dev/zero: reading it never ends
    inputs = [places_path, places_path.with_name(f"{places_path.stem}.local{places_path.suffix or '.yaml'}")]
    match = _INCLUDE.search(text.decode("utf-8", "replace"))
    if match:
        inputs += [places_path.parent / n.strip().strip("'\"") for n in match.group(1).split(",") if n.strip()]
    if geodata_dir.is_dir():
        inputs += sorted(p for p in geodata_dir.iterdir() if p.is_file())
    package = Path(__file__).resolve().parent
    inputs += [package / name for name in _CODE]
    for path in inputs:
        digest.update(str(path.name).encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
        digest.update(b"\0")
    where = hashlib.sha256(str(places_path.resolve()).encode()).hexdigest()[:12]
    return (cache_dir or settings.CACHE_DIR) / f"gazetteer-{where}-{digest.hexdigest()}.pickle"


def read_cache(path: Path) -> Any | None:
    """The cached object, or None when there is none (or it cannot be read)."""
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None


def write_cache(path: Path, obj: Any) -> None:
    """Write atomically (temp file + rename); drop older caches of the same gazetteer file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(obj, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        for old in path.parent.glob(path.name.rsplit("-", 1)[0] + "-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        return
