"""Hostile ``places.yaml`` entries: every value of every field, odd keys, deep nesting and alias bombs are named
problems (file:line place id), never a crash — checked in-process for the classes, in a subprocess for the payloads
that used to kill or exhaust the process."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from threatmap.errors import GazetteerError
from threatmap.gazetteer import Gazetteer

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "gazetteer"
GEODATA = DATA / "geodata"
EXTRA = {
    "id": "test_extra", "type": "town", "names": "{en: Extraville, ar: اكسترا}", "country": "IQ",
    "geometry": "{point: [41.6, 34.6]}", "precision": "1", "sources": "[test fixture]",
}
HOSTILE = ("[1]", "[[[[1]]]]", "{a: 1}", "{1: 2}", "null", "true", "123", "1.5", '""', "-1", "!!binary aGk=",
           "[null, {}]", "{null: [1]}", "{en: [1], ar: {x: 1}}", "{aliases: [[1]], why: [1]}", "{point: [1]}",
           "{file: [1], feature: {a: 1}}", "1" * 5000, "x" * 5000)


def _entry(**fields: str) -> str:
    values = {**EXTRA, **fields}
    lines = [f"  - id: {values.pop('id')}"] + [f"    {key}: {value}" for key, value in values.items()]
    return "\n".join(lines) + "\n"


def _load(tmp_path: Path, extra: str) -> list[str]:
    path = tmp_path / "places.yaml"
    path.write_text((DATA / "valid.yaml").read_text(encoding="utf-8").rstrip("\n") + "\n" + extra, encoding="utf-8")
    try:
        Gazetteer.load(path, GEODATA)
    except GazetteerError as exc:
        return [str(p) for p in exc.problems]
    return []


@pytest.mark.parametrize("key", ["type", "names", "aliases", "geometry", "precision", "sources", "parent",
                                 "country", "preferred_for", "geonames_id"])
def test_every_field_with_every_kind_of_value_is_a_named_problem(tmp_path: Path, key: str) -> None:
    for value in HOSTILE:
        problems = _load(tmp_path, _entry(**{key: value}))
        for problem in problems:
            assert re.search(r"places\.yaml:\d+", problem), problem
        if problems and key not in ("parent", "preferred_for", "geonames_id"):
            assert any("place test_extra" in p for p in problems), (key, value, problems)


@pytest.mark.parametrize("value", HOSTILE, ids=[f"{v[:12]}-{len(v)}" for v in HOSTILE])
def test_a_hostile_id_is_a_named_problem(tmp_path: Path, value: str) -> None:
    problems = _load(tmp_path, _entry(id=value))
    assert problems and all(re.search(r"places\.yaml:\d+", p) for p in problems)


@pytest.mark.parametrize("key", ["123", "null", "true", "1.5", "'[x]'", "_line", "_lines"])
def test_odd_keys_are_named_problems(tmp_path: Path, key: str) -> None:
    problems = _load(tmp_path, _entry() + f"    {key}: x\n")
    assert any("place test_extra" in p and "key" in p for p in problems), problems


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def _bomb(levels: int) -> str:
    anchors = ['&a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    anchors += [f"&a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels + 1)]
    return "[" + ", ".join(anchors) + "]"


@pytest.mark.parametrize(("field", "payload", "message"), [
    ("precision", "[1]", "precision: expected a whole number 1-6"),
    ("sources", "[test fixture]\n    123: x\n    null: y", "key 123 is not a name"),
    ("names", "{en: " + _deep(100_000) + "}", "nesting deeper than"),
    ("aliases", "{en: " + _deep(3_000) + "}", "nesting deeper than"),
    ("names", "{en: Extraville, ar: " + _bomb(8) + "}", "alias bomb"),
], ids=["precision-list", "keys-123-null", "nested-100000", "nested-3000", "alias-bomb"])
def test_validate_names_the_payloads_that_crashed_it(tmp_path: Path, field: str, payload: str, message: str) -> None:
    path = tmp_path / "places.yaml"
    path.write_text((DATA / "valid.yaml").read_text(encoding="utf-8").rstrip("\n") + "\n"
                    + _entry(**{field: payload}), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "threatmap", "--places", str(path), "--geodata", str(GEODATA),
                           "validate"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])
    line = max(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if f"{field}:" in text)
    line += "123: x" in payload  # the problem is on the key's own line
    assert re.search(rf"places\.yaml:{line} place test_extra: .*{re.escape(message)}", done.stdout), done.stdout
    assert "Traceback" not in done.stderr


def test_a_deeply_nested_geodata_file_is_a_named_problem(tmp_path: Path) -> None:
    for source in GEODATA.iterdir():
        (tmp_path / source.name).write_bytes(source.read_bytes())
    deep = "[" * 100_000 + "]" * 100_000
    feature = '{"type": "Feature", "id": "river", "geometry": {"type": "Polygon", "coordinates": ' + deep + "}}"
    (tmp_path / "shapes.geojson").write_text('{"type": "FeatureCollection", "features": [' + feature + "]}")
    with pytest.raises(GazetteerError) as info:
        Gazetteer.load(DATA / "valid.yaml", tmp_path)
    assert any("place test_river: geometry: geodata file 'shapes.geojson' is nested too deeply" in str(p)
               for p in info.value.problems)


def test_a_gazetteer_path_that_is_not_a_regular_file_is_a_problem() -> None:
    with pytest.raises(GazetteerError, match="/dev/zero: not a regular file"):
        Gazetteer.load(Path("/dev/zero"), GEODATA)
