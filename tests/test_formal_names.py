"""scripts/_formal_names.py: Arabic formal names of states (المملكة البلجيكية = Belgium)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from _formal_names import formal_names, nisba

from threatmap.lang.normalize import normalize_key


@pytest.mark.parametrize(("name", "adjective"), [
    ("بلجيكا", "البلجيكية"), ("ألمانيا", "الألمانية"), ("فرنسا", "الفرنسية"), ("المغرب", "المغربية"),
    ("العراق", "العراقية"), ("السعودية", "السعودية"), ("جيبوتي", "الجيبوتية"), ("مصر", "المصرية"),
    ("الولايات المتحدة", None), ("", None),
])
def test_nisba_of_a_one_word_country_name(name: str, adjective: str | None) -> None:
    assert nisba(name) == adjective


def test_formal_names_skip_taken_names_and_names_two_countries_make() -> None:
    entries = [
        {"id": "belgium", "type": "country", "names": {"en": "Belgium", "ar": "بلجيكا"}},
        {"id": "jordan", "type": "country", "names": {"en": "Jordan", "ar": "الأردن"}},
        {"id": "x1", "type": "country", "names": {"ar": "سورية"}},  # both make السورية
        {"id": "x2", "type": "country", "names": {"ar": "سوريا"}},
        {"id": "brussels", "type": "city", "names": {"ar": "بروكسل"}},
    ]
    taken = {normalize_key("المملكة الأردنية")}
    assert formal_names(entries, key=normalize_key, taken=taken) == {
        "belgium": {"ar": ["المملكة البلجيكية", "الجمهورية البلجيكية"]},
        "jordan": {"ar": ["الجمهورية الأردنية"]},
    }
