"""Detect the language of a document from its script: ``ar``, ``ckb`` (Sorani), ``kmr`` (Kurmanji) or ``en``."""

from __future__ import annotations

from threatmap.lang.scripts import KURMANJI_LETTERS, SORANI_LETTERS

__all__ = ["detect_lang"]

_SAMPLE = 4000
_NOT_LETTERS = bytes(b for b in range(128) if not chr(b).isalpha())
_SORANI = "".join(sorted(SORANI_LETTERS))
_KURMANJI = "".join(sorted(KURMANJI_LETTERS))


def detect_lang(text: str) -> str:
    """A guess of the language from the first 4,000 characters: ``ar``, ``ckb``, ``kmr`` or ``en``.

    Mostly Arabic script is ``ckb`` when Sorani letters (ە ێ ۆ ڕ ڵ) make more than 1 in 50 of its letters,
    else ``ar``; mostly Latin script is ``kmr`` when Kurmanji letters (ç ê î ş û) make more than 1 in 80 of
    its ASCII letters, else ``en``.
    """
    sample = text[:_SAMPLE]
    data = sample.encode("utf-8", "surrogatepass")
    arabic = sum(data.count(lead) for lead in (0xD8, 0xD9, 0xDA, 0xDB))  # lead bytes of U+0600-U+06FF
    latin = len(sample.encode("ascii", "ignore").translate(None, _NOT_LETTERS))
    if arabic > latin:
        return "ckb" if sum(sample.count(c) for c in _SORANI) * 50 > arabic else "ar"
    return "kmr" if sum(sample.count(c) for c in _KURMANJI) * 80 > max(latin, 1) else "en"
