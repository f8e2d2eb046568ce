"""Document dates from metadata or from the text (Arabic month names of both series, English)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from threatmap.errors import DocumentError
from threatmap.lang.normalize import normalize, normalize_key

METADATA = "metadata"
TEXT = "text"

LEAD_CHARS = 1500
"""Only the lead of a text (datelines, first paragraphs) is searched: later dates are usually history."""

_MONTHS: dict[str, int] = {}
for _month, _names in {
    # Levantine / Iraqi series, then the Egyptian (Western) series, then English names and abbreviations.
    1: ["كانون الثاني", "يناير", "january", "jan"],
    2: ["شباط", "فبراير", "february", "feb"],
    3: ["آذار", "اذار", "مارس", "march", "mar"],
    4: ["نيسان", "أبريل", "إبريل", "ابريل", "april", "apr"],
    5: ["أيار", "ايار", "مايو", "may"],
    6: ["حزيران", "يونيو", "يونيه", "june", "jun"],
    7: ["تموز", "يوليو", "يوليه", "july", "jul"],
    8: ["آب", "اب", "أغسطس", "اغسطس", "august", "aug"],
    9: ["أيلول", "ايلول", "سبتمبر", "september", "sep", "sept"],
    10: ["تشرين الأول", "أكتوبر", "اكتوبر", "october", "oct"],
    11: ["تشرين الثاني", "نوفمبر", "november", "nov"],
    12: ["كانون الأول", "ديسمبر", "december", "dec"],
}.items():
    for _name in _names:
        _MONTHS[normalize_key(_name)] = _month

# Longest names first so that "تشرين الثاني" wins over a shorter prefix and "sept" over "sep".
_MONTH_RE = "|".join(re.escape(n) for n in sorted(_MONTHS, key=len, reverse=True))
_B = r"(?<![\w])"  # word start (Arabic letters are word characters in Python's re)
_E = r"(?![\w])"  # word end
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_MONTH = rf"(?P<month>{_MONTH_RE})\.?(?:\s*/\s*(?:{_MONTH_RE}))?"  # "مارس/آذار"
_YEAR_WORD = r"(?:(?:عام|سنة|لعام|لسنة)\s+)?"
_ISO = re.compile(rf"{_B}{_YEAR}-(?P<mnum>[01]\d)-(?P<dnum>[0-3]\d){_E}")  # on the raw text: normalize eats '-'
_PATTERNS = (
    re.compile(rf"{_B}{_DAY}\s+(?:من\s+)?(?:شهر\s+)?{_MONTH}{_E},?\s+{_YEAR_WORD}{_YEAR}{_E}"),  # 4 آذار 2020
    re.compile(rf"{_B}{_MONTH}{_E}\s+{_DAY},?\s+{_YEAR}{_E}"),  # March 15, 2019 / Feb. 26, 2020
)


def date_from_metadata(value: Any, *, where: str = "front matter") -> dt.date | None:
    """Read a date given in metadata (front matter, JSONL field, HTML metadata).

    Parameters
    ----------
    value
        A ``datetime.date``/``datetime``, a string (``YYYY-MM-DD``, ``4 آذار 2020``, ``March 15, 2019`` …),
        or None / empty for "no date".
    where
        Where the value comes from, for the message (``file:line``).

    Returns
    -------
    datetime.date or None
        None when there is no value.

    Raises
    ------
    DocumentError
        When a value is given but is not a full, valid date.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return dt.date.fromisoformat(text[:10]) if re.fullmatch(r"\d{4}-\d\d-\d\d([T ].*)?", text) else \
                _only_date(text)
        except ValueError:
            pass
    raise DocumentError(
        f"{where}: invalid date {value!r}: expected a full date such as '2020-03-04' (YYYY-MM-DD), "
        f"'4 آذار 2020' or 'March 4, 2020'; fix: correct the date or leave it empty (null) when unknown")


def _only_date(text: str) -> dt.date:
    """The date when ``text`` is nothing but one full date; ValueError otherwise."""
    norm = normalize(text).text.strip()
    for pattern in _PATTERNS:
        m = pattern.fullmatch(norm)
        if m:
            found = _to_date(m)
            if found:
                return found
    raise ValueError(text)


def date_from_text(text: str, *, lead_chars: int = LEAD_CHARS) -> dt.date | None:
    """The first full date (day, month and year) in the lead of ``text``, or None.

    A day and month without a year ("١٩ شباط", "Feb. 26") is not a full date and is ignored.
    Arabic-Indic digits, letter variants (أ/ا) and diacritics are normalised first.
    """
    lead = text[:lead_chars]
    norm = normalize(lead).text
    best: tuple[int, dt.date] | None = None
    for pattern, haystack in ((_ISO, lead), *((p, norm) for p in _PATTERNS)):
        for m in pattern.finditer(haystack):
            found = _to_date(m)
            if found is not None:
                if best is None or m.start() < best[0]:
                    best = (m.start(), found)
                break
    return best[1] if best else None


def date_of(metadata_value: Any, text: str, *, where: str = "front matter"
            ) -> tuple[dt.date | None, str | None]:
    """The document date and where it came from: ``(date, "metadata")``, ``(date, "text")`` or ``(None, None)``.

    Metadata wins; the text is searched only when the metadata has no date. An invalid metadata date raises
    :class:`DocumentError` (it is never silently replaced by a date from the text).
    """
    found = date_from_metadata(metadata_value, where=where)
    if found is not None:
        return found, METADATA
    found = date_from_text(text)
    if found is not None:
        return found, TEXT
    return None, None


def _to_date(m: re.Match[str]) -> dt.date | None:
    groups = m.groupdict()
    try:
        if groups.get("mnum"):
            return dt.date(int(groups["year"]), int(groups["mnum"]), int(groups["dnum"]))
        month = _MONTHS[normalize_key(groups["month"])]
        return dt.date(int(groups["year"]), month, int(groups["day"]))
    except (ValueError, KeyError):
        return None  # 31 February and the like: not a date
