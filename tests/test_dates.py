"""Dates from metadata first, else from the text (Arabic month names of both series, English)."""

from __future__ import annotations

import datetime as dt

import pytest

from threatmap.errors import DocumentError
from threatmap.store.dates import date_from_metadata, date_from_text, date_of

D = dt.date


@pytest.mark.parametrize(("text", "expected"), [
    ("أعلن الناطق اليوم، 4 آذار 2020، أن داعش", D(2020, 3, 4)),  # Levantine series
    ("في 4 مارس 2020 قال", D(2020, 3, 4)),  # Egyptian series
    ("بتاريخ ٤ مارس/آذار ٢٠٢٠", D(2020, 3, 4)),  # both series and Arabic-Indic digits
    ("في 3 تشرين الثاني 2019", D(2019, 11, 3)),  # two-word month
    ("في 15 كانون الأول عام 2017", D(2017, 12, 15)),
    ("في 1 أيلول 2016", D(2016, 9, 1)),
    ("SOUTHWEST ASIA, July 22, 2017 — U.S. forces", D(2017, 7, 22)),
    ("March 15, 2019", D(2019, 3, 15)),
    ("Feb. 26, 2020", D(2020, 2, 26)),
    ("on 15 March 2019", D(2019, 3, 15)),
    ("published 2019-03-15 by", D(2019, 3, 15)),
])
def test_full_dates_are_found_in_the_text(text: str, expected: dt.date) -> None:
    assert date_from_text(text) == expected


@pytest.mark.parametrize("text", [
    "Feb. 26 was a quiet day",  # no year: not a full date
    "الهجوم الذي شنه داعش في ١٩ شباط بالقرب من الحويجة",  # no year
    "In 2016, ISIS occupied Sinjar",  # year only
    "on 31 شباط 2020",  # impossible day
    "no date at all",
])
def test_partial_or_impossible_dates_are_not_dates(text: str) -> None:
    assert date_from_text(text) is None


def test_first_date_of_the_lead_wins() -> None:
    assert date_from_text("Washington, May 2, 2021. Recalling March 15, 2019 ...") == D(2021, 5, 2)


def test_dates_after_the_lead_are_history_and_ignored() -> None:
    assert date_from_text("x" * 2000 + " on June 10, 2014") is None


@pytest.mark.parametrize(("value", "expected"), [
    ("2020-03-04", D(2020, 3, 4)),
    ("2020-03-04T10:00:00+03:00", D(2020, 3, 4)),
    (D(2020, 3, 4), D(2020, 3, 4)),
    (dt.datetime(2020, 3, 4, 12, 0), D(2020, 3, 4)),
    ("4 آذار 2020", D(2020, 3, 4)),
    ("March 4, 2020", D(2020, 3, 4)),
    (None, None),
    ("", None),
])
def test_metadata_dates(value: object, expected: dt.date | None) -> None:
    assert date_from_metadata(value) == expected


@pytest.mark.parametrize("value", ["2020-02-30", "yesterday", "March 2020", 2020, "04/03/2020"])
def test_invalid_metadata_date_is_a_clear_error(value: object) -> None:
    with pytest.raises(DocumentError, match=r"doc\.md:3: invalid date .*expected a full date.*fix"):
        date_from_metadata(value, where="doc.md:3")


def test_metadata_wins_over_the_text_and_origin_is_recorded() -> None:
    assert date_of("2020-03-05", "اليوم، 4 آذار 2020") == (D(2020, 3, 5), "metadata")
    assert date_of(None, "اليوم، 4 آذار 2020") == (D(2020, 3, 4), "text")
    assert date_of(None, "no date") == (None, None)
