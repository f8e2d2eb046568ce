"""Decide whether a passage asserts present ISIS activity or threat at one place mention (rule-based cues)."""

from __future__ import annotations

import bisect
import datetime
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from threatmap.geoparse.context import ParseContext
from threatmap.geoparse.threat.analysis import NOT_NEGATED, Analysis, analyse, near
from threatmap.geoparse.threat.cues import Hit
from threatmap.geoparse.threat.lexicon import BLOCKERS, POSITIVE, cue_families
from threatmap.geoparse.threat.scope import agency_speaker, dateline, reference_year
from threatmap.lang.scripts import is_arabic
from threatmap.models import Passage, ThreatDecision

__all__ = ["BLOCKERS", "POSITIVE", "Judgement", "PlaceRoles", "Position", "Span", "assess", "assess_text",
           "clause_at", "cue_families", "judge", "locate", "token_at"]

_FILLER = frozenset({"filler"})
_EMPTY: frozenset[str] = frozenset()
_WINDOW = 7  # tokens left of a mention searched for "with" (partner) and "embassy in" (institution)
_PARTNER_STOPS = frozenset({"locative", "actor", *POSITIVE, *BLOCKERS})
"""Families of a word that ends the search for a partner's "with" (built once, not per token)."""


def clause_at(a: Analysis, pos: int) -> tuple[int, int]:
    """The clause [start, end) of the analysed passage that contains character ``pos`` (passage-relative)."""
    i = bisect.bisect_right(a.clauses, pos) - 1
    return a.clauses[i], a.clauses[i + 1] if i + 1 < len(a.clauses) else len(a.text)


def token_at(a: Analysis, pos: int) -> int:
    """The token of the analysed passage at (or last before) character ``pos`` (passage-relative)."""
    return max(0, bisect.bisect_right(a.spans, (pos, len(a.text) + 1)) - 1)


class Span(Protocol):
    """A mention's span in the document's original text (a :class:`threatmap.geoparse.match.Match`)."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


class Position(NamedTuple):
    """Where a mention sits in an analysed passage: its normalised characters [m0, m1) relative to the passage,
    its first and last tokens, and its clause's characters [c0, c1)."""

    m0: int
    m1: int
    t0: int
    t1: int
    c0: int
    c1: int


def locate(a: Analysis, mention: Span) -> Position:
    """The :class:`Position` of ``mention`` (original offsets) in the analysed passage ``a``."""
    m0 = a.ctx.to_normalized(mention.start) - a.base
    m1 = max(m0 + 1, a.ctx.to_normalized(mention.end) - a.base)
    c0, c1 = clause_at(a, m0)
    return Position(m0, m1, token_at(a, m0), token_at(a, m1 - 1), c0, c1)


@dataclass(frozen=True, slots=True)
class PlaceRoles:
    """The roles the rules find for a place in its sentence (each the hit that gives it, or None)."""

    dateline: bool
    """The place is the report's dateline ("BAGHDAD (Reuters) -", "أربيل - رووداو")."""
    partner: Hit | None
    """A "with"/"between" governs it: a partner, not where ISIS acts."""
    institution: Hit | None
    """It locates an embassy, base or meeting ("embassy in Baghdad")."""
    agent: Hit | None
    """It names who speaks or acts ("the United States condemns")."""
    role: Hit | None
    """It is addressed, owns a force, or locates the speaker."""
    agency: Hit | None
    """It owns a ministry or agency that speaks."""

    @classmethod
    def of(cls, a: Analysis, passage: Passage, mention: Span, pos: Position) -> PlaceRoles:
        """Every role of ``mention`` at ``pos`` in the analysed ``passage``."""
        t0, t1, c0, c1 = pos.t0, pos.t1, pos.c0, pos.c1
        return cls(dateline(a.ctx.text, passage, mention.start, mention.end, first=t0 == 0), _partner(a, t0, c0),
                   _institution(a, t0, t1, c0, c1), _agent(a, t0, t1, c1), _role(a, t0),
                   _agency(a, t0, t1, c0, c1))


@dataclass(frozen=True, slots=True)
class Judgement:
    """The rules' decision on a mention, with the analysis, position and roles it was made from (None when the
    passage has nothing to analyse or the mention lies outside it)."""

    decision: ThreatDecision
    analysis: Analysis | None = None
    position: Position | None = None
    roles: PlaceRoles | None = None


def judge(ctx: ParseContext, passage: Passage, mention: Span) -> Judgement:
    """:func:`assess`, keeping what the decision was made from (the threat model's features reuse it)."""
    text, start, end = ctx.text, mention.start, mention.end
    if not (0 <= passage.start <= start < end <= passage.end <= len(text)):
        return Judgement(ThreatDecision(False, None))
    a = analyse(ctx, passage, reference_year(ctx))
    if a is None or not a.spans:
        return Judgement(ThreatDecision(False, None), a)
    pos = locate(a, mention)
    roles = PlaceRoles.of(a, passage, mention, pos)
    return Judgement(_verdict(text, passage, a, pos, roles), a, pos, roles)


def assess(ctx: ParseContext, passage: Passage, mention: Span) -> ThreatDecision:
    """Decide whether ``passage`` asserts present ISIS activity, presence or threat at ``mention``.

    Parameters
    ----------
    ctx
        The document being parsed: its original text, normalised view and date. The document's date decides
        which clauses are history: a clause dated to an earlier year ("which at its peak in 2014 controlled …")
        is; without a date, a year two or more years before the latest year the document names is. The lexicon
        of every language is used, since documents mix scripts.
    passage
        The sentence that contains the mention (from :func:`threatmap.geoparse.passages.split_passages`).
    mention
        The mention's span in ``ctx.text``.

    Returns
    -------
    ThreatDecision
        ``threat`` and the cue words (verbatim from the passage) that decided, or None when nothing did.
    """
    return judge(ctx, passage, mention).decision


def _verdict(text: str, passage: Passage, a: Analysis, pos: Position, roles: PlaceRoles) -> ThreatDecision:
    """The rules in order: dateline, partner, question, institution/agent/role/agency, then the nearest cue."""
    if roles.dateline:
        return ThreatDecision(False, None)  # "BAGHDAD (Reuters) -", "أربيل - رووداو": where the report was filed
    if roles.partner is not None:
        return _decision(text, passage, a, roles.partner, False)
    if pos.m0 >= a.interrogative_from:
        return _question(text, passage, a)
    institution = roles.institution or roles.agent or roles.role or roles.agency
    if institution is not None:
        return _decision(text, passage, a, institution, False)
    best = _nearest(a, *pos)
    return _decision(text, passage, a, best, best is not None and best.kind in POSITIVE)


def assess_text(text: str, passage: Passage, start: int, end: int, *, lang: str | None = None,
                doc_date: datetime.date | None = None) -> ThreatDecision:
    """:func:`assess` of the span ``text[start:end]`` of a document given by its text alone (tests, one-off use).

    Each call builds its own :class:`ParseContext`: within a parse, use :func:`assess` with the parse's context.
    """
    return assess(ParseContext(text, lang=lang, doc_date=doc_date), passage, _Span(start, end))


class _Span(NamedTuple):
    start: int
    end: int


def _nearest(a: Analysis, m0: int, m1: int, t0: int, t1: int, c0: int, c1: int) -> Hit | None:
    """The deciding cue: the nearest in the mention's clause, else the nearest before it, else after it."""
    i = bisect.bisect_left(a.decisive_starts, m0)
    left = None
    for k in range(i - 1, max(0, i - 8) - 1, -1):  # the last of the 8 hits before the mention that ends before it
        if a.decisive[k].end <= m0:
            left = a.decisive[k]
            break
    j = bisect.bisect_left(a.decisive_starts, m1)
    right = a.decisive[j] if j < len(a.decisive) and a.decisive[j].start < a.interrogative_from else None
    in_left = left if left is not None and left.start >= c0 else None
    in_right = right if right is not None and right.start < c1 else None
    if in_left and in_right:
        return in_left if t0 - in_left.t1 <= in_right.t0 - t1 else in_right
    if in_left or in_right:
        return in_left or in_right
    if _negated(a, c0, c1):  # "ISIS no longer holds territory in Iraq, but its cells …": Iraq is denied
        return None
    # A cue of another clause reaches a list item ("in Anbar, Diyala, Kirkuk"), or a clause of its own only when
    # the cue's clause has no place of its own ("ISIS is a threat, so we stay in Iraq").
    k0, k1 = _tok_range(a, c0, c1)  # a list item, or a clause about ISIS itself ("an ISIS leader in Syria")
    fragment = _plain_tokens(a, k0, k1, skip=(t0, t1)) < 3 or near(a.actor_toks, k0, k1 - 1)
    if left is not None and k0 < len(a.spans) and "continuation" in a.cover.get(k0, ()):
        return left  # "attacks in the desert, especially south of Raqqa": the clause narrows the one before
    for hit in (left, right):
        if hit is None:
            continue
        h0, h1 = clause_at(a, hit.start)
        relative = hit is right and "relative" in a.cover.get(_tok_range(a, h0, h1)[0], ())
        if fragment or relative or not _anchored(a, h0, h1):
            return hit
    return None


def _negated(a: Analysis, c0: int, c1: int) -> bool:
    """Whether the clause [c0, c1) is negated ("no longer", لم يعد, not "not only", "لا يزال")."""
    i = bisect.bisect_left(a.hits, c0, key=lambda h: h.start)
    return any(h.kind == "negation" and not NOT_NEGATED.match(a.text, h.start)
               and not a.cover.get(h.t0, set()) & {"continuation", "recent", "since"}  # ولا سيما، لا يزال
               for h in a.hits[i:bisect.bisect_left(a.hits, c1, key=lambda h: h.start)])


def _tok_range(a: Analysis, c0: int, c1: int) -> tuple[int, int]:
    return bisect.bisect_left(a.spans, (c0, -1)), bisect.bisect_left(a.spans, (c1, -1))


def _plain_tokens(a: Analysis, k0: int, k1: int, *, skip: tuple[int, int]) -> int:
    """Tokens of [k0, k1) outside ``skip`` that are not prepositions or conjunctions (a predicate of its own)."""
    minor = {"locative", "anchor", "partner", "between", "filler"}
    return sum(1 for k in range(k0, k1) if not skip[0] <= k <= skip[1] and not a.cover.get(k, _EMPTY) & minor
               and len(a.text[a.spans[k][0]:a.spans[k][1]]) > 2)


def _anchored(a: Analysis, c0: int, c1: int) -> bool:
    """Whether the clause has a place of its own: a spatial preposition followed by a word that is not a cue."""
    k0, k1 = _tok_range(a, c0, c1)
    return any("anchor" in a.cover.get(k, _EMPTY) and k + 1 < k1 and not a.cover.get(k + 1, _EMPTY) - _FILLER
               for k in range(k0, k1))


def _hit_covering(a: Analysis, tok: int, kind: str) -> Hit | None:
    i = bisect.bisect_right(a.hits, a.spans[tok][0], key=lambda h: h.start)
    return next((h for h in reversed(a.hits[max(0, i - 16):i]) if h.kind == kind and h.t0 <= tok <= h.t1), None)


def _partner(a: Analysis, t0: int, c0: int) -> Hit | None:
    """A "with"/"between" that governs the mention (through a list of names), before any locative word."""
    for k in range(t0 - 1, max(t0 - 1 - _WINDOW, -1), -1):
        if a.spans[k][0] < c0:
            return None
        kinds = a.cover.get(k, _EMPTY)
        if "partner" in kinds:
            return _hit_covering(a, k, "partner")
        if "between" in kinds:  # "talks between Baghdad and Erbil"; but "the border between Iraq and Syria"
            hit = _hit_covering(a, k, "between")
            relational = hit is not None and any(
                "relational" in a.cover.get(j, frozenset()) for j in range(max(0, hit.t0 - 3), hit.t0))
            return hit if relational else None
        if not kinds.isdisjoint(_PARTNER_STOPS):
            return None
    return None


def _institution(a: Analysis, t0: int, t1: int, c0: int, c1: int) -> Hit | None:
    """An embassy/base/meeting the mention locates ("embassy in Baghdad", "Baghdad embassy"), not an attack on it."""
    first_clause_tok = bisect.bisect_left(a.spans, (c0, -1))
    for k in (*range(t0 - 1, max(t0 - 1 - _WINDOW, first_clause_tok - 1, -1), -1), t1 + 1):
        if "institution" not in a.cover.get(k, _EMPTY) or a.spans[k][0] >= c1:
            continue
        inst = _hit_covering(a, k, "institution")
        if inst is None or near(a.actor_toks, inst.t0 - 2, inst.t1 + 2):
            continue  # "ISIS headquarters near Raqqa" locates ISIS
        lo = max(first_clause_tok, min(inst.t0, t0) - 4)
        if a.governing[t0] - a.governing[lo] == 0:
            return inst
    return None


def _agent(a: Analysis, t0: int, t1: int, c1: int) -> Hit | None:
    """The place names who speaks or acts ("the United States condemns", "حكومة العراق"), not a location."""
    before = _hit_covering(a, t0 - 1, "agent") if t0 > 0 and "agent" in a.cover.get(t0 - 1, ()) else None
    if before is not None and is_arabic(a.text[before.start]):
        return before
    k = t1 + 1
    after = _hit_covering(a, k, "agent") if k < len(a.spans) and "agent" in a.cover.get(k, ()) else None
    if after is not None and after.t0 == k and after.start < c1 and not is_arabic(a.text[after.start]):
        return after
    return None


def _role(a: Analysis, t0: int) -> Hit | None:
    """The place is addressed ("urged Baghdad", تذكير للعراق), owns a force ("artêşa Iraqê", سوپای عێراق), is the
    direction something came from ("ji hêla Tirkîyê ketin nav Kobanê", "from the direction of Turkey") or locates
    the speaker ("a security source in Kirkuk", مصدر أمني في كركوك): not where ISIS acts."""
    if t0 == 0:
        return None
    before = a.cover.get(t0 - 1, _EMPTY)
    for kind in ("addressee", "owner", "direction"):
        if kind in before:
            hit = _hit_covering(a, t0 - 1, kind)
            if hit is not None and hit.t1 == t0 - 1:
                return hit
    if "anchor" in before and t0 >= 2:
        for k in (t0 - 2, t0 - 3):  # "... told", "according to a security source in X" (not "A source in X said")
            speaker = _hit_covering(a, k, "speaker") if k >= 0 and "speaker" in a.cover.get(k, ()) else None
            if speaker is not None and (a.spans[speaker.t0][0] >= a.clauses[1 if len(a.clauses) > 1 else 0] > 0
                                        or any("reported" in a.cover.get(j, ())
                                               for j in range(max(0, speaker.t0 - 2), speaker.t0))):
                return speaker
    return None


def _agency(a: Analysis, t0: int, t1: int, c0: int, c1: int) -> Hit | None:
    """The place owns a ministry/agency that speaks ("the Kurdistan Region's Peshmerga ministry said"): a speaker."""
    k = agency_speaker(a.cover, a.governing, t0, t1)
    return None if k is None or not c0 <= a.spans[k][0] < c1 else _hit_covering(a, k, "agency")


def _question(text: str, passage: Passage, a: Analysis) -> ThreatDecision:
    """A question asserts nothing unless it presupposes ISIS activity ("to reduce ISIS attacks there")."""
    q = a.interrogative_from
    part = [h for h in a.hits if h.start >= q]
    actors = sorted(h.t0 for h in part if h.kind == "actor")
    for h in part:
        # Arabic puts the actor after the noun (هجمات داعش); English before it (ISIS sleeper cells) or after of/by.
        arabic = is_arabic(a.text[h.start])
        before = not arabic and near(actors, h.t0 - 1, h.t0 - 1)
        after = near(actors, h.t1 + 1, h.t1 + (1 if arabic else 2))
        if h.kind == "presuppose" and (before or after):
            return _decision(text, passage, a, h, True)
    word = next((h for h in part if h.kind == "question"), None)
    return _decision(text, passage, a, word, False)


def _decision(text: str, passage: Passage, a: Analysis, hit: Hit | None, threat: bool) -> ThreatDecision:
    if hit is None:
        return ThreatDecision(threat, None)
    s, e = a.ctx.to_original(a.base + hit.start, a.base + hit.end)
    cue = text[s:e].strip()
    return ThreatDecision(threat, cue or None)
