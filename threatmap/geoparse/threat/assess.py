"""Decide whether a passage asserts present ISIS activity or threat at one place mention (rule-based cues)."""

from __future__ import annotations

import bisect
import datetime
import re
from dataclasses import dataclass
from itertools import accumulate

from threatmap.geoparse.threat.cues import (
    BLOCKERS,
    IS_RE,
    POSITIVE,
    DocumentCache,
    Hit,
    Text,
    cue_families,
    document_actors,
    find_hits,
    implied_actor,
    is_arabic,
    mostly_upper,
)
from threatmap.geoparse.threat.scope import (
    agency_speaker,
    clause_starts,
    dated_past,
    dateline,
    double_negation,
    interrogative_start,
    reference_year,
)
from threatmap.lang.clitics import AR_POSSESSIVE
from threatmap.models import Passage, ThreatDecision

__all__ = ["BLOCKERS", "POSITIVE", "assess", "cue_families"]

_WINDOW = 7  # tokens left of a mention searched for "with" (partner) and "embassy in" (institution)
_PRONOUNS = frozenset({"its", "their"})  # "its fighters": ISIS's, when the sentence names ISIS
_KMR_PRONOUNS = frozenset({"we", "wan"})  # "çekdarên wê": its fighters (after the normalisation, ê → e)
_NOT_NEGATED = re.compile(r"(?:لا|لم|ما)\s+(?:يزال|تزال|زال|زالت|ينته|تنته|تنتهي)|not only")


@dataclass(frozen=True, slots=True)
class _Analysis:
    """Everything about one passage that does not depend on the mention (offsets relative to ``base``)."""

    doc: Text
    base: int  # normalised offset of the passage in the document
    text: str  # the passage, normalised
    spans: tuple[tuple[int, int], ...]
    hits: tuple[Hit, ...]
    clauses: tuple[int, ...]  # character offsets where clauses start (the first is 0)
    interrogative_from: int  # character offset where the question part begins (len(text) if none)
    cover: dict[int, set[str]]  # token -> families of the hits covering it (never changed)
    governing: tuple[int, ...]  # prefix counts over tokens of positive cues and actors
    actor_toks: list[int]  # tokens where ISIS is named (sorted)
    decisive: list[Hit]
    decisive_starts: list[int]


_RELEVANT = frozenset({*POSITIVE, *BLOCKERS, "partner", "between", "institution", "agent", "other_actor",
                       "addressee", "owner", "not_mean", "agency"})
_FILLER = frozenset({"filler"})
_EMPTY: frozenset[str] = frozenset()
_GOVERNING = frozenset({"threat", "presence", "attack", "combat", "actor"})  # words that can govern a base


def _analyse(text: str, passage: Passage, ref_year: int | None) -> _Analysis | None:
    """The passage's cues, clauses and deciding hits (None when no cue could decide anything there); cached."""
    cache = DocumentCache.of(text).passages
    key = (passage.start, passage.end, ref_year)
    if key in cache:
        return cache[key]
    doc = DocumentCache.document(text)
    n0, n1 = doc.to_norm(passage.start), doc.to_norm(passage.end)
    ntext = doc.norm.text[n0:n1]
    spans, hits = find_hits(ntext)
    ptext = text[passage.start:passage.end]
    unsorted = False
    if IS_RE.search(ptext) and not mostly_upper(ptext):
        unsorted = True
        starts = [s for s, _ in spans]
        for m in IS_RE.finditer(ptext):
            s = doc.to_norm(passage.start + m.start()) - n0
            t = max(0, bisect.bisect_right(starts, s) - 1)
            hits.append(Hit(s, s + 2, t, t, "actor"))
    kinds = {h.kind for h in hits}
    if not passage.question and not kinds & _RELEVANT:
        cache[key] = None
        return None
    topic = "actor_weak" in kinds and document_actors(text)[0]
    if "actor_weak" in kinds:
        hits = [h if h.kind != "actor_weak" else Hit(h.start, h.end, h.t0, h.t1, "actor") for h in hits
                if h.kind != "actor_weak" or topic]
    if unsorted:
        hits.sort(key=lambda h: h.start)
    clauses = clause_starts(ntext)
    hits = dated_past(ntext, spans, double_negation(hits), clauses, ref_year)
    interrogative = interrogative_start(ntext, spans, hits, clauses, passage.question)
    has_actor = bool(kinds & {"actor", "other_actor"}) or topic
    separate = "separate" in kinds and any(h.kind == "separate" and h.t0 <= 1 for h in hits)  # another story
    kinds = {h.kind for h in hits}
    lookback = not has_actor and bool(kinds.intersection(POSITIVE)) and implied_actor(text, passage, separate)
    cover: dict[int, set[str]] = {}
    counts = [0] * (len(spans) + 1)
    for h in hits:
        if h.t0 == h.t1:
            cover.setdefault(h.t0, set()).add(h.kind)
        else:
            for t in range(h.t0, h.t1 + 1):
                cover.setdefault(t, set()).add(h.kind)
        if h.kind in _GOVERNING:
            counts[h.t0 + 1] += 1
    analysis = _Analysis(doc, n0, ntext, tuple(spans), tuple(hits), clauses, interrogative, cover,
                         tuple(accumulate(counts)), sorted(h.t0 for h in hits if h.kind == "actor"), [], [])
    decisive = _decisive(analysis, lookback)
    analysis.decisive.extend(decisive)
    analysis.decisive_starts.extend(h.start for h in decisive)
    cache[key] = analysis
    return analysis


def _clause(a: _Analysis, pos: int) -> tuple[int, int]:
    i = bisect.bisect_right(a.clauses, pos) - 1
    return a.clauses[i], a.clauses[i + 1] if i + 1 < len(a.clauses) else len(a.text)


def _tok(a: _Analysis, pos: int) -> int:
    return max(0, bisect.bisect_right(a.spans, (pos, len(a.text) + 1)) - 1)


def _decisive(a: _Analysis, lookback: bool) -> list[Hit]:
    """Positive cues whose actor is ISIS, blockers, and cues (or actors) that are about someone else."""
    clause_kinds: dict[int, set[str]] = {}
    clause_actors: dict[int, list[Hit]] = {}
    for h in a.hits:
        if h.kind in ("actor", "other_actor"):
            ci = bisect.bisect_right(a.clauses, h.start)
            clause_kinds.setdefault(ci, set()).add(h.kind)
            clause_actors.setdefault(ci, []).append(h)
    everywhere = set().union(*clause_kinds.values()) if clause_kinds else set()
    actor_toks = a.actor_toks
    negations = [h for h in a.hits if h.kind == "negation" and not _NOT_NEGATED.match(a.text, h.start)]
    negation_ends = sorted(h.t1 for h in negations)
    recent = any(h.kind == "recent" for h in a.hits)
    out: list[Hit] = []
    for h in a.hits:
        here = clause_kinds.get(bisect.bisect_right(a.clauses, h.start), set())
        if h.kind == "training" and _near(actor_toks, h.t0 - 2, h.t1 + 2):
            out.append(Hit(h.start, h.end, h.t0, h.t1, "presence"))  # an ISIS training camp is ISIS presence
        elif h.kind in BLOCKERS or (h.kind == "other_actor" and "actor" not in here):
            out.append(h)
        elif h.kind in POSITIVE and h.start < a.interrogative_from:
            kinds = here or everywhere
            actor = "actor" if "actor" in kinds else "other_actor" if kinds else "actor" if lookback else None
            if len(here) == 2:  # ISIS and another actor in the clause: the nearer one is the cue's actor
                ci = bisect.bisect_right(a.clauses, h.start)
                actor = min(clause_actors[ci], key=lambda x: (_gap(x, h), x.kind != "actor")).kind
            if actor == "other_actor":
                out.append(Hit(h.start, h.end, h.t0, h.t1, "other_actor"))
            elif actor == "actor" and not _near(negation_ends, h.t0 - 3, h.t0 - 1) and _valid(
                    h, actor_toks, recent, _possessed(a, h), lookback):
                out.append(h)
    return out


def _gap(x: Hit, y: Hit) -> int:
    """Tokens between two hits (0 when they touch or overlap)."""
    return max(0, x.t0 - y.t1, y.t0 - x.t1)


def _near(sorted_toks: list[int], lo: int, hi: int) -> bool:
    i = bisect.bisect_left(sorted_toks, lo)
    return i < len(sorted_toks) and sorted_toks[i] <= hi


def _possessed(a: _Analysis, h: Hit) -> bool:
    """Whether a pronoun owns the cue: "its cells", خلاياه (not خلية: the original letter is checked), çekdarên wê."""
    if h.t0 > 0 and a.text[slice(*a.spans[h.t0 - 1])] in _PRONOUNS:
        return True
    if h.t1 + 1 < len(a.spans) and a.text[slice(*a.spans[h.t1 + 1])] in _KMR_PRONOUNS:
        return True
    s, e = a.doc.to_original(a.base + h.start, a.base + h.end)
    return is_arabic(a.text[h.start]) and a.doc.original[s:e].endswith(AR_POSSESSIVE)


def _valid(cue: Hit, actor_toks: list[int], recent: bool, pronoun: bool, lookback: bool) -> bool:
    """Family conditions: presence words like وجود/presence sit next to ISIS; the war on ISIS needs a recent time.

    A pronoun ("its cells", خلاياه) stands for ISIS named in the sentence or, failing that, the actor looked back to.
    """
    if cue.kind == "presence_bound":  # "ISIS fighters", "fighters of ISIS", "its fighters fled", مسلحي داعش
        return _near(actor_toks, cue.t0 - 2, cue.t1 + 2) or ((bool(actor_toks) or lookback) and pronoun)
    if cue.kind == "war":
        return recent and _near(actor_toks, cue.t1 + 1, cue.t1 + 3)
    return True


def assess(text: str, passage: Passage, start: int, end: int, *, lang: str | None,
           doc_date: datetime.date | None = None) -> ThreatDecision:
    """Decide whether ``passage`` asserts present ISIS activity, presence or threat at ``text[start:end]``.

    Parameters
    ----------
    text
        The document's original text.
    passage
        The sentence that contains the mention (from :func:`threatmap.geoparse.passages.split_passages`).
    start, end
        The mention's span in ``text``.
    lang
        The document language (``ar``, ``en``, ``ckb``, ``kmr``) or None; the lexicon of every language is
        used, since documents mix scripts.
    doc_date
        The document's date, or None. A clause dated to an earlier year ("which at its peak in 2014 controlled
        …") is history; without a date, a year two or more years before the latest year the document names is.

    Returns
    -------
    ThreatDecision
        ``threat`` and the cue words (verbatim from the passage) that decided, or None when nothing did.
    """
    del lang
    if not (0 <= passage.start <= start < end <= passage.end <= len(text)):
        return ThreatDecision(False, None)
    a = _analyse(text, passage, reference_year(text, doc_date))
    if a is None or not a.spans:
        return ThreatDecision(False, None)
    m0 = a.doc.to_norm(start) - a.base
    m1 = max(m0 + 1, a.doc.to_norm(end) - a.base)
    t0, t1 = _tok(a, m0), _tok(a, m1 - 1)
    if dateline(text, passage, start, end, first=t0 == 0):
        return ThreatDecision(False, None)  # "BAGHDAD (Reuters) -", "أربيل - رووداو": where the report was filed
    c0, c1 = _clause(a, m0)
    partner = _partner(a, t0, c0)
    if partner is not None:
        return _decision(text, passage, a, partner, False)
    if m0 >= a.interrogative_from:
        return _question(text, passage, a)
    institution = (_institution(a, t0, t1, c0, c1) or _agent(a, t0, t1, c1) or _role(a, t0)
                   or _agency(a, t0, t1, c0, c1))
    if institution is not None:
        return _decision(text, passage, a, institution, False)
    best = _nearest(a, m0, m1, t0, t1, c0, c1)
    return _decision(text, passage, a, best, best is not None and best.kind in POSITIVE)


def _nearest(a: _Analysis, m0: int, m1: int, t0: int, t1: int, c0: int, c1: int) -> Hit | None:
    """The deciding cue: the nearest in the mention's clause, else the nearest before it, else after it."""
    i = bisect.bisect_left(a.decisive_starts, m0)
    left = next((h for h in reversed(a.decisive[max(0, i - 8):i]) if h.end <= m0), None)
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
    fragment = _plain_tokens(a, k0, k1, skip=(t0, t1)) < 3 or _near(a.actor_toks, k0, k1 - 1)
    if left is not None and k0 < len(a.spans) and "continuation" in a.cover.get(k0, ()):
        return left  # "attacks in the desert, especially south of Raqqa": the clause narrows the one before
    for hit in (left, right):
        if hit is None:
            continue
        h0, h1 = _clause(a, hit.start)
        relative = hit is right and "relative" in a.cover.get(_tok_range(a, h0, h1)[0], ())
        if fragment or relative or not _anchored(a, h0, h1):
            return hit
    return None


def _negated(a: _Analysis, c0: int, c1: int) -> bool:
    """Whether the clause [c0, c1) is negated ("no longer", لم يعد, not "not only", "لا يزال")."""
    i = bisect.bisect_left(a.hits, c0, key=lambda h: h.start)
    return any(h.kind == "negation" and not _NOT_NEGATED.match(a.text, h.start)
               and not a.cover.get(h.t0, set()) & {"continuation", "recent", "since"}  # ولا سيما، لا يزال
               for h in a.hits[i:bisect.bisect_left(a.hits, c1, key=lambda h: h.start)])


def _tok_range(a: _Analysis, c0: int, c1: int) -> tuple[int, int]:
    return bisect.bisect_left(a.spans, (c0, -1)), bisect.bisect_left(a.spans, (c1, -1))


def _plain_tokens(a: _Analysis, k0: int, k1: int, *, skip: tuple[int, int]) -> int:
    """Tokens of [k0, k1) outside ``skip`` that are not prepositions or conjunctions (a predicate of its own)."""
    minor = {"locative", "anchor", "partner", "between", "filler"}
    return sum(1 for k in range(k0, k1) if not skip[0] <= k <= skip[1] and not a.cover.get(k, _EMPTY) & minor
               and len(a.text[a.spans[k][0]:a.spans[k][1]]) > 2)


def _anchored(a: _Analysis, c0: int, c1: int) -> bool:
    """Whether the clause has a place of its own: a spatial preposition followed by a word that is not a cue."""
    k0, k1 = _tok_range(a, c0, c1)
    return any("anchor" in a.cover.get(k, _EMPTY) and k + 1 < k1 and not a.cover.get(k + 1, _EMPTY) - _FILLER
               for k in range(k0, k1))


def _hit_covering(a: _Analysis, tok: int, kind: str) -> Hit | None:
    i = bisect.bisect_right(a.hits, a.spans[tok][0], key=lambda h: h.start)
    return next((h for h in reversed(a.hits[max(0, i - 16):i]) if h.kind == kind and h.t0 <= tok <= h.t1), None)


def _partner(a: _Analysis, t0: int, c0: int) -> Hit | None:
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
        if kinds & {"locative", "actor", *POSITIVE, *BLOCKERS}:
            return None
    return None


def _institution(a: _Analysis, t0: int, t1: int, c0: int, c1: int) -> Hit | None:
    """An embassy/base/meeting the mention locates ("embassy in Baghdad", "Baghdad embassy"), not an attack on it."""
    first_clause_tok = bisect.bisect_left(a.spans, (c0, -1))
    for k in (*range(t0 - 1, max(t0 - 1 - _WINDOW, first_clause_tok - 1, -1), -1), t1 + 1):
        if "institution" not in a.cover.get(k, _EMPTY) or a.spans[k][0] >= c1:
            continue
        inst = _hit_covering(a, k, "institution")
        if inst is None or _near(a.actor_toks, inst.t0 - 2, inst.t1 + 2):
            continue  # "ISIS headquarters near Raqqa" locates ISIS
        lo = max(first_clause_tok, min(inst.t0, t0) - 4)
        if a.governing[t0] - a.governing[lo] == 0:
            return inst
    return None


def _agent(a: _Analysis, t0: int, t1: int, c1: int) -> Hit | None:
    """The place names who speaks or acts ("the United States condemns", "حكومة العراق"), not a location."""
    before = _hit_covering(a, t0 - 1, "agent") if t0 > 0 and "agent" in a.cover.get(t0 - 1, ()) else None
    if before is not None and is_arabic(a.text[before.start]):
        return before
    k = t1 + 1
    after = _hit_covering(a, k, "agent") if k < len(a.spans) and "agent" in a.cover.get(k, ()) else None
    if after is not None and after.t0 == k and after.start < c1 and not is_arabic(a.text[after.start]):
        return after
    return None


def _role(a: _Analysis, t0: int) -> Hit | None:
    """The place is addressed ("urged Baghdad", تذكير للعراق), owns a force ("artêşa Iraqê", سوپای عێراق) or locates
    the speaker ("a security source in Kirkuk", مصدر أمني في كركوك): not where ISIS acts."""
    if t0 == 0:
        return None
    before = a.cover.get(t0 - 1, _EMPTY)
    for kind in ("addressee", "owner"):
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


def _agency(a: _Analysis, t0: int, t1: int, c0: int, c1: int) -> Hit | None:
    """The place owns a ministry/agency that speaks ("the Kurdistan Region's Peshmerga ministry said"): a speaker."""
    k = agency_speaker(a.cover, a.governing, t0, t1)
    return None if k is None or not c0 <= a.spans[k][0] < c1 else _hit_covering(a, k, "agency")


def _question(text: str, passage: Passage, a: _Analysis) -> ThreatDecision:
    """A question asserts nothing unless it presupposes ISIS activity ("to reduce ISIS attacks there")."""
    q = a.interrogative_from
    part = [h for h in a.hits if h.start >= q]
    actors = sorted(h.t0 for h in part if h.kind == "actor")
    for h in part:
        # Arabic puts the actor after the noun (هجمات داعش); English before it (ISIS sleeper cells) or after of/by.
        arabic = is_arabic(a.text[h.start])
        before = not arabic and _near(actors, h.t0 - 1, h.t0 - 1)
        after = _near(actors, h.t1 + 1, h.t1 + (1 if arabic else 2))
        if h.kind == "presuppose" and (before or after):
            return _decision(text, passage, a, h, True)
    word = next((h for h in part if h.kind == "question"), None)
    return _decision(text, passage, a, word, False)


def _decision(text: str, passage: Passage, a: _Analysis, hit: Hit | None, threat: bool) -> ThreatDecision:
    if hit is None:
        return ThreatDecision(threat, None)
    s, e = a.doc.to_original(a.base + hit.start, a.base + hit.end)
    cue = text[s:e].strip()
    return ThreatDecision(threat, cue or None)
