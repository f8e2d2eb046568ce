"""What the threat features need of a passage, computed once per passage or document, whatever the mention.

:class:`DocumentHits` holds every cue of the document from one pass; :class:`PassageSummary` is a passage's cue
presence (for the neighbours of a mention's passage); :class:`PassageFeatures` indexes an analysed passage's hits by
family, so each mention's distances are a bisection and a short loop.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass

from threatmap.geoparse.context import ParseContext
from threatmap.geoparse.threat.analysis import Analysis
from threatmap.geoparse.threat.assess import Position
from threatmap.geoparse.threat.cues import Hit, document_hits
from threatmap.geoparse.threat.lexicon import BLOCKERS, POSITIVE
from threatmap.models import Passage

FAMILIES = ("threat", "presence_bound", "attack", "combat", "defeat", "history", "actor", "negation", "recent",
            "question", "partner", "locative", "anchor", "presuppose", "speech")
"""The cue families with features of their own (presence and distance)."""
FAR = 30
"""Token distances are capped here (and "absent" is this far)."""
POSITIVE_KINDS = frozenset(POSITIVE)
BLOCKER_KINDS = frozenset(BLOCKERS)
AGAINST_KINDS = frozenset({*BLOCKERS, "institution", "other_actor"})


@dataclass(frozen=True, slots=True)
class PassageSummary:
    dec_pos: bool
    actor: bool
    block: bool
    other: bool
    pos_count: int = 0


class DocumentHits:
    """Every cue of the whole document, found in one pass over its normalised text (normalised offsets)."""

    __slots__ = ("ctx", "hits", "starts")

    def __init__(self, ctx: ParseContext) -> None:
        self.ctx = ctx
        self.hits = document_hits(ctx)[1]
        self.starts = [h.start for h in self.hits]

    def within(self, passage: Passage) -> list[Hit]:
        """The hits inside ``passage`` (original offsets)."""
        n0, n1 = self.ctx.to_normalized(passage.start), self.ctx.to_normalized(passage.end)
        return [h for h in self.hits[bisect.bisect_left(self.starts, n0):bisect.bisect_left(self.starts, n1)]
                if h.end <= n1]

    def summary(self, passage: Passage | None) -> PassageSummary:
        """Raw cue presence of a neighbouring passage (no actor attribution: it is not analysed)."""
        if passage is None:
            return PassageSummary(False, False, False, False)
        kinds = [h.kind for h in self.within(passage)]
        pos = sum(1 for k in kinds if k in POSITIVE_KINDS)
        return PassageSummary(pos > 0, "actor" in kinds, any(k in BLOCKER_KINDS for k in kinds), "other_actor" in kinds,
                               pos)

    def quote(self, passage: Passage, kinds: frozenset[str]) -> str | None:
        """The last hit of ``kinds`` in ``passage``, verbatim."""
        found = [h for h in self.within(passage) if h.kind in kinds]
        if not found:
            return None
        s, e = self.ctx.to_original(found[-1].start, found[-1].end)
        return self.ctx.text[s:e].strip() or None


NO_SUMMARY = PassageSummary(False, False, False, False)


def summarize(a: Analysis | None) -> PassageSummary:
    if a is None:
        return PassageSummary(False, False, False, False)
    kinds = {h.kind for h in a.decisive}
    return PassageSummary(bool(kinds & POSITIVE_KINDS), bool(a.actor_toks), bool(kinds & BLOCKER_KINDS),
                           "other_actor" in kinds, sum(1 for h in a.decisive if h.kind in POSITIVE_KINDS))


def token_distance(toks: Sequence[tuple[int, int]], t0: int, t1: int) -> int:
    """Tokens from the mention [t0, t1] to the nearest of ``toks`` ((t0, t1) pairs), capped at ``FAR``."""
    best = FAR
    for h0, h1 in toks:  # min(FAR, max(0, h0 - t1, t0 - h1) over toks), without a generator per call
        d = h0 - t1
        if t0 - h1 > d:
            d = t0 - h1
        if d <= 0:
            return 0
        if d < best:
            best = d
    return best


def any_in(sorted_starts: list[int], c0: int, c1: int) -> bool:
    """Whether a value of ``sorted_starts`` lies in [c0, c1)."""
    i = bisect.bisect_left(sorted_starts, c0)
    return i < len(sorted_starts) and sorted_starts[i] < c1


@dataclass(frozen=True, slots=True)
class PassageFeatures:
    """What the features need of an analysed passage that does not depend on the mention (computed once)."""

    by_kind: dict[str, list[Hit]]
    toks: dict[str, list[tuple[int, int]]]  # family of FAMILIES -> (t0, t1) of its hits
    pos: list[Hit]
    block: list[Hit]
    other: list[Hit]
    negations: list[int]
    log_tokens: float
    block_toks: list[tuple[int, int]]
    other_toks: list[tuple[int, int]]
    starts: dict[str, list[int]]  # family of FAMILIES -> sorted character starts of its hits
    pos_toks: list[tuple[int, int]]
    pos_starts: list[int]
    block_starts: list[int]
    other_starts: list[int]
    against: list[Hit]
    """The deciding hits that speak against a threat (blockers, institutions, other actors), in the passage's order."""

    @classmethod
    def of(cls, a: Analysis) -> PassageFeatures:
        by_kind: dict[str, list[Hit]] = {}
        for h in a.hits:
            by_kind.setdefault(h.kind, []).append(h)
        block = [h for h in a.decisive if h.kind in BLOCKER_KINDS or h.kind == "institution"]
        other = [h for h in a.decisive if h.kind == "other_actor"]
        pos = [h for h in a.decisive if h.kind in POSITIVE_KINDS]
        against = [h for h in a.decisive if h.kind in AGAINST_KINDS]
        featured = [(k, by_kind[k]) for k in FAMILIES if k in by_kind]  # the families with features of their own
        return cls(by_kind, {k: [(h.t0, h.t1) for h in hs] for k, hs in featured}, pos, block, other,
                   sorted(h.start for h in by_kind.get("negation", ())), math.log1p(len(a.spans)),
                   [(h.t0, h.t1) for h in block], [(h.t0, h.t1) for h in other],
                   {k: sorted(h.start for h in hs) for k, hs in featured}, [(h.t0, h.t1) for h in pos],
                   sorted(h.start for h in pos), sorted(h.start for h in block), sorted(h.start for h in other),
                   against)

    def decisive_features(self, a: Analysis, at: Position) -> list[float]:
        """The rules' deciding hits (positive cues with ISIS as actor, blockers, other actors) around the mention."""
        t0, t1, c0, c1 = at.t0, at.t1, at.c0, at.c1
        pos, block = self.pos, self.block
        pos_toks = self.pos_toks
        pos_before = [tt for tt in pos_toks if tt[1] < t0]
        pos_after = [tt for tt in pos_toks if tt[0] > t1]
        return [float(any_in(self.pos_starts, c0, c1)), token_distance(pos_toks, t0, t1) / FAR,
                token_distance(pos_before, t0, t1) / FAR, token_distance(pos_after, t0, t1) / FAR,
                float(any_in(self.block_starts, c0, c1)), token_distance(self.block_toks, t0, t1) / FAR,
                float(any_in(self.other_starts, c0, c1)), token_distance(self.other_toks, t0, t1) / FAR,
                min(10, len(pos)), min(10, len(block)),
                min(10, len(a.actor_toks)), min(10, len(a.clauses)), float(any_in(self.negations, c0, c1))]
