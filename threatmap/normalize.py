"""Normalisation of Arabic, Kurdish and Latin text for matching, keeping a map back to the original offsets.

Every kept character is mapped one-to-one (``str.translate`` with single-character values); the only
changes of length are deletions (diacritics, tatweel, format and bidi controls, apostrophes, runs of
white space), so a normalised offset maps back to the original text by a bisect over the kept segments.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

# Arabic letter variants and Kurdish/Persian letters, mapped (never deleted) to one Arabic base letter.
_ARABIC_MAP = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ى": "ي", "ئ": "ي", "ی": "ي", "ێ": "ي", "ې": "ي", "ۍ": "ي",
    "ة": "ه", "ە": "ه", "ۀ": "ه", "ہ": "ه", "ھ": "ه",
    "ؤ": "و", "ۆ": "و", "ۇ": "و", "ۉ": "و", "ۊ": "و", "ۋ": "و", "ٶ": "و",
    "ک": "ك", "ڪ": "ك", "گ": "ك", "ڭ": "ك",
    "چ": "ج", "ڕ": "ر", "ڵ": "ل", "ڤ": "ف", "پ": "ب", "ژ": "ز", "ڒ": "ر",
    "٠": "0", "١": "1", "٢": "2", "٣": "3", "٤": "4", "٥": "5", "٦": "6", "٧": "7", "٨": "8", "٩": "9",
    "۰": "0", "۱": "1", "۲": "2", "۳": "3", "۴": "4", "۵": "5", "۶": "6", "۷": "7", "۸": "8", "۹": "9",
}
_LATIN_MAP = {"ı": "i", "İ": "i", "ß": "ß", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ł": "l", "Ł": "l",
              "æ": "æ", "ʻ": "'", "‐": " ", "‑": " ", "‒": " ", "–": " ", "—": " ", "-": " ", "_": " "}

_DELETED = (
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed"  # Arabic marks and diacritics
    "\u0640"  # tatweel
    "\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u061c"  # soft hyphen, zero-width, bidi controls
    "'’‘ʼʾʿ`´"  # apostrophes and hamza-like letters in transliterations (Ta'mim, Sala'addin)
)
_DELETE_RE = re.compile(f"[{_DELETED}]+|(?<=\\s)\\s+")


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0x20, 0x2FF):  # Latin-1 and Latin Extended A/B, IPA
        ch = chr(cp)
        base = unicodedata.normalize("NFKD", ch)[:1] or ch
        low = base.lower()
        if len(low) == 1 and low != ch:
            table[cp] = low
    for cp in range(0x1E00, 0x1F00):  # Latin Extended Additional (ḥ ṣ ṭ ẓ …)
        base = unicodedata.normalize("NFKD", chr(cp))[:1].lower()
        if len(base) == 1:
            table[cp] = base
    for src, dst in {**_ARABIC_MAP, **_LATIN_MAP}.items():
        table[ord(src)] = dst
    for ws in "\t\n\r\x0b\x0c\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
              "\u2028\u2029\u202f\u205f\u3000":
        table[ord(ws)] = " "
    return table


_TABLE = _build_table()


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised text with the map back to its original."""

    text: str
    original: str
    _norm_starts: tuple[int, ...] = ()
    _orig_starts: tuple[int, ...] = ()

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalised span ``[start, end)`` to the span of the original text it came from."""
        if not self._norm_starts:
            return start, end
        o_start = self._orig(start)
        o_end = self._orig(end - 1) + 1 if end > start else o_start
        return o_start, o_end

    def _orig(self, i: int) -> int:
        k = bisect.bisect_right(self._norm_starts, i) - 1
        return self._orig_starts[k] + (i - self._norm_starts[k])


def normalize(text: str) -> Normalized:
    """Normalise ``text`` for matching and keep the offset map; see the module docstring for the rules."""
    gaps = [m.span() for m in _DELETE_RE.finditer(text)]
    if not gaps:
        return Normalized(text.translate(_TABLE), text)
    parts: list[str] = []
    norm_starts: list[int] = []
    orig_starts: list[int] = []
    pos = 0
    n = 0
    for g_start, g_end in gaps:
        if g_start > pos:
            norm_starts.append(n)
            orig_starts.append(pos)
            parts.append(text[pos:g_start])
            n += g_start - pos
        pos = g_end
    if pos < len(text):
        norm_starts.append(n)
        orig_starts.append(pos)
        parts.append(text[pos:])
    if not norm_starts:
        norm_starts, orig_starts = [0], [len(text)]
    return Normalized("".join(parts).translate(_TABLE), text, tuple(norm_starts), tuple(orig_starts))


def normalize_key(name: str) -> str:
    """The matching key of a name or alias: normalised and stripped (no offset map kept)."""
    return normalize(name).text.strip()
