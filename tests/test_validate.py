"""Each kind of broken gazetteer yields its own message, with place id and file:line; all problems come at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from threatmap.errors import GazetteerError
from threatmap.gazetteer import Gazetteer

DATA = Path(__file__).parent / "data" / "gazetteer"
GEODATA = DATA / "geodata"


def _problems(name: str) -> list[str]:
    with pytest.raises(GazetteerError) as info:
        Gazetteer.load(DATA / name, GEODATA)
    return [str(p) for p in info.value.problems]


def test_the_base_fixture_is_clean() -> None:
    gaz = Gazetteer.load(DATA / "valid.yaml", GEODATA)
    assert {p.id for p in gaz} == {"testland", "test_hills", "test_river", "test_town"}
    assert gaz.preferred("ديالي") is gaz["test_hills"]


@pytest.mark.parametrize(("fixture", "where", "message"), [
    ("missing_key.yaml", ":37 place test_town", "missing key 'names'"),
    ("unknown_key.yaml", ":46 place test_town", "unknown key 'colour'"),
    ("bad_type.yaml", ":38 place test_town", "type: expected one of country, governorate"),
    ("bad_precision.yaml", ":43 place test_town", "precision: expected a whole number 1-6"),
    ("no_en_name.yaml", ":39 place test_town", "names: expected an 'en' name"),
    ("aliases_not_list.yaml", ":15 place test_hills", "aliases.en: expected a list of names, found 'Jabal Test'"),
    ("duplicate_id.yaml", ":46 place test_town", "duplicate id 'test_town' (first defined at line 37)"),
    ("unknown_parent.yaml", ":40 place test_town", "unknown parent 'atlantis'"),
    ("invalid_geometry.yaml", ":20 place test_hills", "geometry: invalid Polygon: Self-intersection"),
    ("empty_geometry.yaml", ":20 place test_hills", "geometry: empty geometry"),
    ("crossing_line.yaml", ":34 place test_river", "geometry: the line crosses itself"),
    ("far_outside_parent.yaml", ":42 place test_town", "geometry far outside its parent 'testland'"),
    ("far_outside_country.yaml", ":42 place test_town", "geometry far outside its country 'testland'"),
    ("undeclared_collision.yaml", ":26 place test_river", "alias collision: 'Diyala' (key 'diyala') names "
                                                           "test_hills (line 12), test_river (line 23)"),
    ("double_declared.yaml", ":37 place test_river",
     "alias 'Diyala' is declared in preferred_for by test_hills, test_river"),
    ("missing_file.yaml", ":34 place test_river", "geometry: geodata file 'rivers.geojson' not found"),
    ("missing_feature.yaml", ":34 place test_river", "geometry: feature 'tigris' not found in 'shapes.geojson'"),
    ("yaml_syntax.yaml", ":39", "YAML syntax error"),
    ("bad_country.yaml", ":41 place test_town", "country: expected an ISO 3166-1 alpha-2 code like 'IQ', found False"),
    ("bad_point.yaml", ":42 place test_town",
     "geometry: expected lon in [-180, 180] and lat in [-90, 90], got [34.5, 141.5]"),
    ("preferred_not_own.yaml", ":23 place test_hills", "preferred_for: 'Baqubah' is not a name or alias"),
])
def test_each_broken_gazetteer_yields_its_specific_message(fixture: str, where: str, message: str) -> None:
    problems = _problems(fixture)
    expected = f"{DATA / fixture}{where}: {message}"
    assert any(p.startswith(expected) for p in problems), "\n".join(problems)
    assert all("(fix: " in p for p in problems)


def test_far_outside_reports_the_distance() -> None:
    (problem,) = _problems("far_outside_parent.yaml")
    assert "is 2649 km from it (limit 50 km)" in problem


def test_every_problem_is_reported_at_once_in_file_order() -> None:
    problems = _problems("several_problems.yaml")
    assert [p.split(":")[1].split(" ")[0] for p in problems] == ["10", "34", "38"]
    assert "precision" in problems[0] and "crosses itself" in problems[1] and "type:" in problems[2]


def test_an_unreadable_file_is_one_problem(tmp_path: Path) -> None:
    with pytest.raises(GazetteerError, match="cannot read the gazetteer"):
        Gazetteer.load(tmp_path / "nope.yaml", GEODATA)
    top = tmp_path / "list.yaml"
    top.write_text("- id: x\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="expected a mapping with a 'places' list"):
        Gazetteer.load(top, GEODATA)


def test_an_included_file_adds_places_and_reports_its_own_lines(tmp_path: Path) -> None:
    base = (DATA / "valid.yaml").read_text(encoding="utf-8")
    main = tmp_path / "places.yaml"
    main.write_text(base.replace("places:", "include: [more.yaml]\nplaces:", 1), encoding="utf-8")
    town = ("places:\n  - id: other_town\n    type: town\n    names: {en: Other Town}\n    parent: testland\n"
            "    country: IQ\n    geometry: {point: [41.6, 34.4]}\n    precision: 1\n    sources: [test]\n")
    (tmp_path / "more.yaml").write_text(town, encoding="utf-8")
    gaz = Gazetteer.load(main, GEODATA)
    assert "other_town" in gaz and gaz["other_town"].line > len(base.splitlines())
    (tmp_path / "more.yaml").write_text(town.replace("precision: 1", "precision: 9"), encoding="utf-8")
    with pytest.raises(GazetteerError) as info:
        Gazetteer.load(main, GEODATA)
    assert [str(p).split(": ")[0] for p in info.value.problems] == [f"{tmp_path / 'more.yaml'}:8 place other_town"]


def test_a_spellings_file_adds_aliases_by_id(tmp_path: Path) -> None:
    base = (DATA / "valid.yaml").read_text(encoding="utf-8")
    main = tmp_path / "places.yaml"
    main.write_text(base.replace("places:", "include: [spellings.yaml]\nplaces:", 1), encoding="utf-8")
    (tmp_path / "spellings.yaml").write_text("aliases:\n  test_town: {kmr: [Bajarê Test]}\n", encoding="utf-8")
    assert "Bajarê Test" in Gazetteer.load(main, GEODATA)["test_town"].aliases["kmr"]
    (tmp_path / "spellings.yaml").write_text("aliases:\n  no_such_place: {kmr: [Test]}\n", encoding="utf-8")
    with pytest.raises(GazetteerError) as info:
        Gazetteer.load(main, GEODATA)
    assert "no_such_place" in str(info.value.problems[0])
