"""Clitics, enclitics and case endings per language, in normalised (key) form, and the one clitic stripper.

Each stage strips what its own matching needs, so there are several lists; they all live here, each saying what
it is for. Normalisation maps ە → ه, ی ێ → ي, ک → ك, ê → e, î → i (see :mod:`threatmap.lang.normalize`).
"""

from __future__ import annotations

from collections.abc import Collection

__all__ = [
    "AR_CLITICS",
    "AR_CUE_PREFIXES",
    "AR_CUE_SUFFIXES",
    "AR_LL_PREFIXES",
    "AR_NAME_PREFIXES",
    "AR_NAME_PREFIXES_RE",
    "AR_POSSESSIVE",
    "CKB_CUE_SUFFIXES",
    "CKB_SINCE_SUFFIXES",
    "KMR_CUE_SUFFIXES",
    "LATIN_NAME_SUFFIXES",
    "SORANI_NAME_SUFFIXES",
    "strip_clitic",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- Arabic proclitics: the conjunctions و ف, the prepositions ب ل ك, and the article ال.
AR_NAME_PREFIXES = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك")
"""Proclitics the matcher allows before a place name (conjunction, then preposition)."""
AR_LL_PREFIXES = ("", "و", "ف")
"""Before the لل form of a name (ل + ال with the alef elided), only و and ف may come."""
AR_CLITICS = ("وب", "ول", "فب", "فل", "و", "ف", "ب", "ل")
"""Proclitics stripped from a word before a name (type words, qualifiers: وقرب، بمحافظة), longest first."""
AR_NAME_PREFIXES_RE = "(?:و|ف|ب|ل|وب|ول|وف)?(?:ال)?"
"""Proclitics and the article before a place-type word, as a regular expression (unknown names)."""
AR_CUE_PREFIXES = tuple(sorted({c + p + a for c in ("", "و", "ف") for p in ("", "ب", "ل", "ك") for a in ("", "ال")}
                               | {"لل", "ولل", "فلل"} - {""}, key=len, reverse=True))
"""Proclitics (with the article) stripped from a word to find a threat cue, longest first."""
AR_CUE_SUFFIXES = ("ا", "ه", "ها", "هم", "هما", "نا", "ي", "يا", "ات", "ين", "ون")
"""Tanween alef, pronoun suffixes and plural endings stripped from a word to find a threat cue."""
AR_POSSESSIVE = ("ه", "ها", "هم")
"""Possessive suffixes in the original text: خلاياه، عناصرها، مسلحيهم (its / their cells, members, gunmen)."""

# --- Sorani enclitics: ezafe ی/یی, دا, یش, ەوە, ەکە, ەکان, یان, indefinite ێک/یەک, copula یە, and combinations.
SORANI_NAME_SUFFIXES = _words("""ي دا يش هوه وه هكه هكان كه كان ش يان ه يدا شدا يشدا هدا ان هيش يي يه يك هيك
    هش يهوه يشهوه ييه دايه هوهش ييش
    هكاني هكاندا هكانيش هكانهوه كاني كاندا هكهي هكهدا هكهش انه انهدا انهوه""")
"""Enclitics the matcher allows after a place name (with Kurdish evidence): the ezafe, postpositions, the definite
article -ەکە/-ەکان and their combinations (ناوچە جێناکۆکەکاندا "in the disputed areas", ئەو شارانەدا)."""
CKB_CUE_SUFFIXES = ("ي", "ه", "يهك", "يك", "هكه", "هكان", "كان", "كهي", "هكهي", "هكاني", "كاني", "ان", "اني", "دا",
                    "هوه", "يش", "يان", "يهتي", "يي", "ييهك", "يهكي", "هكهدا", "هكاندا", "ياندا")
"""Enclitics stripped from a word to find a threat cue: -ی -ە -یەک -ێک -ەکە -ەکان -ان -دا -ەوە -یش -یان …"""
CKB_SINCE_SUFFIXES = ("هوه", "وه")
"""The ending of "لە ساڵی 2014ەوە" (since 2014) after a year."""

# --- Kurmanji case and number endings (and the English possessive 's).
LATIN_NAME_SUFFIXES = frozenset({"s", "e", "ye", "a", "ya"})
"""Endings the matcher allows after a Latin place name: Kurmanji -ê -yê -a -ya, English 's."""
KMR_CUE_SUFFIXES = ("e", "ye", "a", "ya", "en", "yen", "an", "eke", "ek", "ekî", "ekê", "eki", "ine", "ini", "de",
                    "da", "ra", "re", "ewe")
"""Endings stripped from a word to find a threat cue: -ê -yê -a -ya -ên -yên -an -eke -ekê …"""

_CLITIC_FIRST = frozenset(c[0] for c in AR_CLITICS)


def strip_clitic(token: str, words: Collection[str]) -> str:
    """``token`` without the Arabic proclitic (:data:`AR_CLITICS`) that leaves one of ``words``; else ``token``.

    ``وبمحافظة`` gives ``محافظة`` when that is a known word; a token that is itself a known word is kept.
    """
    if token[:1] not in _CLITIC_FIRST or token in words:
        return token
    for clitic in AR_CLITICS:
        if token.startswith(clitic) and token[len(clitic):] in words:
            return token[len(clitic):]
    return token
