"""The analysis of one passage for the threat stage: its cues, clauses and the hits that can decide (mention-free)."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from itertools import accumulate

from threatmap.geoparse.context import ParseContext
from threatmap.geoparse.threat.actors import IS_RE, document_actors, implied_actor, mostly_upper
from threatmap.geoparse.threat.cues import Hit, passage_hits
from threatmap.geoparse.threat.lexicon import BLOCKERS, POSITIVE
from threatmap.geoparse.threat.scope import clause_starts, dated_past, double_negation, interrogative_start
from threatmap.lang.clitics import AR_POSSESSIVE
from threatmap.lang.scripts import is_arabic
from threatmap.models import Passage

__all__ = ["NOT_NEGATED", "Analysis", "analyse", "near"]

_PRONOUNS = frozenset({"its", "their"})  # "its fighters": ISIS's, when the sentence names ISIS
_KMR_PRONOUNS = frozenset({"we", "wan"})  # "çekdarên wê": its fighters (after the normalisation, ê → e)
NOT_NEGATED = re.compile(r"(?:لا|لم|ما)\s+(?:يزال|تزال|زال|زالت|ينته|تنته|تنتهي)|not only")
"""Negation words that negate nothing: "لا يزال" (still), "لم ينته" (not over), "not only"."""


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything about one passage that does not depend on the mention (offsets relative to ``base``)."""

    ctx: ParseContext
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
_GOVERNING = frozenset({"threat", "presence", "attack", "combat", "actor"})  # words that can govern a base
_BLOCKERS = frozenset(BLOCKERS)  # "training" among them
_POSITIVE = frozenset(POSITIVE)
_NO_KINDS: frozenset[str] = frozenset()


def analyse(ctx: ParseContext, passage: Passage, ref_year: int | None) -> Analysis | None:
    """The passage's cues, clauses and deciding hits (None when no cue could decide anything there).

    Computed once per passage and reference year of the document being parsed (memoised in ``ctx``).
    """
    return ctx.memo(("threat.analysis", passage.start, passage.end, ref_year),
                    lambda: _analyse(ctx, passage, ref_year))


def _analyse(ctx: ParseContext, passage: Passage, ref_year: int | None) -> Analysis | None:
    text = ctx.text
    n0, n1 = ctx.to_normalized(passage.start), ctx.to_normalized(passage.end)
    ntext = ctx.norm.text[n0:n1]
    spans, hits = passage_hits(ctx, n0, n1)
    ptext = text[passage.start:passage.end]
    unsorted = False
    if IS_RE.search(ptext) and not mostly_upper(ptext):
        unsorted = True
        starts = [s for s, _ in spans]
        for m in IS_RE.finditer(ptext):
            s = ctx.to_normalized(passage.start + m.start()) - n0
            t = max(0, bisect.bisect_right(starts, s) - 1)
            hits.append(Hit(s, s + 2, t, t, "actor"))
    kinds = {h.kind for h in hits}
    if not passage.question and not kinds & _RELEVANT:
        return None
    topic = "actor_weak" in kinds and document_actors(ctx)[0]
    if "actor_weak" in kinds:
        hits = [h if h.kind != "actor_weak" else Hit(h.start, h.end, h.t0, h.t1, "actor") for h in hits
                if h.kind != "actor_weak" or topic]
    if unsorted:
        hits.sort(key=lambda h: h.start)
    if "direction" in kinds and "other_actor" in kinds:
        hits = directions_dropped(hits)
    clauses = clause_starts(ntext)
    hits = dated_past(ntext, spans, double_negation(hits), clauses, ref_year)
    interrogative = interrogative_start(ntext, spans, hits, clauses, passage.question)
    has_actor = bool(kinds & {"actor", "other_actor"}) or topic
    separate = "separate" in kinds and any(h.kind == "separate" and h.t0 <= 1 for h in hits)  # another story
    kinds = {h.kind for h in hits}
    lookback = not has_actor and bool(kinds.intersection(POSITIVE)) and implied_actor(ctx, passage, separate)
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
    analysis = Analysis(ctx, n0, ntext, tuple(spans), tuple(hits), clauses, interrogative, cover,
                         tuple(accumulate(counts)), sorted(h.t0 for h in hits if h.kind == "actor"), [], [])
    decisive = _decisive(analysis, lookback)
    analysis.decisive.extend(decisive)
    analysis.decisive_starts.extend(h.start for h in decisive)
    return analysis


_AGENT_REACH = 3  # tokens after an actor within which "ve" closes a passive agent ("ji aliyê artêşa Tirk ve")


def directions_dropped(hits: list[Hit]) -> list[Hit]:
    """``hits`` without the other actors named as a direction or side, right after a direction word ("from the
    direction of Turkey", "ji hêla Tirkîyê", من جهة تركيا, "بەرەو تورکیا"): a country there is where something came
    from or went, not who acted, so it does not take the cues around it from ISIS. A Kurmanji passive agent, the
    same words closed by "ve" ("ji aliyê artêşa Tirk ve": by the Turkish army), stays an actor."""
    direction_ends = {h.t1 for h in hits if h.kind == "direction"}
    closers = [h.t0 for h in hits if h.kind == "agent_close"]
    return [h for h in hits if not (
        h.kind == "other_actor" and h.t0 - 1 in direction_ends
        and not any(h.t1 < t <= h.t1 + _AGENT_REACH for t in closers))]


def _decisive(a: Analysis, lookback: bool) -> list[Hit]:
    """Positive cues whose actor is ISIS, blockers, and cues (or actors) that are about someone else."""
    clauses = a.clauses
    clause_kinds: dict[int, set[str]] = {}
    clause_actors: dict[int, list[Hit]] = {}
    negation_ends: list[int] = []
    recent = False
    for h in a.hits:  # one pass: the actors of each clause, the negations that negate, a recent time
        kind = h.kind
        if kind == "actor" or kind == "other_actor":
            ci = bisect.bisect_right(clauses, h.start)
            clause_kinds.setdefault(ci, set()).add(kind)
            clause_actors.setdefault(ci, []).append(h)
        elif kind == "negation":
            if not NOT_NEGATED.match(a.text, h.start):
                negation_ends.append(h.t1)
        elif kind == "recent":
            recent = True
    negation_ends.sort()
    everywhere = set().union(*clause_kinds.values()) if clause_kinds else set()
    actor_toks = a.actor_toks
    out: list[Hit] = []
    for h in a.hits:
        kind = h.kind
        if kind in _BLOCKERS:
            if kind == "training" and near(actor_toks, h.t0 - 2, h.t1 + 2):
                out.append(Hit(h.start, h.end, h.t0, h.t1, "presence"))  # an ISIS training camp is ISIS presence
            else:
                out.append(h)
        elif kind == "other_actor":
            if "actor" not in clause_kinds.get(bisect.bisect_right(clauses, h.start), _NO_KINDS):
                out.append(h)
        elif kind in _POSITIVE and h.start < a.interrogative_from:
            ci = bisect.bisect_right(clauses, h.start)
            here = clause_kinds.get(ci, _NO_KINDS)
            kinds = here or everywhere
            actor = "actor" if "actor" in kinds else "other_actor" if kinds else "actor" if lookback else None
            if len(here) == 2:  # ISIS and another actor in the clause: the nearer one is the cue's actor
                actor = min(clause_actors[ci], key=lambda x: (_gap(x, h), x.kind != "actor")).kind
            if actor == "other_actor":
                out.append(Hit(h.start, h.end, h.t0, h.t1, "other_actor"))
            elif actor == "actor" and not near(negation_ends, h.t0 - 3, h.t0 - 1) and _valid(
                    h, actor_toks, recent, _possessed(a, h), lookback):
                out.append(h)
    return out


def _gap(x: Hit, y: Hit) -> int:
    """Tokens between two hits (0 when they touch or overlap)."""
    return max(0, x.t0 - y.t1, y.t0 - x.t1)


def near(sorted_toks: list[int], lo: int, hi: int) -> bool:
    i = bisect.bisect_left(sorted_toks, lo)
    return i < len(sorted_toks) and sorted_toks[i] <= hi


def _possessed(a: Analysis, h: Hit) -> bool:
    """Whether a pronoun owns the cue: "its cells", خلاياه (not خلية: the original letter is checked), çekdarên wê."""
    if h.t0 > 0 and a.text[slice(*a.spans[h.t0 - 1])] in _PRONOUNS:
        return True
    if h.t1 + 1 < len(a.spans) and a.text[slice(*a.spans[h.t1 + 1])] in _KMR_PRONOUNS:
        return True
    s, e = a.ctx.to_original(a.base + h.start, a.base + h.end)
    return is_arabic(a.text[h.start]) and a.ctx.text[s:e].endswith(AR_POSSESSIVE)


def _valid(cue: Hit, actor_toks: list[int], recent: bool, pronoun: bool, lookback: bool) -> bool:
    """Family conditions: presence words like وجود/presence sit next to ISIS; the war on ISIS needs a recent time.

    A pronoun ("its cells", خلاياه) stands for ISIS named in the sentence or, failing that, the actor looked back to.
    """
    if cue.kind == "presence_bound":  # "ISIS fighters", "fighters of ISIS", "its fighters fled", مسلحي داعش
        return near(actor_toks, cue.t0 - 2, cue.t1 + 2) or ((bool(actor_toks) or lookback) and pronoun)
    if cue.kind == "war":
        return recent and near(actor_toks, cue.t1 + 1, cue.t1 + 3)
    return True
