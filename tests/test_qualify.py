"""Spatial qualifiers in text: detection before and after a name (ar, en)."""

from __future__ import annotations

import pytest

from threatmap.geoparse.qualify import find_qualifier
from threatmap.lang.normalize import normalize


def qualifier(text: str, name: str) -> str | None:
    norm = normalize(text).text
    key = normalize(name).text
    start = norm.index(key)
    return find_qualifier(norm, start, start + len(key))


@pytest.mark.parametrize(("text", "name", "expected"), [
    ("ويمثل تهديداً في المناطق القريبة من جبال حمرين", "جبال", "near"),
    ("الهجوم بالقرب من الحويجة في محافظة كركوك", "الحويجة", "near"),
    ("وبالقرب من الموصل", "الموصل", "near"),
    ("قرب بيجي", "بيجي", "near"),
    ("في محيط سامراء", "سامراء", "near"),
    ("على أطراف الرمادي", "الرمادي", "near"),
    ("في ضواحي بغداد", "بغداد", "near"),
    ("في شمال ديالى مؤخراً", "ديالى", "north"),
    ("وجنوب كركوك", "كركوك", "south"),
    ("في النهروان جنوب شرق بغداد", "بغداد", "southeast"),
    ("محاصرون في شمال غرب سوريا", "سوريا", "northwest"),
    ("في شمال شرق سوريا", "سوريا", "northeast"),
    ("جنوبي الموصل", "الموصل", "south"),
    ("غربي الأنبار", "الأنبار", "west"),
    ("شمال مدينة الموصل", "الموصل", "north"),
    ("إلى الشمال من بغداد", "بغداد", "north"),
    ("في ريف حلب الشمالي", "حلب", "north"),
    ("في ريف دير الزور", "دير", "near"),
    ("-- Near Raqqa, five strikes", "Raqqa", "near"),
    ("operations around Fallujah", "Fallujah", "near"),
    ("on the outskirts of Mosul", "Mosul", "near"),
    ("operates in the vicinity of Sinjar", "Sinjar", "near"),
    ("close to Kirkuk", "Kirkuk", "near"),
    ("near the town of Sinuni", "Sinuni", "near"),
    ("north of Baghdad", "Baghdad", "north"),
    ("south-west of Kirkuk", "Kirkuk", "southwest"),
    ("southwest of Kirkuk", "Kirkuk", "southwest"),
    ("in northern Ninewah province", "Ninewah", "north"),
    ("an ISIS leader in eastern Syria", "Syria", "east"),
    ("partners in Iraq and northeast Syria", "Syria", "northeast"),
    ("in the north-eastern parts of Syria", "Syria", "northeast"),
    ("on Mosul's western outskirts", "Mosul", "west"),
    ("in Kirkuk’s outskirts", "Kirkuk", "near"),
    ("across the Raqqa countryside", "Raqqa", "near"),
    ("هجمات في الموصل وضواحيها", "الموصل", "near"),
    ("Mosul outskirts", "Mosul", "near"),
    ("in Baghdad", "Baghdad", None),
    ("in Mosul's western districts", "Mosul", None),
    ("وفي منطقة مخمور", "مخمور", None),
    ("كانت لدينا قواعد في غرب المنطقة في الرقة", "الرقة", None),
    ("the northern front, Mosul", "Mosul", None),
    ("Mosul", "Mosul", None),
])
def test_qualifier_detection(text: str, name: str, expected: str | None) -> None:
    assert qualifier(text, name) == expected
