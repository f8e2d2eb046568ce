"""The records between stages, and the one schema of Mention that the JSON, the store and the exports share."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import fields
from pathlib import Path

from threatmap.models import BBOX_COLUMNS, Mention, Where, mention_columns
from threatmap.store import Store
from threatmap.store.schema import COLUMNS, MENTION_COLUMNS, REVIEW_COLUMNS

MENTION = Mention(doc_id="d", start=3, end=8, surface="Mosul", place_id="mosul", name="Mosul", place_type="city",
                  where=Where(36.34, 43.13, (43.1, 36.3, 43.2, 36.4), "Point", 1), threat=True, threat_p=0.912,
                  cue="ISIS", passage_start=0, passage_end=20)


def test_to_dict_is_the_json_contract_with_flat_keys() -> None:
    # The README's contract: these keys in this order, bbox a list, byte for byte.
    assert json.dumps(MENTION.to_dict(), ensure_ascii=False) == (
        '{"doc_id": "d", "start": 3, "end": 8, "surface": "Mosul", "place_id": "mosul", "name": "Mosul", '
        '"place_type": "city", "lat": 36.34, "lon": 43.13, "bbox": [43.1, 36.3, 43.2, 36.4], '
        '"geometry_type": "Point", "precision": 1, "threat": true, "threat_p": 0.912, "cue": "ISIS", '
        '"qualifier": null, "passage_start": 0, "passage_end": 20, "speaker": null, "resolved_by": "gazetteer"}')


def test_the_geometry_record_reads_through() -> None:
    assert (MENTION.lat, MENTION.lon, MENTION.bbox) == (36.34, 43.13, (43.1, 36.3, 43.2, 36.4))
    assert (MENTION.geometry_type, MENTION.precision) == ("Point", 1)


def test_columns_follow_the_fields() -> None:
    names = [c.name for c in mention_columns()]
    flat = [k for f in fields(Mention) for k in ([g.name for g in fields(Where)] if f.name == "where" else [f.name])]
    assert names == [k for n in flat for k in (BBOX_COLUMNS if n == "bbox" else (n,))]
    assert len(MENTION.row()) == len(names)
    assert [c.name for c in MENTION_COLUMNS] == names
    assert set(COLUMNS) == {*names, "title", "source", "url", "date", "lang", "passage", *REVIEW_COLUMNS}


def test_the_table_is_made_of_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    Store.open(path).close()
    with sqlite3.connect(path) as conn:
        table = [row[1] for row in conn.execute("PRAGMA table_info(mentions)")]
    assert table == [c.name for c in mention_columns()] + ["doc_date", "doc_source", "doc_lang"]  # the passage is
    # cut from the document text; the document's date, source and language are copied for one-table filters
