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
    "KMR_CASE_ENDINGS",
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
_CKB_ARTICLES = ("", "ه", "هكه", "هكان", "كه", "كان", "يك", "يهك", "ان", "يي", "ييهك", "يهكه", "يهكان", "ييهكه",
                 "ييهكان")
"""Sorani stem endings (normalised): the linking vowel ە, the definite ەکە/ەکان (کە/کان after a vowel), the
indefinite ێک/یەک, the plural ان, and the same after a word's own ی (داعشییەکان, چالاکییەک)."""
_CKB_ENCLITICS = ("", "ي", "ه", "يه", "دا", "هوه", "وه", "يش", "ش", "يان", "مان", "تان", "يدا", "يشدا", "ياندا",
                  "يهتي", "هتي", "ييه", "هوهي", "يشه")
"""What follows the article: the ezafe/possessive ی, the copula ە/یە, the postpositions دا and ەوە, additive یش,
the person clitics یان/مان/تان (ەکانیان "their", ێکیان), and the abstract ending ێتی."""
CKB_CUE_SUFFIXES = tuple(sorted({a + c for a in _CKB_ARTICLES for c in _CKB_ENCLITICS} - {"", "كه", "ش"}, key=len,
                                reverse=True))
"""Enclitics stripped from a word to find a threat cue: every article ending (:data:`_CKB_ARTICLES`) followed by
every enclitic (:data:`_CKB_ENCLITICS`), so that a composed ending (ەکانیان, ێکی, ییەکان, ەکەش, ێکدا) reaches the
word as surely as a simple one."""
CKB_SINCE_SUFFIXES = ("هوه", "وه")
"""The ending of "لە ساڵی 2014ەوە" (since 2014) after a year."""

# --- Kurmanji case and number endings (and the English possessive 's).
LATIN_NAME_SUFFIXES = frozenset({"s", "e", "ye", "a", "ya"})
"""Endings the matcher allows after a Latin place name: Kurmanji -ê -yê -a -ya, English 's."""
_KMR_GLIDES = ("", "y", "i")
"""A glide or linking vowel before an ending after a vowel (bermahiyan; xeterîya is xeterî + ya)."""
_KMR_ENDINGS = ("e", "a", "en", "an", "ek", "eke", "eki", "eka", "ekan", "ine", "ini", "de", "da", "ra", "re", "ewe",
                "ede", "ada", "ende", "ande", "ekede", "ere")
"""Kurmanji endings (normalised ê → e, î → i): the oblique and ezafe -ê -a -ên -an, the indefinite -ek -ekê -ekî
-eka, the definite -eke, the plural -ekan, and a postposition written on the word (-ê de, -ê re, -eke de)."""
KMR_CASE_ENDINGS = (*_KMR_ENDINGS, "ye", "ya", "yen")
"""The endings alone and the glide y of the oblique and ezafe (-yê -ya -yên): what may follow a folded word's
spelling (:attr:`threatmap.geoparse.threat.lexicon.Lexicon.folded`); the indefinite after a glide (-yekî) is left
out there, as alî-yekî and aliyekî are one word."""
KMR_CUE_SUFFIXES = tuple(sorted({g + e for g in _KMR_GLIDES for e in _KMR_ENDINGS}, key=len, reverse=True))
"""Endings stripped from a word to find a threat cue: each ending of :data:`_KMR_ENDINGS`, alone or after a glide
y or a linking i (-yê -ya -yên -yan -iya)."""

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
