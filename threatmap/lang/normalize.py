"""Normalisation of Arabic, Kurdish and Latin text for matching, keeping a map back to the original offsets.

Every kept character is mapped one-to-one to a single character (a lookup table over the Basic Multilingual
Plane, applied with numpy in linear time); the only changes of length are deletions (diacritics, tatweel,
format and bidi controls, apostrophes, runs of white space), so a normalised offset maps back to the
original text by a bisect over the kept segments.

The rules:

- Arabic letter variants: أ إ آ ٱ -> ا; ى ئ -> ي; ة -> ه; ؤ -> و; Arabic-Indic digits -> 0-9.
- Kurdish/Persian letters are mapped, never deleted: ک گ -> ك; ی ێ -> ي; ە -> ه; ۆ -> و; چ -> ج; ڕ -> ر;
  ڵ -> ل; پ -> ب; ژ -> ز; ڤ -> ف.
- Syriac letters are mapped to the Arabic letter of the same consonant (ܐ -> ا, ܓ -> ج, ܩ -> ق, ܫ -> ش …) and
  their vowel points deleted: ܐܪܒܝܠ is matched as اربيل.
- Deleted: Arabic diacritics and Quranic marks, tatweel, zero-width and bidi controls, soft hyphen,
  apostrophes and hamza-like transliteration marks (Ta'mim -> tamim).
- Latin: lower case and without diacritics (Mexmûr -> mexmur, Kerkûkê -> kerkuke); hyphens and dashes ->
  space (Deir ez-Zor -> deir ez zor); presentation forms -> base letters.
- White space of any kind -> one space; a run of white space keeps only its first character.
"""

from __future__ import annotations

import bisect
import codecs
import sys
import unicodedata
from dataclasses import dataclass

import numpy as np

__all__ = ["ARABIC_LETTER_MAP", "DELETED_CHARACTERS", "Normalized", "matching_view", "normalize",
           "normalize_for_matching", "normalize_key"]

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
# Syriac letters -> the Arabic letter of the same consonant (the abjads correspond one to one), so a name written in
# Syriac script (ܩܪܩܘܫ, ܐܠܩܘܫ, ܐܪܒܝܠ) meets its Arabic spelling; its vowel points are deleted below.
_SYRIAC_MAP = dict(zip("ܐܒܓܔܕܗܘܙܚܛܜܝܟܠܡܢܣܤܥܦܨܩܪܫܬܭܮܯ", "ابججدهوزحطظيكلمنسسعفصقرشتبغذ", strict=True))
_LATIN_MAP = {"ı": "i", "İ": "i", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ł": "l", "Ł": "l",
              "ʻ": "'", "‐": " ", "‑": " ", "‒": " ", "–": " ", "—": " ", "-": " ", "_": " "}

_DELETED = (
    [chr(c) for c in range(0x0610, 0x061B)] + [chr(c) for c in range(0x064B, 0x0660)] + ["\u0670"]
    + [chr(c) for c in range(0x06D6, 0x06DD)] + [chr(c) for c in range(0x06DF, 0x06E9)]
    + [chr(c) for c in range(0x06EA, 0x06EE)]  # Arabic marks and diacritics
    + ["\u0711"] + [chr(c) for c in range(0x0730, 0x074B)]  # Syriac vowel points and marks
    + ["\u0640"]  # tatweel
    + ["\u00ad", "\u061c", "\ufeff"] + [chr(c) for c in range(0x200B, 0x2010)]
    + [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2060, 0x206A)]  # zero-width, bidi
    + list("'’‘ʼʾʿ`´")  # apostrophes and hamza-like letters in transliterations (Ta'mim, Sala'addin)
)
_BMP = 0x10000
ARABIC_LETTER_MAP = _ARABIC_MAP
"""Arabic letter variants and Kurdish/Persian letters -> the one Arabic base letter they are matched as."""
DELETED_CHARACTERS = frozenset(_DELETED)
"""Characters normalisation deletes (diacritics, tatweel, zero-width and bidi controls, apostrophes)."""


def _base(ch: str) -> str:
    """One character: compatibility base letter without marks, lower case (or ``ch`` when that is not 1:1)."""
    decomposed = unicodedata.normalize("NFKD", ch)
    if not decomposed:
        return ch
    if any(not unicodedata.combining(c) for c in decomposed[1:]):
        return ch  # ligatures and the like: keep, never change the length
    low = decomposed[0].lower()
    return low if len(low) == 1 else decomposed[0]


def _build_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Code point map, deletion flags, white-space flags and word-character flags for the whole BMP."""
    mapping = np.arange(_BMP, dtype=np.uint32)
    deleted = np.zeros(_BMP, dtype=bool)
    space = np.zeros(_BMP, dtype=bool)
    word = np.zeros(_BMP, dtype=bool)
    fixed = {**_ARABIC_MAP, **_SYRIAC_MAP, **_LATIN_MAP}
    for cp in range(_BMP):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        if ch.isspace():
            space[cp] = True
            mapping[cp] = 0x20
            continue
        out = fixed.get(ch) or _base(ch)
        out = fixed.get(out, out)
        mapping[cp] = ord(out) if ord(out) < _BMP else cp
    for ch in _DELETED:
        deleted[ord(ch)] = True
    for cp in range(_BMP):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        word[cp] = chr(cp).isalnum()
    return mapping, deleted, space, word


_MAP, _DEL, _SPACE, _WORD = _build_tables()  # _SPACE documents the table; spaces are read after mapping
_MAP[0xFFFF] = 0xFFFD  # U+FFFF (a noncharacter) marks deletions in the packed table below
_VIEW = np.where(_WORD[_MAP], _MAP, 0x20).astype(np.uint32)
"""Code point -> its word-view character: the mapped letter or digit, else a space."""
_PACKED = (_VIEW << 16) | np.where(_DEL, 0xFFFF, _MAP).astype(np.uint32)
"""Code point -> word-view character (high 16 bits) and mapped character or 0xFFFF = deleted (low 16 bits)."""
_ENC = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"
_ENC16 = "utf-16-le" if sys.byteorder == "little" else "utf-16-be"
_LO = 0 if sys.byteorder == "little" else 1  # index of the low half of a uint32 viewed as two uint16
_DECODE16 = codecs.utf_16_le_decode if sys.byteorder == "little" else codecs.utf_16_be_decode
"""The codec function itself: ``bytes.decode`` would go through the codec registry's Python wrapper."""


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised text with the map back to its original."""

    text: str
    original: str
    norm_starts: tuple[int, ...] = ()
    """The offset map: where each kept segment starts in ``text`` (empty when nothing was deleted) …"""
    orig_starts: tuple[int, ...] = ()
    """… and where the same segment starts in ``original``; :meth:`to_original` and :meth:`to_normalized`
    read them (the matcher's hot loop inlines that lookup)."""

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalised span ``[start, end)`` to the span of the original text it came from."""
        if not self.norm_starts:
            return start, end
        o_start = self._orig(start)
        o_end = self._orig(end - 1) + 1 if end > start else o_start
        return o_start, o_end

    def to_normalized(self, orig: int) -> int:
        """The smallest normalised offset whose original offset is at or after ``orig`` (the inverse map)."""
        if not self.norm_starts:
            return orig
        k = bisect.bisect_right(self.orig_starts, orig) - 1
        if k < 0:
            return 0
        end = self.norm_starts[k + 1] if k + 1 < len(self.norm_starts) else len(self.text)
        return self.norm_starts[k] + min(orig - self.orig_starts[k], end - self.norm_starts[k])

    def _orig(self, i: int) -> int:
        k = bisect.bisect_right(self.norm_starts, i) - 1
        return self.orig_starts[k] + (i - self.norm_starts[k])


def _normalize(text: str, *, matchable: bool, with_text: bool = True) -> tuple[Normalized, str]:
    if not text:
        return Normalized("", text), ""
    data = text.encode(_ENC16, "surrogatepass")
    if len(data) != 2 * len(text):
        return _normalize_wide(text, matchable=matchable)
    # Only BMP characters (nearly every text). Few numpy calls on views: a short document costs microseconds.
    halves = _PACKED.take(np.frombuffer(data, dtype=np.uint16)).view(np.uint16)
    mapped, view = halves[_LO::2], halves[1 - _LO::2]  # mapped character, word-view character
    drop = mapped == 0xFFFF
    space = mapped == 0x20
    drop[1:] |= space[1:] & space[:-1]
    dels = drop.nonzero()[0]
    if not len(dels):
        norm = Normalized(_DECODE16(mapped.tobytes(), "surrogatepass")[0] if with_text else "", text)
        return norm, (_DECODE16(view.tobytes(), "surrogatepass")[0] if matchable else "")
    keep = ~drop
    norm = _with_deletions(_DECODE16(mapped[keep], "surrogatepass")[0] if with_text else "", text, dels)
    return norm, (_DECODE16(view[keep], "surrogatepass")[0] if matchable else "")


def _with_deletions(norm_text: str, text: str, dels: np.ndarray) -> Normalized:
    """A Normalized of ``text`` without the characters at the sorted positions ``dels``: its kept segments."""
    n = len(text)
    if len(dels) == n:
        return Normalized("", text, (0,), (n,))
    if len(dels) < 64:  # the usual case (paragraph breaks): a short loop beats numpy's per-call overhead
        norm_starts, orig_starts = ([0], [0]) if dels[0] else ([], [])
        positions = dels.tolist()
        for k, d in enumerate(positions):
            nxt = d + 1  # k + 1 characters are dropped up to here
            if nxt < n and (k + 1 == len(positions) or positions[k + 1] != nxt):
                norm_starts.append(nxt - k - 1)
                orig_starts.append(nxt)
        return Normalized(norm_text, text, tuple(norm_starts), tuple(orig_starts))
    after = dels + 1
    run = np.ones(len(dels), dtype=bool)
    run[:-1] = dels[1:] != after[:-1]  # the character after this deletion is kept: a segment starts there
    starts = after[run]
    if len(starts) and starts[-1] >= n:
        starts = starts[:-1]
    shifted = starts - np.searchsorted(dels, starts)  # minus the deletions before each segment
    if dels[0]:
        return Normalized(norm_text, text, (0, *shifted.tolist()), (0, *starts.tolist()))
    return Normalized(norm_text, text, tuple(shifted.tolist()), tuple(starts.tolist()))


def _normalize_wide(text: str, *, matchable: bool) -> tuple[Normalized, str]:
    """The same with characters outside the BMP (emoji …): kept as they are, never word characters."""
    cps = np.frombuffer(text.encode(_ENC, "surrogatepass"), dtype=np.uint32)
    bmp = cps < _BMP
    low = np.where(bmp, cps, 0xFFFE)
    mapped = np.where(bmp, _MAP[low], cps)
    drop = _DEL[low] & bmp
    space = mapped == 0x20
    drop[1:] |= space[1:] & space[:-1]
    idx = np.flatnonzero(~drop)
    norm = _with_map(mapped[idx].tobytes().decode(_ENC, "surrogatepass"), text, idx)
    if not matchable:
        return norm, ""
    view = np.where(bmp, _VIEW[low], 0x20)[idx].astype(np.uint32)
    return norm, view.tobytes().decode(_ENC, "surrogatepass")


def _with_map(norm_text: str, text: str, idx: np.ndarray) -> Normalized:
    """A Normalized whose kept characters are ``text[idx]``: the segments of consecutive indices."""
    if len(idx) == 0:
        return Normalized("", text, (0,), (len(text),))
    if len(idx) == len(text):
        return Normalized(norm_text, text)
    breaks = (np.flatnonzero(np.diff(idx) != 1) + 1).tolist()
    norm_starts = [0, *breaks]
    return Normalized(norm_text, text, tuple(norm_starts), tuple(idx[norm_starts].tolist()))


def normalize(text: str) -> Normalized:
    """Normalise ``text`` for matching and keep the offset map; see the module docstring for the rules."""
    return _normalize(text, matchable=False)[0]


def normalize_for_matching(text: str) -> tuple[Normalized, str]:
    """Normalise ``text`` and also return its word view: the same string with every non-word character a space.

    The word view has the length of ``Normalized.text`` (same offsets); letters and digits of any script are
    word characters, so Arabic letters are never a word boundary.
    """
    return _normalize(text, matchable=True)


def matching_view(text: str) -> tuple[Normalized, str]:
    """As :func:`normalize_for_matching`, without building ``Normalized.text`` (left empty): the word view and
    the offset map are all the matcher reads (:meth:`threatmap.geoparse.match.Matcher.find`)."""
    return _normalize(text, matchable=True, with_text=False)


def normalize_key(name: str) -> str:
    """The matching key of a name or alias: normalised and stripped (no offset map kept)."""
    return normalize(name).text.strip()
