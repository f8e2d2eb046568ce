"""Sentences: the one set of sentence-end rules (Latin and Arabic punctuation, abbreviations, decimals, initials).

:func:`sentence_ends` gives the cuts of :func:`threatmap.geoparse.passages.split_passages`; :func:`sentence_span`
gives the sentence around a span for snippets (evaluation misses, unknown names), by punctuation alone.
"""

from __future__ import annotations

import re

__all__ = ["CLOSERS", "END_RE", "is_sentence_end", "sentence_ends", "sentence_span"]

CLOSERS = "\"'”’»)]}›"
# A run of sentence punctuation (Latin and Arabic), with the quotes/brackets that close it.
END_RE = re.compile(r"[.!?؟！？;؛۔。…]+[" + re.escape(CLOSERS) + r"]*|\n")
_ABBREVIATIONS = frozenset({  # titles, months and other words shortened with a dot, any case
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "sgt", "capt", "cpt", "adm", "cmdr", "cdr", "brig", "pvt",
    "cpl", "spc", "jr", "sr", "st", "vs", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "gov", "sen", "rep", "prof", "inc", "corp", "ltd", "dept", "mt", "ft", "approx", "est", "pres",
    "amb", "hon", "rev", "messrs",
})
_CAPITAL_ABBREVIATIONS = frozenset({  # only when capitalised: US states in datelines ("TAMPA, Fla. –"), Co.
    "co", "fla", "calif", "va", "md", "mass", "ga", "tex", "ariz", "colo", "conn", "ill", "ind", "kan", "ky",
    "mich", "minn", "miss", "mo", "mont", "neb", "nev", "okla", "ore", "pa", "tenn", "wis", "wyo", "sec",
})
_NUMBER_ABBREVIATIONS = frozenset({"no", "nos", "vol", "fig", "op", "art", "para"})  # before a number: "No. 5"

_SNIPPET_END = re.compile(r"[.!?؟\n]")


def is_sentence_end(text: str, start: int, end: int) -> bool:
    """Whether the punctuation run ``text[start:end]`` ends a sentence (abbreviations and decimals do not)."""
    run = text[start:end].rstrip(CLOSERS)
    if run != ".":
        return True
    nxt = text[end] if end < len(text) else " "
    prv = text[start - 1] if start > 0 else " "
    if prv.isdigit() and nxt.isdigit():
        return False  # 4.5
    if not nxt.isspace() and nxt not in CLOSERS:
        return "\u0600" <= nxt <= "\u06ff"  # "داعش.وقال" ends; "U.S" and "e.g" do not
    k = start
    while k > 0 and start - k < 12 and not text[k - 1].isspace():
        k -= 1
    raw = text[k:start].lstrip("(\"'“‘«")
    token = raw.lower()
    j = end
    while j < len(text) and j - end < 8 and text[j] in " \t":
        j += 1
    if token in _ABBREVIATIONS or "." in token:  # Dr. / Feb. / U.S. / e.g.
        return False
    if token in _CAPITAL_ABBREVIATIONS and raw[:1].isupper():
        return False
    if token in _NUMBER_ABBREVIATIONS and j < len(text) and text[j].isdigit():
        return False
    if len(token) == 1 and token.isalpha():  # an initial: John W. Brennan
        return False
    # A lower-case Latin word after the dot continues the sentence.
    return not (j < len(text) and "a" <= text[j] <= "z")


def sentence_ends(text: str) -> list[int]:
    """Offsets just after each sentence end of ``text`` (a line break, or punctuation that ends a sentence)."""
    return [m.end() for m in END_RE.finditer(text)
            if m.group() == "\n" or is_sentence_end(text, m.start(), m.end())]


def sentence_span(text: str, start: int, end: int, *, reach: int | None = None) -> tuple[int, int]:
    """Bounds of the sentence around ``text[start:end]`` by punctuation alone (``. ! ? ؟`` and line breaks).

    The end includes its punctuation. With ``reach``, the sentence is searched at most ``reach`` characters
    before ``start`` and after ``end`` (a snippet stored per candidate stays bounded).
    """
    low = 0 if reach is None else max(0, start - reach)
    left = max((m.end() for m in _SNIPPET_END.finditer(text, low, start)), default=low)
    right = _SNIPPET_END.search(text, end, len(text) if reach is None else min(len(text), end + reach))
    if right is not None:
        return left, right.end()
    return left, len(text) if reach is None else min(len(text), end + reach)
