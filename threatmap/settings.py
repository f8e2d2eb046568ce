"""All settings in one place; each can be overridden by a ``THREATMAP_*`` environment variable read only here."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The checkout: ``places.yaml``, ``geodata/``, ``corpus/`` live here."""


def _path(var: str, default: Path) -> Path:
    value = os.environ.get(var)
    return Path(value).expanduser() if value else default


def _int(var: str, default: int) -> int:
    value = os.environ.get(var)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{var} must be a whole number, got {value!r}") from None


def _bool(var: str, default: bool) -> bool:
    value = os.environ.get(var)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{var} must be true or false, got {value!r}")


PLACES_PATH: Path = _path("THREATMAP_PLACES", ROOT / "places.yaml")
GEODATA_DIR: Path = _path("THREATMAP_GEODATA", ROOT / "geodata")
CORPUS_DIR: Path = _path("THREATMAP_CORPUS", ROOT / "corpus")
CACHE_DIR: Path = _path("THREATMAP_CACHE", ROOT / ".cache" / "threatmap")
"""Build artefacts made at run time from committed sources (the pickled gazetteer); safe to delete."""
_STORE = os.environ.get("THREATMAP_STORE", "")
STORE_URL: str | None = _STORE if _STORE.startswith(("postgresql://", "postgres://")) else None
"""A shared PostgreSQL + PostGIS store (``THREATMAP_STORE=postgresql://user@host/db``), or None."""
STORE_PATH: Path = ROOT / "data" / "threatmap.sqlite" if STORE_URL or not _STORE else Path(_STORE).expanduser()
"""The SQLite store used when :data:`STORE_URL` is None."""


def store_target() -> str:
    """What the app and the CLI open: :data:`STORE_URL` when set, else :data:`STORE_PATH`."""
    return STORE_URL or str(STORE_PATH)


MAX_DOC_BYTES: int = _int("THREATMAP_MAX_DOC_BYTES", 5 * 1024 * 1024)
ALLOW_UPLOADS: bool = _bool("THREATMAP_ALLOW_UPLOADS", True)
THREAT_GOLD: tuple[Path, ...] = (ROOT / "tests" / "data" / "gold" / "seed.jsonl",
                                 ROOT / "tests" / "data" / "gold" / "dev.jsonl",
                                 ROOT / "tests" / "data" / "gold_corpus.jsonl")
"""Real gold the threat model is trained and cross-validated on (``python -m threatmap train``)."""
THREAT_MODEL_PATH: Path = Path(__file__).resolve().parent / "data" / "threat_model.json"
"""Where ``python -m threatmap train`` writes the model by default (the committed file the geoparser loads)."""
THREAT_THRESHOLD: float = 0.5
"""The default ``threat_p`` from which (inclusive) a mention counts as a threat (the app and exports may move it)."""
