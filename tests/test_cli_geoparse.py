"""``python -m threatmap geoparse`` and ``eval``: JSON lines contract, inputs, errors naming file and line."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from threatmap.cli import main

DATA = Path(__file__).resolve().parent / "data"
ROOT = Path(__file__).resolve().parent.parent
GAZ = ["--places", str(DATA / "geoparse_places.yaml"), "--geodata", str(DATA / "geoparse_geodata")]
KEYS = {"doc_id", "start", "end", "surface", "place_id", "name", "place_type", "lat", "lon", "bbox",
        "geometry_type", "precision", "threat", "threat_p", "cue", "qualifier", "passage_start", "passage_end",
        "speaker", "resolved_by"}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, object]], str]:
    code = main([*GAZ, *args])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines() if line.strip()], err


def test_jsonl_documents(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "docs.jsonl"
    docs = [{"id": "a", "text": "خلايا داعش قرب الموصل", "lang": "ar", "source": "Outlet"},
            {"id": "b", "text": "Strikes near Raqqa and in Anbar province."}]
    path.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in docs) + "\n", encoding="utf-8")
    code, rows, _ = run(capsys, "geoparse", str(path))
    assert code == 0
    assert [(r["doc_id"], r["surface"], r["place_id"], r["qualifier"]) for r in rows] == [
        ("a", "الموصل", "mosul", "near"), ("b", "Raqqa", "raqqa", "near"),
        ("b", "Anbar province", "anbar_governorate", None)]
    for row in rows:
        assert set(row) == KEYS
        text = docs[0 if row["doc_id"] == "a" else 1]["text"]
        assert text[row["start"]:row["end"]] == row["surface"]
        assert len(row["bbox"]) == 4
    assert rows[0]["speaker"] == "Outlet" and rows[0]["precision"] == 2


def test_markdown_front_matter_offsets_index_the_body(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = "ISIS remains active near Kirkuk.\n"
    path = tmp_path / "note.md"
    path.write_text(f'---\ntitle: "A note"\nsource: Test\nlang: en\n---\n{body}', encoding="utf-8")
    code, rows, _ = run(capsys, "geoparse", str(path))
    assert code == 0 and len(rows) == 1
    assert rows[0]["doc_id"] == "note" and body[rows[0]["start"]:rows[0]["end"]] == "Kirkuk"


def test_plain_text_and_stdin(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                              monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "plain.txt"
    path.write_text("في بغداد", encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("هجوم في الموصل".encode())))
    code, rows, _ = run(capsys, "geoparse", str(path), "-")
    assert code == 0
    assert [(r["doc_id"], r["place_id"]) for r in rows] == [("plain", "baghdad"), ("stdin", "mosul")]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b'{"id": "j", "text": "near Hit"}\n')))
    code, rows, _ = run(capsys, "geoparse", "-")
    assert [(r["doc_id"], r["place_id"]) for r in rows] == [("j", "hit")]


def test_bad_input_names_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "text": "Mosul"}\n{"id": "b", "text": \n{"id": "c"}\n', encoding="utf-8")
    code, rows, err = run(capsys, "geoparse", str(path), str(tmp_path / "missing.txt"))
    assert code == 2 and rows == []
    assert f"{path}:2: invalid JSON" in err
    assert f"{path}:3: expected a string 'text'" in err
    assert "missing.txt: no such file" in err


def test_eval_prints_the_table_and_the_overall_figures(capsys: pytest.CaptureFixture[str]) -> None:
    code = main([*GAZ, "eval", str(DATA / "geoparse_gold.jsonl"), "--show"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[-3] == "recognition F1 1.000" and out[-2] == "end-to-end F1 1.000"
    assert out[-1].startswith("threat accuracy")
    assert any(line.startswith("ar ") for line in out) and any(line.startswith("en ") for line in out)


def test_eval_bad_gold_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text("not json\n", encoding="utf-8")
    assert main([*GAZ, "eval", str(path)]) == 2
    assert f"{path}:1: expected a gold document" in capsys.readouterr().err


def test_module_entry_point_writes_utf8_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("وصحراء الأنبار", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "threatmap", *GAZ, "geoparse", str(path)], cwd=ROOT,
                          capture_output=True, check=True)
    row = json.loads(done.stdout.decode("utf-8"))
    assert row["surface"] == "صحراء الأنبار" and "صحراء" in done.stdout.decode("utf-8")
