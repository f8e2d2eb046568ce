"""A batch of hostile files through the real ``python -m threatmap ingest`` process: each bad file or line is a
rejection naming file:line, the good ones are stored, the exit code says which (0 / 1 / 2 / 3)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from conftest import alias_bomb

ROOT = Path(__file__).resolve().parent.parent
GAZ = Path(__file__).parent / "data" / "gazetteer"
ARGS = ["--places", str(GAZ / "valid.yaml"), "--geodata", str(GAZ / "geodata")]


def _ingest(tmp_path: Path, *paths: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "threatmap", *ARGS, "ingest", "--store", str(tmp_path / "s.sqlite"),
                           *paths], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_a_hostile_batch_is_rejected_file_by_file_and_the_rest_is_stored(tmp_path: Path) -> None:
    files = {
        "deep.md": "---\ntitle: " + "[" * 100_000 + "]" * 100_000 + "\n---\nTestville.\n",
        "deep-small.md": "---\ntitle: " + "[" * 3_000 + "]" * 3_000 + "\n---\nTestville.\n",
        "bomb.md": "---\n" + alias_bomb() + "---\nTestville.\n",
        "bigid.md": "---\nid: " + "9" * 5000 + "\n---\nTestville.\n",
        "good.md": "---\ntitle: Good\n---\nISIS attacked Testville.\n",
        "name\udcff.md": "A file name that is not UTF-8 (byte 0xff): Testville.\n",
    }
    lines = [json.dumps({"id": "j1", "text": "Testville\u2028is quiet."}, ensure_ascii=False),
             "[" * 100_000 + "]" * 100_000,
             '{"id": ' + "7" * 5000 + ', "text": "Testville"}',
             '{"id": "j4", "text": "Testville \\ud800"}',
             json.dumps({"id": "j1", "text": "Testville again"}),
             json.dumps({"id": "j6", "text": "Testville"})]
    files["docs.jsonl"] = "\n".join(lines) + "\n"
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    done = _ingest(tmp_path, *(str(tmp_path / n) for n in files), "/dev/zero")
    assert done.returncode == 1, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    out = done.stdout
    for expected in ("deep.md:2: front matter refused: 200,008 bytes of YAML is over the limit",
                     "deep-small.md:2: front matter refused: nesting deeper than 8 levels",
                     "bomb.md:2: front matter refused: anchors and aliases",
                     "bigid.md: 'id' is 5,000 characters long",
                     "docs.jsonl:2: JSON nested 100,000 levels deep",
                     "docs.jsonl:3: JSON not accepted: a number with 5,000 digits",
                     "docs.jsonl:5: document id 'j1' appears twice in this file (first at ",
                     "/dev/zero: is not a regular file",
                     "note: " + str(tmp_path / "docs.jsonl") + ":4: 1 lone surrogate"):
        assert expected in out, (expected, out[-3000:])
    assert "documents added: 5, unchanged: 0, rejected: 8" in out
    with sqlite3.connect(tmp_path / "s.sqlite") as db:
        ids = sorted(row[0] for row in db.execute("SELECT id FROM documents"))
    assert ids == ["good", "j1", "j4", "j6", "name\ufffd"]


def test_exit_codes_0_all_stored_and_2_usage(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text("ISIS attacked Testville.\n", encoding="utf-8")
    assert _ingest(tmp_path, str(tmp_path / "good.md")).returncode == 0
    assert _ingest(tmp_path).returncode == 2  # no path: a usage error
    help_text = subprocess.run([sys.executable, "-m", "threatmap", "--help"], cwd=ROOT, capture_output=True,
                               text=True, timeout=60).stdout
    assert "exit codes:" in help_text and "3  internal error" in help_text


def test_an_id_already_stored_from_another_file_is_rejected_with_its_line(tmp_path: Path) -> None:
    from threatmap.store import Store
    from threatmap.store.ingest import ingest_paths

    (tmp_path / "a.jsonl").write_text('{"id": "x", "text": "one"}\n', encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('{"id": "y", "text": "two"}\n{"id": "x", "text": "other"}\n', encoding="utf-8")
    with Store.open(tmp_path / "s.sqlite") as store:
        summary = ingest_paths([tmp_path / "a.jsonl", tmp_path / "b.jsonl"], store, lambda doc: ())
    assert summary.added == 2
    (where, reason), = summary.rejected
    assert where == f"{tmp_path / 'b.jsonl'}:2" and "document id 'x' is already stored" in reason
    assert f"rejected: {tmp_path / 'b.jsonl'}:2: document id 'x'" in str(summary)
