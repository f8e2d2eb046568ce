"""The analyst's reviews: stored by text hash and offsets, applied to every read, kept through reindex/re-ingest."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from threatmap.cli import main
from threatmap.errors import ReviewError
from threatmap.export import to_csv, to_geojson, to_gpkg, to_kml
from threatmap.models import Document, Mention, Place, Where
from threatmap.store import Filters, Store
from threatmap.store.ingest import reindex
from threatmap.store.review_gold import reviewed_gold
from threatmap.store.reviews import ReviewLog, gazetteer_place, point_place

PLACES = {
    "mosul": Place("mosul", "city", {"en": "Mosul", "ar": "الموصل"}, {}, Point(43.13, 36.34), 1),
    "anbar": Place("anbar", "governorate", {"en": "Anbar"}, {}, box(39.0, 31.0, 44.0, 35.0), 4),
    "hit": Place("hit", "town", {"en": "Hit"}, {}, Point(42.82, 33.64), 1),
}
TEXT_A = "ISIS attacked Mosul yesterday.\nAnbar is calm now.\nA convoy was ambushed near Wadi Hauran."
TEXT_B = "داعش هاجم الموصل.\nالأنبار هادئة."


def fake_parse(doc: Document) -> tuple[Mention, ...]:
    """Mosul / Anbar by name; threat when the line says ISIS or داعش (the 'machine')."""
    out = []
    for pattern, pid in (("Mosul|الموصل", "mosul"), ("Anbar|الأنبار", "anbar")):
        place = PLACES[pid]
        for m in re.finditer(pattern, doc.text):
            ps = doc.text.rfind("\n", 0, m.start()) + 1
            pe = doc.text.find("\n", m.end())
            pe = len(doc.text) if pe < 0 else pe
            threat = bool(re.search("ISIS|داعش", doc.text[ps:pe]))
            g = place.geometry
            out.append(Mention(doc_id=doc.id, start=m.start(), end=m.end(), surface=m.group(), place_id=pid,
                               name=place.name, place_type=place.type,
                               where=Where(g.centroid.y, g.centroid.x, g.bounds, g.geom_type, place.precision),
                               threat=threat, passage_start=ps, passage_end=pe, cue="ISIS" if threat else None))
    return tuple(sorted(out, key=lambda x: x.start))


def make_doc(doc_id: str, text: str, **kw: object) -> Document:
    return Document(id=doc_id, text=text, lang=kw.get("lang", "en"), source=kw.get("source", "Wire"),  # type: ignore
                    title=f"T {doc_id}", path=kw.get("path", f"{doc_id}.md"))  # type: ignore[arg-type]


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "s.sqlite"
    with Store.open(path) as store:
        for d in (make_doc("a", TEXT_A), make_doc("b", TEXT_B, lang="ar")):
            store.add_document(d, fake_parse(d))
    return path


def span(text: str, surface: str) -> tuple[int, int]:
    start = text.index(surface)
    return start, start + len(surface)


def test_a_review_overrides_the_machine_and_keeps_its_values(store_path: Path) -> None:
    s, e = span(TEXT_A, "Anbar")
    with ReviewLog.open(store_path) as log:
        log.record(log.make("a", s, e, threat=True, reviewer="Layla", reason="cells reported"))
    with Store.open(store_path) as store:
        df = store.query()
        row = df[(df.doc_id == "a") & (df.start == s)].iloc[0]
        assert bool(row.threat) and bool(row.reviewed) and row.reviewer == "Layla"
        assert row.machine_threat is False and row.machine_place_id == "anbar"
        assert len(store.query(Filters(review="reviewed"))) == 1
        assert len(store.query(Filters(review="disagreements"))) == 1
        assert len(store.query(Filters(review="unreviewed"))) == len(df) - 1
        assert "anbar" in set(store.query(Filters(threat_only=True)).place_id)


def test_confirming_the_machine_is_reviewed_but_no_disagreement(store_path: Path) -> None:
    s, e = span(TEXT_A, "Mosul")
    with ReviewLog.open(store_path) as log:
        log.record(log.make("a", s, e, threat=True, reviewer="Sam"))
    with Store.open(store_path) as store:
        assert len(store.query(Filters(review="reviewed"))) == 1
        assert store.query(Filters(review="disagreements")).empty


def test_not_a_place_removes_the_mention_and_a_new_span_adds_one(store_path: Path) -> None:
    with ReviewLog.open(store_path) as log:
        log.record(log.make("a", *span(TEXT_A, "Mosul"), not_a_place=True, reviewer="R"))
        log.record(log.make("a", *span(TEXT_A, "Wadi Hauran"), threat=True,
                            place=point_place(33.0, 40.5, name="Wadi Hauran", precision=2), reviewer="R"))
        log.record(log.make("a", *span(TEXT_A, "Anbar"), place=gazetteer_place(PLACES, "hit")))
    with Store.open(store_path) as store:
        df = store.query(Filters(sources=("Wire",)))
        a = df[df.doc_id == "a"]
        assert "Mosul" not in set(a.surface)
        added = a[a.surface == "Wadi Hauran"].iloc[0]
        assert added.place_id == "point:33.00000,40.50000" and added.precision == 2 and bool(added.threat)
        assert added.machine_threat is None and added.passage == "A convoy was ambushed near Wadi Hauran."
        moved = a[a.surface == "Anbar"].iloc[0]
        assert moved.place_id == "hit" and moved.machine_place_id == "anbar" and moved.precision == 1


def test_reviews_survive_reindex_reingest_and_report_changed_text(store_path: Path) -> None:
    s, e = span(TEXT_A, "Anbar")
    with ReviewLog.open(store_path) as log:
        log.record(log.make("a", s, e, threat=True, reviewer="R"))
    with Store.open(store_path) as store:
        reindex(store, fake_parse)
        assert len(store.query(Filters(review="reviewed"))) == 1
        edited = make_doc("a", TEXT_A, source="Other wire")  # same text, new metadata: the review still applies
        store.add_document(edited, fake_parse(edited))
        assert store.query(Filters(review="reviewed")).iloc[0].reviewer == "R"
        changed = make_doc("a", "Something else entirely about Anbar.")
        store.add_document(changed, fake_parse(changed))
        assert store.query(Filters(review="reviewed")).empty
        (orphan,) = store.orphan_reviews()
        assert orphan.review.surface == "Anbar" and "text" in orphan.why
    with ReviewLog.open(store_path) as log:
        assert len(log.reviews()) == 1  # never dropped


def test_last_write_wins_and_history_keeps_both_and_undo(store_path: Path) -> None:
    s, e = span(TEXT_B, "الموصل")
    with ReviewLog.open(store_path) as one, ReviewLog.open(store_path) as two:
        one.record(one.make("b", s, e, threat=False, reviewer="one"))
        two.record(two.make("b", s, e, place=gazetteer_place(PLACES, "hit"), reviewer="two"))
        (current,) = one.reviews()
        assert current.reviewer == "two" and current.threat is False and current.place.place_id == "hit"
        assert [r.reviewer for _, r in one.history()] == ["one", "two"]
        one.undo("b", s, e, reviewer="one")
        assert one.reviews() == [] and [a for a, _ in one.history()] == ["review", "review", "undo"]
        with pytest.raises(ReviewError, match="expected a reviewed mention"):
            one.undo("b", s, e)


@pytest.mark.parametrize(("doc", "start", "end", "message"), [
    ("nope", 0, 3, "expected the id of a stored document"),
    ("a", 5, 2, "expected offsets"),
    ("a", 0, 10_000, "expected offsets"),
    ("a", 4, 14, "starts and ends on a letter"),
])
def test_offsets_are_checked_against_the_text(store_path: Path, doc: str, start: int, end: int, message: str) -> None:
    with ReviewLog.open(store_path) as log, pytest.raises(ReviewError, match=message):
        log.make(doc, start, end, threat=True)


def test_exports_carry_the_review_and_hostile_text_stays_inert(store_path: Path, tmp_path: Path) -> None:
    hostile = "<script>window.pwned=1</script>\u202e\u2066 =cmd"
    with ReviewLog.open(store_path) as log:
        log.record(log.make("a", *span(TEXT_A, "Anbar"), threat=True, reviewer=hostile, reason=hostile))
    with Store.open(store_path) as store:
        df = store.query()
    features = to_geojson(df, PLACES, per_mention=True)["features"]
    props = next(f["properties"] for f in features if f["properties"]["surface"] == "Anbar")
    assert props["reviewed"] is True and props["reviewer"] == hostile.strip()
    assert props["machine_threat"] is False and props["machine_place_id"] == "anbar" and props["threat"] is True
    assert {"doc_id", "start", "end", "surface"} <= set(props)
    csv = to_csv(df).decode("utf-8-sig")
    assert "reviewed,reviewer,reviewed_at,review_reason,machine_threat,machine_place_id" in csv
    gpkg = tmp_path / "x.gpkg"
    gpkg.write_bytes(to_gpkg(df, PLACES))
    layer = gpd.read_file(gpkg, layer="mentions", engine="pyogrio")
    row = layer[layer.surface == "Anbar"].iloc[0]
    assert bool(row.reviewed) and row.reviewer == hostile.strip() and row.machine_place_id == "anbar"
    assert int(row.machine_threat) == 0 and bool(row.threat)
    root = ET.fromstring(to_kml(df, PLACES))
    descriptions = [d.text or "" for d in root.iter("{http://www.opengis.net/kml/2.2}description")]
    assert all("<script" not in d for d in descriptions)  # after XML parsing, still HTML-escaped
    assert any("reviewed by &lt;script&gt;" in d for d in descriptions)


def test_gold_export_uses_null_for_unjudged_threat_and_ignore_for_not_a_place(store_path: Path) -> None:
    with ReviewLog.open(store_path) as log:
        log.record(log.make("a", *span(TEXT_A, "Anbar"), threat=True, reviewer="R", reason="cells"))
        log.record(log.make("a", *span(TEXT_A, "Mosul"), not_a_place=True))
        with Store.open(store_path) as store:
            (gold,) = reviewed_gold(store, log)
    assert gold["id"] == "a" and gold["text"] == TEXT_A
    by_surface = {m["surface"]: m for m in gold["mentions"]}
    assert by_surface["Anbar"]["threat"] is True and by_surface["Anbar"]["note"] == "cells"
    assert by_surface["Mosul"]["ignore"] is True and by_surface["Mosul"]["threat"] is None
    for m in gold["mentions"]:
        assert TEXT_A[m["start"]:m["end"]] == m["surface"]


def test_cli_add_list_undo_export(store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s, e = span(TEXT_A, "Anbar")
    base = ["reviews"]
    assert main([*base, "add", "--store", str(store_path), "--doc", "a", "--start", str(s), "--end", str(e),
                 "--threat", "true", "--reviewer", "cli", "--reason", "r"]) == 0
    assert main([*base, "add", "--store", str(store_path), "--doc", "a", "--start", "0", "--end", "4",
                 "--point", "35.0", "44.0", "--precision", "2"]) == 0
    assert main([*base, "list", "--store", str(store_path)]) == 0
    out = capsys.readouterr().out
    assert "a 31-36 'Anbar', threat=true" in out and "place=point:35.00000,44.00000" in out
    out_file = tmp_path / "gold.jsonl"
    assert main([*base, "export", "--store", str(store_path), "--out", str(out_file)]) == 0
    (doc,) = [json.loads(line) for line in out_file.read_text(encoding="utf-8").splitlines()]
    assert sum(m["reviewed"] for m in doc["mentions"]) == 2
    assert main([*base, "undo", "--store", str(store_path), "--doc", "a", "--start", str(s), "--end", str(e)]) == 0
    assert main([*base, "undo", "--store", str(store_path), "--doc", "a", "--start", str(s), "--end", str(e)]) == 2
    assert "expected a reviewed mention" in capsys.readouterr().err
    assert main(["export", "--store", str(store_path), "--format", "csv", "--out", "-", "--review", "reviewed"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 2  # header + the point review left


_WRITER = textwrap.dedent("""
    import sys
    from threatmap.store.reviews import ReviewLog
    log = ReviewLog.open(sys.argv[1])
    i = 0
    print("ready", flush=True)
    while True:
        log.record(log.make("a", 31, 36, threat=bool(i % 2), reviewer=f"w{i}", reason="x" * 400))
        i += 1
""")


def test_sigkill_during_review_writes_leaves_the_store_consistent(store_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", _WRITER, str(store_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(0.8)
    finally:
        proc.kill()  # SIGKILL: no cleanup runs
        proc.wait()
    conn = sqlite3.connect(store_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    with ReviewLog.open(store_path) as log:
        history = log.history()
        (current,) = log.reviews()
        assert history and current == history[-1][1]  # the review and its history row were written together
    with Store.open(store_path) as store:
        assert store.query(Filters(review="reviewed")).iloc[0].reviewer == current.reviewer


def test_exported_gold_with_null_threat_and_ignore_spans_reads_back_in_eval(
        store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with ReviewLog.open(store_path) as log:
        log.record(log.make("a", *span(TEXT_A, "Anbar"), threat=True, reviewer="R"))
        log.record(log.make("a", *span(TEXT_A, "Mosul"), not_a_place=True))
        log.record(log.make("b", *span(TEXT_B, "الموصل"), threat=False))
    gold = tmp_path / "gold.jsonl"
    assert main(["reviews", "export", "--store", str(store_path), "--out", str(gold)]) == 0
    from threatmap.evaluate import read_gold

    a, b = read_gold(gold)
    assert [m.surface for m in a.mentions] == ["Anbar"]  # the ignore span is not scored
    assert a.ignore == (span(TEXT_A, "Mosul"),) and a.mentions[0].threat is True
    assert [(m.surface, m.threat) for m in b.mentions] == [("الموصل", False), ("الأنبار", None)]  # not judged: null
    capsys.readouterr()
    assert main(["eval", str(gold)]) == 0
    cells = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("all ")).split()
    assert cells[1] == "3" and int(cells[cells.index("|") + 1]) <= 2  # the null threat is never scored
