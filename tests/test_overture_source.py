"""scripts/_overture_source.py: Overture division rows become gazetteer entries located by what is known."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from shapely.geometry import Point, box

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from _overture_source import base_name, overture_entries, script_lang

from threatmap.lang.normalize import normalize_key


@pytest.mark.parametrize(("raw", "name"), [
    ("ناحية الهول", "الهول"), ("قضاء تكريت", "تكريت"), ("قەزای خانەقین", "خانەقین"), ("ناحیەی ژاراوە", "ژاراوە"),
    ("Al-Hol Subdistrict", "Al-Hol"), ("Tuz District", "Tuz"), ("Shexany, Village", "Shexany"),
    ("Sinuni (Shamal) Subdistrict", "Sinuni"), (None, None), ("قضاء", "قضاء"),
])
def test_base_name_drops_the_administrative_word(raw: str | None, name: str | None) -> None:
    assert base_name(raw) == name


def test_script_lang() -> None:
    assert [script_lang(n) for n in ("الهول", "خانەقین", "Xhudan")] == ["ar", "ckb", "en"]


def _row(oid: str, sub: str, primary: str, en: str | None, parent: str | None, region: str = "IQ-NI") -> dict:
    return {"id": oid, "country": region[:2], "region": region, "subtype": sub, "name_primary": primary,
            "parent_id": parent, "name_en": en}


def test_entries_are_located_at_the_seat_or_the_governorate_and_shared_names_are_left_out() -> None:
    rows = [_row("c1", "county", "قضاء تلكيف", "Tel Kaif District", None),
            _row("s1", "localadmin", "ناحية بعشيقة", "Bashiqa Subdistrict", "c1"),
            _row("v1", "locality", "قرية كوكجلي", "Kokjali", "s1"),
            _row("v2", "locality", "الخضراء", None, "s1"),
            _row("v3", "locality", "الخضراء", None, None, region="IQ-AN"),
            _row("v4", "locality", "السلام", None, "s1"),
            _row("x1", "localadmin", "ناحية مركز قضاء تلكيف", "Tel Kaif Central Subdistrict", "c1")]
    seat = Point(43.12, 36.49)
    known = {normalize_key("تلكيف"): [("town", seat)], normalize_key("Tel Kaif"): [("town", seat)]}
    govs = {"IQ-NI": box(41, 35, 44, 37.5), "IQ-AN": box(38, 31, 44, 35)}
    gov_ids = {"IQ-NI": "nineveh", "IQ-AN": "anbar"}
    made, counts = overture_entries(rows, key=normalize_key, known=known, gov_ids=gov_ids, gov_shapes=govs,
                                    is_common=lambda name, lang: name == "السلام")
    by_id = {e["oid"]: e for e in made}
    assert set(by_id) == {"s1", "v1"}
    assert by_id["s1"]["names"] == {"ar": "بعشيقة", "en": "Bashiqa"} and by_id["s1"]["type"] == "subdistrict"
    assert by_id["v1"]["names"] == {"ar": "كوكجلي"}  # a village's English transliteration is not taken
    assert by_id["v1"]["point"] == seat and by_id["v1"]["precision"] == 3 and by_id["v1"]["parent"] == "nineveh"
    assert counts["ordinary word (wordfreq, klpt lexicons, curation stop list)"] == 1
    assert counts["central sub-district (the district seat)"] == 1
    assert counts["name shared by divisions in different places (left out)"] == 1
    assert counts["name already in the gazetteer"] == 2  # تلكيف and Tel Kaif


def test_an_entry_without_a_known_seat_is_its_governorate() -> None:
    rows = [_row("v1", "locality", "قرية كوكجلي", None, None)]
    made, _ = overture_entries(rows, key=normalize_key, known={}, gov_ids={"IQ-NI": "nineveh"},
                               gov_shapes={"IQ-NI": box(41, 35, 44, 37.5)}, is_common=lambda n, lang: False)
    assert made[0]["point"] is None and made[0]["precision"] == 4


def test_a_division_named_by_an_ordinary_word_keeps_the_name_with_its_type_word() -> None:
    rows = [_row("c1", "county", "قضاء النصر", "Al-Nasr District", None),  # النصر "the victory"
            _row("s1", "localadmin", "ناحية الوحدة", "Al-Wahda Subdistrict", None),
            _row("v1", "locality", "قرية السلام", None, None)]  # a village: no type-word form is taken
    common = {"النصر", "الوحدة", "السلام"}
    made, counts = overture_entries(rows, key=normalize_key, known={}, gov_ids={"IQ-NI": "nineveh"},
                                    gov_shapes={"IQ-NI": box(41, 35, 44, 37.5)},
                                    is_common=lambda name, lang: name in common)
    by_id = {e["oid"]: e for e in made}
    assert by_id["c1"]["names"] == {"ar": "قضاء النصر"}  # its transliteration (Al-Nasr) is as ordinary: left out
    assert by_id["s1"]["names"] == {"ar": "ناحية الوحدة"} and "v1" not in by_id
    assert counts["ordinary word kept with its type word (قضاء بلد)"] == 2
