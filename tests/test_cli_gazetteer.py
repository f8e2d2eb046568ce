"""``python -m threatmap validate`` and ``places``: exit codes and what the curator sees."""

from __future__ import annotations

from pathlib import Path

import pytest

from threatmap.cli import main

DATA = Path(__file__).parent / "data" / "gazetteer"
FIXTURE = ["--places", str(DATA / "valid.yaml"), "--geodata", str(DATA / "geodata")]


def test_validate_the_real_gazetteer_is_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK: ") and " places (" in out and "names and aliases (en " in out


def test_validate_a_broken_gazetteer_lists_every_problem(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--places", str(DATA / "several_problems.yaml"), "--geodata", str(DATA / "geodata"), "validate"]
    assert main(args) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and lines[-1].startswith("3 problem(s) in ")
    assert "several_problems.yaml:38 place test_town: type: expected one of" in lines[2]


def test_places_lists_a_table_with_geometry_summaries(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*FIXTURE, "places"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["id", "type", "prec", "en", "ar", "aliases", "geometry"]
    town = next(line for line in out if line.startswith("test_town"))
    assert "Testville" in town and "مدينة الاختبار" in town and town.endswith("Point 41.500,34.500")
    hills = next(line for line in out if line.startswith("test_hills"))
    assert "Polygon" in hills and "km²" in hills and "bbox 40.50,33.50–41.00,34.00" in hills
    river = next(line for line in out if line.startswith("test_river"))
    assert "LineString" in river and " km, bbox" in river
    assert out[-1] == "4 place(s)"


def test_places_filters_by_type_and_search(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*FIXTURE, "places", "--type", "river"]) == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()[1:-1]] == ["test_river"]
    assert main([*FIXTURE, "places", "--search", "ديالي"]) == 0  # ى/ي variants and any script
    assert sorted(line.split()[0] for line in capsys.readouterr().out.splitlines()[1:-1]) == ["test_hills",
                                                                                             "test_river"]
    assert main([*FIXTURE, "places", "--search", "STVIL"]) == 0  # substring, case-insensitive
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()[1:-1]] == ["test_town"]


def test_places_in_the_real_gazetteer_finds_qarachogh_in_kurdish(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["places", "--search", "قەرەچوغ"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("qarachogh ")


def test_places_rejects_an_unknown_type(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*FIXTURE, "places", "--type", "mountain"]) == 2
    assert "expected one of country" in capsys.readouterr().err


def test_places_on_a_broken_gazetteer_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--places", str(DATA / "bad_type.yaml"), "--geodata", str(DATA / "geodata"), "places"]) == 2
    assert "type: expected one of" in capsys.readouterr().err
