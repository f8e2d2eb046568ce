"""Batch partitions (no cluster needed): JSONL chunks are whole lines, numbered as in the file; the worker plugin
refuses a gazetteer that differs from the client's."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from threatmap.batch.cluster import ClusterError, GeoparserPlugin, gazetteer_digest
from threatmap.batch.partitions import Partition, partitions, read_partition
from threatmap.geoparse.parser import Geoparser
from threatmap.store.documents import read_path

PLACES = Path(__file__).parent / "data" / "geoparse_places.yaml"
GEODATA = Path(__file__).parent / "data" / "geoparse_geodata"


def _jsonl(path: Path, n: int, *, bad: tuple[int, ...] = ()) -> Path:
    lines = ["{not json" if i in bad else json.dumps({"id": f"d{i}", "text": f"Mosul report number {i} " * (i % 7 + 1)})
             for i in range(1, n + 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_large_jsonl_is_cut_into_whole_lines_numbered_as_in_the_file(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "big.jsonl", 200, bad=(57, 158))
    parts = partitions([path], chunk_bytes=1000)
    assert len(parts) > 5 and all(p.chunk for p in parts)
    data = path.read_bytes()
    assert parts[0].start == 0 and parts[-1].end == len(data)
    for before, after in itertools.pairwise(parts):
        assert before.end == after.start and data[before.end - 1:before.end] == b"\n"
        assert after.first_line == data[:after.start].count(b"\n") + 1
    chunks = [read_partition(p) for p in parts]
    whole = read_path(path)
    assert tuple(d for c in chunks for d in c.documents) == whole.documents
    assert tuple(x for c in chunks for x in c.problems) == whole.problems
    assert [where for where, _ in whole.problems] == [f"{path}:57", f"{path}:158"]


def test_small_files_and_other_types_are_one_partition(tmp_path: Path) -> None:
    small = _jsonl(tmp_path / "small.jsonl", 3)
    text = tmp_path / "a.md"
    text.write_text("Mosul", encoding="utf-8")
    utf16 = tmp_path / "wide.jsonl"
    utf16.write_text("\n".join(json.dumps({"id": str(i), "text": "x" * 50}) for i in range(100)), encoding="utf-16")
    missing = tmp_path / "missing.jsonl"
    assert partitions([small, text, utf16, missing], chunk_bytes=500) == [
        Partition(str(small)), Partition(str(text)), Partition(str(utf16)), Partition(str(missing))]


def test_a_chunk_of_blank_lines_is_nothing_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "gaps.jsonl"
    lines = [json.dumps({"id": "a", "text": "Mosul"}), *[""] * 3000, json.dumps({"id": "b", "text": "x"})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    loaded = [read_partition(p) for p in partitions([path], chunk_bytes=500)]
    assert [d.id for c in loaded for d in c.documents] == ["a", "b"]
    assert not any(c.problems for c in loaded)


def test_the_worker_plugin_refuses_another_gazetteer(tmp_path: Path) -> None:
    plugin = GeoparserPlugin(str(PLACES.resolve()), str(GEODATA.resolve()), "0" * 64)
    with pytest.raises(ClusterError, match="differs from the client's"):
        plugin.setup(SimpleNamespace(address="tcp://127.0.0.1:1"))
    assert plugin.geoparser is None
    good = GeoparserPlugin(str(PLACES.resolve()), str(GEODATA.resolve()), gazetteer_digest(PLACES, GEODATA))
    good.setup(SimpleNamespace(address="tcp://127.0.0.1:1"))
    assert isinstance(good.geoparser, Geoparser)  # kept whole: tasks geoparse through its pipe


def test_the_gazetteer_digest_covers_geodata(tmp_path: Path) -> None:
    geodata = tmp_path / "geodata"
    geodata.mkdir()
    (geodata / "outlines.geojson").write_bytes((GEODATA / "outlines.geojson").read_bytes())
    before = gazetteer_digest(PLACES, geodata)
    assert before == gazetteer_digest(PLACES, GEODATA)
    (geodata / "extra.geojson").write_text("{}")
    assert gazetteer_digest(PLACES, geodata) != before


def test_a_parquet_collection_is_read_row_group_by_row_group(tmp_path: Path) -> None:
    import datetime as dt

    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [{"id": f"p{i}", "text": f"Mosul report {i}", "lang": "en", "date": dt.date(2020, 1, 1 + i % 28)}
            for i in range(25)]
    rows[13]["text"] = None  # a bad row: rejected as file:14, the others kept
    path = tmp_path / "docs.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=10)
    parts = partitions([path])
    assert [(p.start, p.first_line) for p in parts] == [(0, 1), (1, 11), (2, 21)]
    loaded = [read_partition(p) for p in parts]
    docs = [d for c in loaded for d in c.documents]
    assert [d.id for d in docs] == [f"p{i}" for i in range(25) if i != 13]
    assert docs[0].date == dt.date(2020, 1, 1) and docs[0].lang == "en" and docs[0].path == str(path.resolve())
    assert [where for c in loaded for where, _ in c.problems] == [f"{path}:14"]
