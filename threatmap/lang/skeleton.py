"""The Sorani consonant skeleton: the key under which a Sorani spelling meets the Arabic one (بەغداد / بغداد).

Sorani writes the vowels that Arabic leaves out (ە ێ ۆ), long vowels doubled (وو) and doubled consonants twice
(ڕەققە), and no article. The skeleton of a name or a word is its normalised letters (:mod:`.normalize`) without
ە ێ ۆ (ێ is also tried as ي), the ta marbuta ة (the Arabic spelling of a final ە), the hamza and its seat ئ
(ئەنبار / الأنبار), an initial alef, the article ال of each word of an Arabic name, and with every run of one
letter written once:
بەغداد, بغداد -> بغداد; حەویجە, الحويجة -> حويج; فەللووجە, الفلوجة -> فلوج; ئەنبار, الأنبار -> نبار.

It throws letters away, so the geoparser uses it only in Sorani documents, only for names the exact matcher did
not find, and never for a key that is also the skeleton of an ordinary Kurdish word
(:class:`threatmap.geoparse.match.skeleton.SkeletonIndex`).
"""

from __future__ import annotations

import re

from threatmap.lang.normalize import ARABIC_LETTER_MAP, DELETED_CHARACTERS

__all__ = ["DROPPED_MARK", "SORANI_WORD_ENDINGS", "marked_skeleton", "sorani_skeleton", "word_skeleton"]

_DROPPED = "ەێۆةءئ\u200c\u200d"
_TABLE = str.maketrans({**{k: v for k, v in ARABIC_LETTER_MAP.items() if k not in _DROPPED},
                        **dict.fromkeys(_DROPPED), **dict.fromkeys(DELETED_CHARACTERS)})
_TABLE_LONG_E = {**_TABLE, ord("ێ"): "ي"}
DROPPED_MARK = "\x01"
"""What :func:`marked_skeleton` writes in place of a dropped character."""
_MARKED = {k: (DROPPED_MARK if v is None else v) for k, v in _TABLE.items()}
_MARKED_LONG_E = {**_MARKED, ord("ێ"): "ي"}
_RUNS = re.compile(r"(\w)\1+")
SORANI_WORD_ENDINGS = ("ەکانیش", "ەکاندا", "ەکانی", "ەکان", "ەکەیدا", "ەکەدا", "ەکەی", "ەکە", "یەکانی", "یەکان",
                       "یەکی", "یەک", "ێکی", "ێک", "ەوە", "یشدا", "یش", "ەش", "یدا", "دا", "یان", "یی", "ی", "ە")
"""Sorani enclitics and endings in the original script, longest first: a word without one of them may be a name
(بەغدادەوە, ڕەمادیی, کەرکووکدا)."""


def sorani_skeleton(text: str, *, article: bool = False, long_e: bool = False) -> str:
    """The consonant skeleton of ``text`` (see the module docstring); ``article``: drop a leading ال per word;
    ``long_e``: keep ێ as ي (where Arabic writes the long vowel: دێر / دير, بێجی / بيجي) instead of dropping it."""
    out = []
    for word in text.translate(_TABLE_LONG_E if long_e else _TABLE).split():
        if article and word.startswith("ال") and len(word) > 4:
            word = word[2:]
        word = _RUNS.sub(r"\1", word.lstrip("ا"))
        if word:
            out.append(word)
    return " ".join(out)


def marked_skeleton(text: str, *, long_e: bool = False) -> str:
    """``text`` with the letters mapped as in the skeleton and every dropped character replaced by
    :data:`DROPPED_MARK`: the same length as ``text``, so a word's offsets hold in both (one pass per document).
    ``long_e``: ێ kept as ي (see :func:`sorani_skeleton`)."""
    return text.translate(_MARKED_LONG_E if long_e else _MARKED)


def word_skeleton(marked_word: str) -> str:
    """The skeleton of one word cut from :func:`marked_skeleton` (no article dropped, ێ dropped)."""
    word = marked_word.replace(DROPPED_MARK, "").lstrip("ا")
    return _RUNS.sub(r"\1", word) if _RUNS.search(word) else word
