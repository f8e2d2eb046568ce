"""Scripts and letters: which letters mark Arabic script, Sorani, Kurmanji (one home, as CAMeL Tools' charsets)."""

from __future__ import annotations

__all__ = ["ARABIC_LETTER_CLASS", "KURDISH_EVIDENCE_LETTERS", "KURDISH_SCRIPT_LETTERS", "KURMANJI_LETTERS",
           "PERSIAN_SCRIPT_LETTERS", "SORANI_LETTERS", "is_arabic"]

SORANI_LETTERS = frozenset("ەێۆڕڵ")
"""Letters of Sorani that neither Arabic nor Persian use: a text or a name with them is Kurdish."""
PERSIAN_SCRIPT_LETTERS = frozenset("یکگچپڤ")
"""Letters Sorani shares with Persian (Farsi yeh and keheh, gaf, che, pe, ve) that Arabic spelling lacks."""
KURDISH_EVIDENCE_LETTERS = SORANI_LETTERS | frozenset("یکگ")
"""Letters that make an alias or a text Sorani for the matcher (Sorani enclitics, و/وو spellings)."""
KURDISH_SCRIPT_LETTERS = SORANI_LETTERS | PERSIAN_SCRIPT_LETTERS
"""Letters that make a GeoNames alternate name Sorani rather than Arabic (``scripts/build_geodata.py``)."""
KURMANJI_LETTERS = frozenset("çêîşûÇÊÎŞÛ")
"""Latin letters of Kurmanji that English lacks."""
ARABIC_LETTER_CLASS = r"\u0621-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff"
"""The letters of the Arabic script (Arabic, Sorani) as the inside of a regular-expression character class."""


def is_arabic(word: str) -> bool:
    """Whether ``word`` starts with a letter of the Arabic script (Arabic, Sorani)."""
    return "\u0600" <= word[0] <= "\u06ff"
