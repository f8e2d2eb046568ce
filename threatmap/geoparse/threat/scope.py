"""Scope rules of threat cues: clauses dated to a past year, "does not mean" double negation, speaking agencies."""

from __future__ import annotations

import bisect
import re

from threatmap.geoparse.context import ParseContext
from threatmap.geoparse.threat.cues import Hit
from threatmap.geoparse.threat.lexicon import POSITIVE
from threatmap.lang.clitics import CKB_SINCE_SUFFIXES
from threatmap.models import Passage

__all__ = ["agency_speaker", "clause_starts", "dated_past", "dateline", "double_negation", "interrogative_start",
           "reference_year"]

_YEAR_RE = re.compile(r"(?:19[5-9]|20[0-4])\d")  # a year's digits; what may touch them is checked apart (faster)
_YEAR_TOKEN_RE = re.compile(r"(19[5-9]\d|20[0-4]\d)([^\W\d_]*)")
_DATING_CLAUSE = 4  # a clause of at most this many tokens around a year ("In 2017,") dates the clause after it
_AFTER_NOT_MEAN = 10  # tokens after "does not mean" whose defeat words are negated
_POSITIVE = frozenset(POSITIVE)
_CLAUSE_RE = re.compile(  # the lookahead (every first character of the alternatives) skips most positions fast
    r"(?=[،;؛:()\[\]\"“”«»,\sلبرbwhatdyl])"
    r"(?:[،;؛:()\[\]\"“”«»]|,(?!\d)|\s[-–—]\s|(?<![^\W_])(?:لكن|لكنه|لكنها|لكننا|بينما|رغم|but|while|whereas|"
    r"however|although|though|despite|yet|بهلام|بهلكو|le|lebe)(?![^\W_]))"
)
_DATELINE_RE = re.compile(  # "BAGHDAD (Reuters) -", "KIRKUK, Iraq -", "أربيل (رووداو) -", "TAMPA, July 22 -"
    r"(?:,\s*[A-Za-z][A-Za-z .'-]{1,30}?)?\s*(?:\([^()\n]{1,40}\)\s*)?[-–—]|,\s+[A-Z][a-z]{2,}\.?\s+\d"
)
_DATELINE_HEAD_RE = re.compile(r"(?>[A-Z][A-Za-z.'’]*+|\d[\d,]*+|\([^()\n]{1,40}\)|[ ,])++(?<=\s)(?=[-–—]\s)")


def reference_year(ctx: ParseContext) -> int | None:
    """The year before which a dated clause is history: the document's year, else the latest year it names minus 1.

    Without a document date, only years clearly earlier than the latest year named (two years or more) count.
    """
    if ctx.doc_date is not None:
        return ctx.doc_date.year
    latest = ctx.memo(("threat.latest_year",), lambda: _latest_year(ctx.text))
    return latest - 1 if latest else None


def _latest_year(text: str) -> int:
    """The latest year ``text`` names (2000 left out: "Resolution 2000", round numbers), 0 when none."""
    n = len(text)
    return max((int(m[0]) for m in _YEAR_RE.finditer(text) if m[0] != "2000"
                and not (m.start() and _joins(text[m.start() - 1]))  # "1.2015", "12015": not a year
                and not (m.end() + 1 < n and _joins(text[m.end()]) and text[m.end() + 1].isdecimal())),  # "2015.5"
               default=0)


def _joins(c: str) -> bool:
    """Whether ``c`` joins digits into one number (a digit of any script, or . , / :)."""
    return c.isdecimal() or c in ".,/:"


def _year(token: str) -> tuple[int, bool] | None:
    """(year, it means "since") for a token that is a year (with a Kurdish/Latin ending), else None."""
    m = _YEAR_TOKEN_RE.fullmatch(token)
    if m is None or m[1] == "2000":
        return None
    return int(m[1]), m[2].endswith(CKB_SINCE_SUFFIXES)


def dated_past(norm: str, spans: list[tuple[int, int]], hits: list[Hit], clauses: tuple[int, ...],
               ref_year: int | None) -> list[Hit]:
    """Apply explicit past years: a clause dated before ``ref_year`` asserts nothing present.

    Its positive cues are dropped and the year becomes a history blocker ("which at its peak in 2014 controlled
    a third of Iraq", "في آذار 2019"). A clause that only dates ("In 2017,") dates the clause after it. A clause
    with "since / still / now" (منذ، لا يزال، هێشتا، hîn) keeps speaking of the present.
    """
    if ref_year is None or ("1" not in norm and "2" not in norm):  # every year token starts with 19 or 20
        return hits
    years: dict[int, Hit] = {}
    since = {bisect.bisect_right(clauses, h.start) - 1 for h in hits if h.kind == "since"}
    for k, (s, e) in enumerate(spans):
        if not norm[s].isdigit():
            continue
        year = _year(norm[s:e])
        if year is None:
            continue
        ci = bisect.bisect_right(clauses, s) - 1
        if year[1] or year[0] >= ref_year:  # "since 2014", or the clause reaches the present ("in 2023 and 2024")
            since.add(ci)
            continue
        hit = Hit(s, e, k, k, "history")
        years.setdefault(ci, hit)
        c1 = clauses[ci + 1] if ci + 1 < len(clauses) else len(norm)
        if ci + 1 < len(clauses) and bisect.bisect_left(spans, (c1, -1)) - bisect.bisect_left(
                spans, (clauses[ci], -1)) <= _DATING_CLAUSE:
            years.setdefault(ci + 1, hit)
    dated = {ci: hit for ci, hit in years.items() if ci not in since}
    if not dated:
        return hits
    out = [h for h in hits if h.kind not in _POSITIVE or bisect.bisect_right(clauses, h.start) - 1 not in dated]
    out.extend(set(dated.values()))
    out.sort(key=lambda h: (h.start, h.start - h.end))
    return out


def double_negation(hits: list[Hit]) -> list[Hit]:
    """"This does not mean the threat … is over" (لا يعني أن خطر داعش انتهى, nayê wê wateyê ku …) asserts the threat.

    The negation inside the phrase cancels nothing, defeat words right after it are negated, and the phrase itself
    becomes a threat cue when ISIS, a threat or a defeat word follows it.
    """
    marks = [h for h in hits if h.kind == "not_mean"]
    if not marks:
        return hits
    follows = {"actor", "actor_weak", "threat", "defeat", "presence", "attack"}

    def after(h: Hit) -> bool:
        return any(m.t1 < h.t0 <= m.t1 + _AFTER_NOT_MEAN for m in marks)

    out: list[Hit] = []
    for h in hits:
        if h.kind == "negation" and any(m.t0 <= h.t0 and h.t1 <= m.t1 for m in marks):
            continue
        if h.kind == "defeat" and after(h):
            continue
        if h.kind == "not_mean" and any(x.kind in follows and h.t1 < x.t0 <= h.t1 + _AFTER_NOT_MEAN for x in hits):
            h = h._replace(kind="threat")
        out.append(h)
    return out


def agency_speaker(cover: dict[int, set[str]], governing: tuple[int, ...], t0: int, t1: int) -> int | None:
    """The token of a ministry/agency the place only names the owner of, when that agency speaks; else None.

    "The Kurdistan Region's Peshmerga ministry said …", "Iraq's interior ministry announced …" (the agency within
    three words after the place and a speaking verb right after it); "وەزارەتی پێشمەرگەی هەرێمی کوردستان ڕایگەیاند",
    "Wezareta Karûbarên Pêşmerge li Hewlêrê ragihand" (an agency shortly before the place and a speaking verb right
    after it), with no positive cue or actor between the agency and the place (``governing``: prefix counts).
    """
    n_tokens = len(governing) - 1
    for k in range(t1 + 1, min(t1 + 4, n_tokens)):
        if "agency" in cover.get(k, ()):
            if any("speech" in cover.get(j, ()) for j in range(k + 1, min(k + 3, n_tokens))):
                return k
            break
    if any("speech" in cover.get(j, ()) for j in range(t1 + 1, min(t1 + 2, n_tokens))):
        for k in range(t0 - 1, max(t0 - 6, -1), -1):
            if "agency" in cover.get(k, ()):
                return k if governing[t0] == governing[k + 1] else None
    return None


def clause_starts(ntext: str) -> tuple[int, ...]:
    """Character offsets where clauses start (the first is 0)."""
    return (0, *(m.end() for m in _CLAUSE_RE.finditer(ntext)))


def interrogative_start(norm: str, spans: list[tuple[int, int]], hits: list[Hit], clauses: tuple[int, ...],
                        question: bool) -> int:
    """Where the question part of the passage begins (``len(norm)`` when it asks nothing)."""
    if not question and not norm.rstrip().endswith(("?", "؟")):
        return len(norm)
    qwords = {h.start for h in hits if h.kind == "question"}
    for c in clauses:
        i = bisect.bisect_left(spans, (c, -1))
        if any(s in qwords for s, _ in spans[i:i + 2] if s < c + 60):  # a question word opens the clause
            return c
    return clauses[-1]  # no question word: the last clause is the question


def dateline(text: str, passage: Passage, start: int, end: int, *, first: bool) -> bool:
    """Whether the mention is in the dateline that opens the passage ("TAMPA, Fla. –", "أربيل (رووداو) -")."""
    if first and _DATELINE_RE.match(text, end, min(end + 50, passage.end)):
        return True
    head = _DATELINE_HEAD_RE.match(text, passage.start, min(passage.start + 60, passage.end))
    return head is not None and end <= head.end()
