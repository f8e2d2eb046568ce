"""The store commands: ingest, reindex, export, unresolved (python -m threatmap …)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LinearRing, shape

from threatmap.cli import main
from threatmap.cli import store as cli_store
from threatmap.models import Document, Mention, Place, Where

DATA = Path(__file__).parent / "data" / "ingest"
ROOT = Path(__file__).resolve().parent.parent


def fake_parse(doc: Document) -> tuple[Mention, ...]:
    start = doc.text.find("Mosul")
    if start < 0:
        return ()
    return (Mention(doc_id=doc.id, start=start, end=start + 5, surface="Mosul", place_id="mosul", name="Mosul",
                    place_type="city", where=Where(36.34, 43.13, (43.13, 36.34, 43.13, 36.34), "Point", 1),
                    threat="ISIS" in doc.text, passage_start=0, passage_end=len(doc.text)),)


@pytest.fixture(autouse=True)
def fake_geoparser(monkeypatch: pytest.MonkeyPatch) -> None:
    from shapely.geometry import Point

    from threatmap.gazetteer import Gazetteer

    gaz = Gazetteer({"mosul": Place("mosul", "city", {"en": "Mosul", "ar": "الموصل"}, {}, Point(43.13, 36.34), 1)})
    monkeypatch.setattr(cli_store, "_geoparser", lambda args: fake_parse)
    monkeypatch.setattr(cli_store, "_gazetteer", lambda args: gaz)


def test_ingest_prints_the_summary_and_is_idempotent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "s.sqlite")
    assert main(["ingest", "--store", store, str(DATA / "good")]) == 0
    out = capsys.readouterr().out
    assert "documents added: 6, unchanged: 0, rejected: 0" in out
    assert "mentions: 2 (threat: 2), unresolved candidates:" in out
    assert main(["ingest", "--store", store, str(DATA / "good")]) == 0
    assert "documents added: 0, unchanged: 6, rejected: 0" in capsys.readouterr().out


def test_ingest_reports_rejections_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "s.sqlite")
    assert main(["ingest", "--store", store, str(DATA / "bad" / "bad-date.md"),
                 str(DATA / "good" / "strikes-plain.txt"), "--max-bytes", "1000"]) == 1
    out = capsys.readouterr().out
    assert "documents added: 1, unchanged: 0, rejected: 1" in out
    assert "rejected: " in out and "bad-date.md:3: invalid date '2020-02-30'" in out


def test_reindex(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "s.sqlite")
    main(["ingest", "--store", store, str(DATA / "good")])
    capsys.readouterr()
    assert main(["reindex", "--store", store]) == 0
    assert "documents reindexed: 6" in capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["geojson", "csv", "kml", "gpkg"])
def test_export_every_format(tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    store = str(tmp_path / "s.sqlite")
    main(["ingest", "--store", store, str(DATA / "good")])
    out = tmp_path / "out" / f"x.{fmt}"
    assert main(["export", "--store", store, "--format", fmt, "--out", str(out), "--threat-only",
                 "--since", "2017-01-01", "--source", "Wire", "--source", "strikes"]) == 0
    assert "exported 0 mention(s)" in capsys.readouterr().err  # strikes-plain has no source: filtered out
    assert main(["export", "--store", store, "--format", fmt, "--out", str(out), "--place", "mosul",
                 "--type", "city", "--lang", "en"]) == 0
    assert "exported 2 mention(s) at 1 place(s)" in capsys.readouterr().err
    if fmt == "csv":
        assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    else:
        layer = {"layer": "places"} if fmt == "gpkg" else {}
        assert len(gpd.read_file(out, engine="pyogrio", **layer)) == 1


def test_export_per_mention_to_stdout(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    store = str(tmp_path / "s.sqlite")
    main(["ingest", "--store", store, str(DATA / "good")])
    capsysbinary.readouterr()
    assert main(["export", "--store", store, "--format", "geojson", "--out", "-", "--per-mention"]) == 0
    fc = json.loads(capsysbinary.readouterr().out)
    assert [f["properties"]["doc_id"] for f in fc["features"]] == ["strikes-plain", "jl-1"]  # by date


@pytest.mark.parametrize(("argv", "message"), [
    (["--since", "2020/01/01"], "--since expects a date YYYY-MM-DD, got '2020/01/01'"),
    (["--since", "2021-01-01", "--until", "2020-01-01"], "since '2021-01-01' is after until"),
])
def test_export_bad_filters(tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
                            message: str) -> None:
    rc = main(["export", "--store", str(tmp_path / "s.sqlite"), "--format", "csv", "--out", "x.csv", *argv])
    assert rc == 2 and message in capsys.readouterr().err


def test_export_binary_to_stdout_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--store", str(tmp_path / "s.sqlite"), "--format", "gpkg", "--out", "-"]) == 2
    assert "gpkg cannot go to stdout" in capsys.readouterr().err
    assert main(["export", "--store", str(tmp_path / "s.sqlite"), "--format", "gpkg"]) == 2  # stdout by default
    assert "fix: add --out FILE.gpkg" in capsys.readouterr().err


def test_unresolved(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "s.sqlite")
    main(["ingest", "--store", store, str(DATA / "good")])
    capsys.readouterr()
    assert main(["unresolved", "--store", store]) == 0
    out = capsys.readouterr().out
    assert "Wadi Tubal" in out and "مخمور" in out
    assert main(["unresolved", "--store", store, "--min-count", "99"]) == 0
    assert "no unresolved candidate names" in capsys.readouterr().out


def test_real_pipeline_end_to_end(tmp_path: Path) -> None:
    """The demo corpus through the real geoparser and gazetteer, as a user runs it."""
    pytest.importorskip("threatmap.geoparse.parser")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    store = str(tmp_path / "s.sqlite")
    run = subprocess.run([sys.executable, "-m", "threatmap", "ingest", "--store", store, str(ROOT / "corpus")],
                         capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "documents added: 18, unchanged: 0, rejected: 0" in run.stdout
    out = tmp_path / "x.geojson"
    run = subprocess.run([sys.executable, "-m", "threatmap", "export", "--store", store, "--format", "geojson",
                          "--out", str(out), "--threat-only"], capture_output=True, text=True, env=env, cwd=ROOT,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    fc = json.loads(out.read_text(encoding="utf-8"))
    assert fc["features"] and all(f["properties"]["threats"] > 0 for f in fc["features"])
    assert "crs" not in fc
    polygons = in_region = 0
    for feature in fc["features"]:
        geometry = feature["geometry"]
        parts = {"Polygon": [geometry["coordinates"]], "MultiPolygon": geometry["coordinates"]}.get(
            geometry["type"], [])
        for polygon in parts:
            polygons += 1
            assert LinearRing(polygon[0]).is_ccw and not any(LinearRing(r).is_ccw for r in polygon[1:])
        lon, lat = shape(geometry).representative_point().coords[0]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        in_region += 25 < lon < 60 and 25 < lat < 45  # Iraq/Syria, lon first
    assert in_region > len(fc["features"]) / 2
    assert polygons > 0  # the real gazetteer has areas: the orientation check above is not vacuous


# ---------------------------------------------------------------- rough edges found by a newcomer (issue 12)
def test_export_writes_to_stdout_without_out(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    store = str(tmp_path / "s.sqlite")
    main(["ingest", "--store", store, str(DATA / "good")])
    capsysbinary.readouterr()
    assert main(["export", "--store", store, "--format", "geojson"]) == 0
    captured = capsysbinary.readouterr()
    assert json.loads(captured.out)["type"] == "FeatureCollection"
    assert b"to stdout" in captured.err


def test_export_and_unresolved_refuse_a_missing_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere" / "s.sqlite"
    for argv in (["export", "--format", "csv"], ["unresolved"]):
        assert main([*argv, "--store", str(missing)]) == 2
        err = capsys.readouterr().err
        assert "expected a store at" in err and "no such file" in err and "fix: python -m threatmap ingest" in err
    assert not missing.exists() and not missing.parent.exists()  # nothing created


def test_export_warns_about_an_unknown_place_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "s.sqlite")
    main(["ingest", "--store", store, str(DATA / "good")])
    capsys.readouterr()
    out = tmp_path / "x.csv"
    assert main(["export", "--store", store, "--format", "csv", "--out", str(out), "--place", "mossul"]) == 0
    err = capsys.readouterr().err
    assert "warning: --place 'mossul' is not a place id" in err and "exported 0 mention(s)" in err
    assert main(["export", "--store", store, "--format", "csv", "--out", str(out), "--place", "mosul"]) == 0
    assert "warning" not in capsys.readouterr().err


def test_export_search_looks_at_the_whole_text_and_every_script(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "s.sqlite")
    main(["ingest", "--store", store, str(DATA / "good")])
    capsys.readouterr()
    out = tmp_path / "x.csv"
    assert main(["export", "--store", store, "--format", "csv", "--out", str(out), "--search", "الموصل"]) == 0
    assert "exported 2 mention(s)" in capsys.readouterr().err  # the Arabic name finds the English texts
    assert main(["export", "--store", store, "--format", "csv", "--out", str(out), "--search", "no such words"]) == 0
    assert "exported 0 mention(s)" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [[], ["export"], ["eval"], ["validate"], ["ingest"], ["places"]])
def test_help_is_plain_text(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([*argv, "--help"])
    text = capsys.readouterr().out
    assert "`" not in text


@pytest.mark.parametrize("command", ["eval", "validate", "export"])
def test_eval_validate_and_export_have_a_description_and_an_example(command: str,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = capsys.readouterr().out
    _usage, rest = text.split("\n\n", 1)
    assert rest.strip().split("\n")[0][:1].isupper()  # a description sentence follows the usage
    example = text.split("\nexample")[-1]
    assert "\nexample" in text and "python -m threatmap" in example and command in example
