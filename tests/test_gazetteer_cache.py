"""The pickled gazetteer: keyed by every input, read instead of the YAML, never stale."""

from __future__ import annotations

import shutil
from pathlib import Path

from threatmap.gazetteer import Gazetteer
from threatmap.gazetteer_cache import cache_path, read_cache, write_cache

DATA = Path(__file__).parent / "data" / "gazetteer"


def _copy(tmp_path: Path) -> tuple[Path, Path]:
    shutil.copy(DATA / "valid.yaml", tmp_path / "places.yaml")
    shutil.copytree(DATA / "geodata", tmp_path / "geodata")
    return tmp_path / "places.yaml", tmp_path / "geodata"


def test_a_changed_input_changes_the_key(tmp_path: Path) -> None:
    places, geodata = _copy(tmp_path)
    first = cache_path(places, geodata, tmp_path / "cache")
    assert cache_path(places, geodata, tmp_path / "cache") == first
    places.write_text(places.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    second = cache_path(places, geodata, tmp_path / "cache")
    next(geodata.iterdir()).write_text("{}", encoding="utf-8")
    assert len({first, second, cache_path(places, geodata, tmp_path / "cache")}) == 3


def test_the_cache_round_trips_and_replaces_older_caches(tmp_path: Path) -> None:
    places, geodata = _copy(tmp_path)
    old = cache_path(places, geodata, tmp_path / "cache")
    write_cache(old, {"a": 1})
    places.write_text(places.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    new = cache_path(places, geodata, tmp_path / "cache")
    write_cache(new, {"b": 2})
    assert read_cache(new) == {"b": 2} and not old.exists()
    assert read_cache(tmp_path / "cache" / "missing.pickle") is None


def test_load_writes_the_cache_and_reads_it_back(tmp_path: Path, monkeypatch) -> None:
    places, geodata = _copy(tmp_path)
    monkeypatch.setattr("threatmap.settings.CACHE_DIR", tmp_path / "cache")
    fresh = Gazetteer.load(places, geodata)
    path = cache_path(places, geodata)
    assert path.is_file()
    write_cache(path, {pid: fresh[pid] for pid in ["test_town"]})  # a cache is trusted: prove it is read
    assert [p.id for p in Gazetteer.load(places, geodata)] == ["test_town"]
