"""Checks of the text around a found name: capitals, identifiers, compound and nisba adjectives, quoted names.

Used by :mod:`threatmap.geoparse.match.matcher` on each match (never on each automaton hit): "Iran-aligned" and
"11 عسكريا سوريا" are adjectives, ``usemb-baghdad-attack`` is a slug, عملية "أبطال العراق" is an operation's name.
"""

from __future__ import annotations

import re

from threatmap.geoparse.match.lexicon import COMPOUND_TAILS, PERSON_NOUNS_ACC, QUOTED_NAME_WORDS
from threatmap.lang.normalize import Normalized, normalize_for_matching

__all__ = ["QUOTES", "QUOTES_AND_SPACE", "QUOTE_RE", "arabic_adjective", "capital_at", "capitalised",
           "compound_adjective", "has_quote", "in_identifier", "in_quoted_name", "nisba_adjective"]


def _key(text: str) -> str:
    return " ".join(normalize_for_matching(text)[1].split())  # as matcher.match_key


_SPACES = (" ", "\n", "\t", "\r", "\u00a0")
QUOTES = frozenset('"«“”„\'')
QUOTES_AND_SPACE = QUOTES | {" "}
QUOTE_RE = re.compile("[" + "".join(sorted(QUOTES)) + "]")


def has_quote(text: str) -> bool:
    """Whether ``text`` has any of the quotes of :data:`QUOTES` (faster than a regular expression)."""
    return '"' in text or "'" in text or "«" in text or "“" in text or "”" in text or "„" in text

_ARTICLE_RE = re.compile(r"(?:al|el|ad|an|ar|as|ash|at|az|ed|es|et)[-‐‑ ]")
_PERSON_NOUNS_ACC = frozenset(_key(w) for w in PERSON_NOUNS_ACC)
_QUOTED_NAME_WORDS = frozenset(_key(w) for w in QUOTED_NAME_WORDS)


def capital_at(norm: Normalized, ns: int) -> bool:
    """Whether the original character at normalised offset ``ns`` is an upper-case letter."""
    start = norm.to_original(ns, ns + 1)[0]
    return start < len(norm.original) and capitalised(norm.original, start)


def capitalised(text: str, start: int) -> bool:
    """Whether the name at ``text[start]`` starts with a capital, after a lower-case article (al-Shuhayl)."""
    if text[start].isupper():
        return True
    article = _ARTICLE_RE.match(text, start)
    return article is not None and article.end() < len(text) and text[article.end()].isupper()


def arabic_adjective(view: str, ns: int) -> bool:
    """Whether the name at ``view[ns:]`` follows an accusative person noun (11 عسكريا سوريا): a nisba adjective."""
    if ns < 2 or view[ns - 1] != " ":
        return False
    a = view.rfind(" ", 0, ns - 1) + 1
    prev = view[a:ns - 1]
    if prev in _PERSON_NOUNS_ACC:
        return True
    if not prev.endswith("ا") or a < 2:
        return False
    before = view[view.rfind(" ", 0, a - 1) + 1:a - 1]
    return before.isdigit()


def nisba_adjective(original: str, view: str, start: int, end: int, ns: int, plen: int) -> bool:
    """Whether an Arabic name ending in ية/ي is the nisba adjective: written with a shadda on its ya (سوريّة),
    or joined by و to a word of the same ending that follows a noun without the article (قوات عراقية وسورية)."""
    if "\u0651" in original[max(start, end - 3):end]:
        return True
    if view[ns - plen:ns] != "و" or ns < plen + 2 or view[ns - plen - 1] != " ":
        return False
    a = view.rfind(" ", 0, ns - plen - 1) + 1
    prev = view[a:ns - plen - 1]
    return prev.endswith("يه") and not prev.startswith("ال") and len(prev) > 4


def in_quoted_name(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` lies in a quoted name right after "operation" / عملية (عملية "أبطال العراق")."""
    lo = max(0, start - 40)
    q = max(text.rfind(c, lo, start) for c in QUOTES)
    if q < 0 or any(c in text[q + 1:start] for c in '.!?؟\n'):
        return False
    close = min((i for i in (text.find(c, end, end + 40) for c in QUOTES) if i >= 0), default=-1)
    if close < 0 or any(c in text[end:close] for c in '.!?؟\n'):
        return False
    words = _key(text[max(0, q - 30):q]).split(" ")
    return bool(words) and words[-1] in _QUOTED_NAME_WORDS


def in_identifier(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` lies in a URL, path, e-mail, file name or slug (a token of 3+ hyphens)."""
    lo = max(0, start - 300)
    a = max(text.rfind(c, lo, start) for c in _SPACES) + 1
    a = max(a, lo)
    hi = min(len(text), end + 300)
    stops = [i for i in (text.find(c, end, hi) for c in _SPACES) if i >= 0]
    token = text[a:min(stops) if stops else hi]
    return any(c in token for c in "/\\@_=") or "www." in token or token.count("-") >= 3


def compound_adjective(text: str, end: int) -> bool:
    """Whether a Latin name ending at ``text[end]`` is the first part of an adjective (Iran-aligned)."""
    if end >= len(text) or text[end] not in "-‐‑":
        return False
    k = end + 1
    while k < len(text) and k - end < 16 and text[k].isalpha() and text[k].islower():
        k += 1
    word = text[end + 1:k]
    return bool(word) and word.endswith(COMPOUND_TAILS)
