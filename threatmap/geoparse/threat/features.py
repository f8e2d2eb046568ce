"""Features of one place mention for the threat model: the rules' cue analysis, the place's role, the context.

No feature is a word identity: every value is a cue family's presence or token distance, a role the rules find
(dateline, partner, institution, addressee, speaker, distance reference point, list member), a count or density
over the passage, its neighbours and the document, the place's type and precision, and the rules' own verdict.
So a model over them carries from one language to another as far as the cue lexicon does. The language itself is
not a feature: its share of threats differs between gold sets and real collections, and a language prior learned from
a few Kurdish documents would override the cues (cross-validated: every language scored better without it).
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter

from threatmap.geoparse.context import ParseContext
from threatmap.geoparse.threat.actors import actor_marks, document_actors
from threatmap.geoparse.threat.analysis import Analysis, analyse
from threatmap.geoparse.threat.assess import PlaceRoles, Position, judge, locate
from threatmap.geoparse.threat.cues import Hit
from threatmap.geoparse.threat.lists import list_features, listed
from threatmap.geoparse.threat.passage_features import (
    FAMILIES,
    FAR,
    NO_SUMMARY,
    POSITIVE_KINDS,
    DocumentHits,
    PassageFeatures,
    PassageSummary,
    any_in,
    summarize,
    token_distance,
)
from threatmap.geoparse.threat.scope import dateline, reference_year
from threatmap.models import Passage, ThreatDecision

__all__ = ["FEATURE_NAMES", "FeatureRow", "MentionSpan", "document_features"]

_DOCFAMILIES = ("threat", "presence", "presence_bound", "attack", "combat", "war", "defeat", "history",
                 "humanitarian", "political", "stability", "institution", "recent", "negation", "question")
_YEAR_RE = re.compile(r"(?:19[5-9]|20[0-4])\d")
"""Four digits of a year 1950-2049; :func:`_years` checks that no digit touches them (apart: a regex lookbehind tried
at every character scans four times slower, and the digits a candidate consumed cannot start another year)."""
_PREV_WORDS: dict[str, tuple[str, ...]] = {  # closed-class words right before a place, by role (all languages)
    "in": ("in", "at", "inside", "within", "throughout", "across", "في", "فى", "داخل", "li", "le", "لە", "له", "di"),
    "from": ("from", "من", "ji", "لە", "له"),
    "to": ("to", "into", "toward", "towards", "إلى", "الى", "نحو", "بۆ", "bo", "ber"),
    "near": ("near", "around", "outside", "قرب", "بالقرب", "حول", "نزيك", "nêzîk", "derdora"),
    "of": ("of", "for", "لـ", "xwe"),
    "with": ("with", "and", "مع", "و", "û", "digel"),
}
_PREV_KEYS = tuple(_PREV_WORDS)
_PREV_ROWS = {w: tuple(float(w in _PREV_WORDS[k]) for k in _PREV_KEYS) for ws in _PREV_WORDS.values() for w in ws}
"""A closed-class word -> its ``prev_word_*`` values (a word of no role: all 0)."""
_NO_PREV = (0.0,) * len(_PREV_KEYS)
_KIND = itemgetter(4)  # a Hit's family
_WORD_RE = re.compile(r"[^\W\d_]+")
_TYPES = ("country", "governorate", "district", "subdistrict", "city", "town", "village", "camp", "mountain_range",
          "desert", "plain", "valley", "river", "lake", "region")
_KIND_ROWS = {t: tuple(float(t == u) for u in _TYPES) for t in _TYPES}
"""A place type -> its ``type_*`` values (a type outside ``_TYPES``: all 0)."""
_NO_KIND = (0.0,) * len(_TYPES)
_DISTANCE_RE = re.compile(  # "20 km southwest of", "على بعد 30 كم جنوب", "50 kîlometre li başûrê"
    r"\d[\d,.]*\s*(?:km|kilomet|kîlomet|mile|كم|كيلو|میل|كیلۆ|کیلۆ)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class MentionSpan:
    """A mention to featurise: its span in the original text, its passage and its place's type and precision."""

    start: int
    end: int
    passage: Passage
    place_type: str
    precision: int
    place_id: str = ""
    country: str | None = None
    """ISO code of the country the place lies in (None for places abroad without one, and for an unlocated name:
    that is neither in Iraq/Syria nor abroad for the model)."""


def _names() -> tuple[str, ...]:
    names = ["rule_threat", "rule_has_cue", "dateline", "partner", "institution", "agent", "role", "agency",
             "in_question", "passage_question", "distance_ref", "list_member", "mentions_in_passage",
             "mentions_in_clause", "mention_first_token", "passage_tokens", "passage_index_rel", "first_passage",
             "dec_pos_same_clause", "dec_pos_dist", "dec_pos_before_dist", "dec_pos_after_dist",
             "dec_block_same_clause", "dec_block_dist", "dec_other_same_clause", "dec_other_dist",
             "pos_count", "block_count", "actor_count", "clause_count", "clause_negated",
             "prev1_dec_pos", "prev1_actor", "prev1_block", "prev1_other", "prev2_dec_pos", "prev2_actor",
             "next1_dec_pos", "next1_actor", "same_line_prev", "doc_isis", "doc_other", "doc_actor_density",
             "doc_other_density", "doc_pos_passages", "doc_block_passages", "doc_dated", "doc_age"]
    for fam in FAMILIES:
        names += [f"{fam}_clause", f"{fam}_dist"]
    names += [f"type_{t}" for t in _TYPES] + ["precision"]
    names += ["actor_before_dist", "actor_after_dist", "heading", "doc_offset", "same_place_elsewhere",
              "same_place_threat_share", "prev1_pos_count", "next1_pos_count", "next1_block"]
    names += [f"doc_{fam}_density" for fam in _DOCFAMILIES]
    names += ["doc_past_years", "doc_latest_year_gap", "doc_kb", "in_iraq_syria", "abroad"]
    names += [f"prev_word_{k}" for k in _PREV_KEYS] + ["possessive_after", "capital_after", "role_block"]
    names += ["list_size", "list_rule_share"]
    return tuple(names)


FEATURE_NAMES: tuple[str, ...] = _names()
"""The model's input columns, in order."""


@dataclass(frozen=True, slots=True)
class FeatureRow:
    """A mention's feature values, the rules' decision, and the cue words to quote for either verdict."""

    values: tuple[float, ...]
    rule: ThreatDecision
    for_threat: str | None
    """The nearest positive cue with ISIS as its actor (in the passage, else the passage before), verbatim."""
    against: str | None
    """The nearest blocker, institution or other actor in the passage, verbatim."""


def document_features(ctx: ParseContext, mentions: Sequence[MentionSpan]) -> list[FeatureRow]:
    """One feature row (``FEATURE_NAMES``) per mention of the document being parsed, in the order given."""
    text, passages, doc_date = ctx.text, ctx.passages, ctx.doc_date
    ref_year = reference_year(ctx)
    starts = [p.start for p in passages]
    analyses: dict[int, Analysis | None] = {}

    def analysis(k: int) -> Analysis | None:
        if k not in analyses:
            analyses[k] = analyse(ctx, passages[k], ref_year) if 0 <= k < len(passages) else None
        return analyses[k]

    doc_hits = DocumentHits(ctx)
    neighbours: dict[int, PassageSummary] = {}

    def neighbour(k: int) -> PassageSummary:
        if k not in neighbours:
            neighbours[k] = doc_hits.summary(passages[k] if 0 <= k < len(passages) else None)
        return neighbours[k]

    marks = actor_marks(ctx)
    isis, other = document_actors(ctx)
    kb = max(1.0, len(text) / 1000)
    n_isis = sum(1 for _, fam in marks if fam != "other_actor")
    n_other = sum(1 for _, fam in marks if fam == "other_actor")
    mention_passages = sorted({bisect.bisect_right(starts, m.passage.start) - 1 for m in mentions})
    summaries = {k: summarize(analysis(k)) for k in mention_passages}
    pos_share = sum(s.dec_pos for s in summaries.values()) / max(1, len(summaries))
    block_share = sum(s.block for s in summaries.values()) / max(1, len(summaries))
    doc_ctx = [float(isis), float(other), min(5.0, n_isis / kb), min(5.0, n_other / kb), pos_share, block_share,
               float(doc_date is not None),
               0.0 if doc_date is None or ref_year is None else min(10.0, max(0.0, doc_date.year - ref_year))]
    tail = _document_tail(text, doc_hits.hits, kb, ref_year)
    per_passage: dict[int, PassageFeatures] = {}  # id of an Analysis (alive in ctx's memo) -> its features
    sibling_nstarts: dict[int, list[int]] = {}  # passage start -> normalised starts of its mentions
    by_passage: dict[int, list[MentionSpan]] = {}
    by_place: dict[str, list[MentionSpan]] = {}
    for m in mentions:
        by_passage.setdefault(m.passage.start, []).append(m)
        if m.place_id:
            by_place.setdefault(m.place_id, []).append(m)
    elsewhere = _Elsewhere(mentions, by_place, [summaries.get(bisect.bisect_right(starts, m.passage.start) - 1,
                                                               NO_SUMMARY).dec_pos for m in mentions])
    headings: dict[tuple[int, int], bool] = {}
    rows: list[tuple[list[float], ThreatDecision, str | None, str | None]] = []
    for m in mentions:
        k = bisect.bisect_right(starts, m.passage.start) - 1
        k = k if 0 <= k < len(passages) and (passages[k] is m.passage or passages[k] == m.passage) else -1
        a = analysis(k) if k >= 0 else analyse(ctx, m.passage, ref_year)
        judged = judge(ctx, m.passage, m)
        decision = judged.decision
        pos = roles = None
        if a is not None and a.spans:
            if judged.analysis is a and judged.position is not None and judged.roles is not None:
                pos, roles = judged.position, judged.roles
            else:
                pos = locate(a, m)
                roles = PlaceRoles.of(a, m.passage, m, pos)
        per = per_passage.get(id(a)) if a is not None else None
        if a is not None and per is None:
            per = per_passage[id(a)] = PassageFeatures.of(a)
        context = [neighbour(k - 1) if k > 0 else neighbour(-1), neighbour(k - 2) if k > 1 else neighbour(-1),
                   neighbour(k + 1) if k >= 0 else neighbour(-1)]
        same_line = k > 0 and "\n" not in text[passages[k - 1].end:m.passage.start]
        siblings = by_passage[m.passage.start]
        sibling_starts = sibling_nstarts.get(m.passage.start)
        if sibling_starts is None:
            sibling_starts = sibling_nstarts[m.passage.start] = [ctx.to_normalized(o.start) for o in siblings]
        values = _row(text, a, per, pos, roles, m, siblings, sibling_starts, context, same_line, doc_ctx,
                      index=(k, len(passages)))
        n_others, others_pos = elsewhere.of(m)
        heading = headings.get((m.passage.start, m.passage.end))
        if heading is None:
            heading = headings[m.passage.start, m.passage.end] = _heading(text, m.passage)
        values += [*_actor_sides(a, pos), float(heading), min(1.0, m.start / 2000), min(5, n_others),
                   others_pos / n_others if n_others else -1.0, min(10, context[0].pos_count),
                   min(10, context[2].pos_count), float(context[2].block), *tail,
                   float(m.country in ("IQ", "SY")), float(bool(m.place_id) and m.country not in ("IQ", "SY")),
                   *_word_context(text, m), float(_role_block(a, pos, roles))]
        for_threat = (per is not None and _quote(text, a, pos, per.pos)) or (
            doc_hits.quote(passages[k - 1], POSITIVE_KINDS) if k > 0 and same_line and context[0].actor else None)
        against = _quote(text, a, pos, per.against) if per is not None else None
        rows.append(([float(decision.threat), float(decision.cue is not None), *values], decision, for_threat,
                     against))
    extra = list_features(text, mentions, [r[1].threat for r in rows])
    return [FeatureRow((*values, *x), rule, for_threat, against)
            for (values, rule, for_threat, against), x in zip(rows, extra, strict=True)]


def _role_block(a: Analysis | None, pos: Position | None, roles: PlaceRoles | None) -> bool:
    """Whether a role of the place decides the rules' verdict before any cue: a dateline, a partner, an institution,
    an agent, an addressee/owner/speaker, a speaking agency, or the question part of the passage."""
    if a is None or pos is None or roles is None:
        return False
    return roles.dateline or pos.m0 >= a.interrogative_from or any(
        r is not None for r in (roles.partner, roles.institution, roles.agent, roles.role, roles.agency))


def _heading(text: str, p: Passage) -> bool:
    """Whether the passage is a line of its own of at most 12 words without final punctuation (a heading)."""
    line0 = text.rfind("\n", 0, p.start) + 1
    line1 = text.find("\n", p.end)
    return (line1 < 0 or not text[p.end:line1].strip()) and not text[line0:p.start].strip() \
        and len(text[p.start:p.end].split()) <= 12 and not text[p.start:p.end].rstrip().endswith((".", "؟", "?", "!"))


class _Elsewhere:
    """The other mentions of a mention's place in the document: how many, and how many of their passages have a
    positive cue with ISIS as its actor (sums per place, so a place named n times costs n, not n²)."""

    __slots__ = ("by_place", "count", "mult", "own", "total")

    def __init__(self, mentions: Sequence[MentionSpan], by_place: dict[str, list[MentionSpan]],
                 dec_pos: list[bool]) -> None:
        self.by_place = by_place
        self.own = {id(m): int(d) for m, d in zip(mentions, dec_pos, strict=True)}
        self.mult: dict[int, int] = {}
        for m in mentions:
            self.mult[id(m)] = self.mult.get(id(m), 0) + 1
        self.total = {place: sum(self.own[id(o)] for o in ms) for place, ms in by_place.items()}

    def of(self, m: MentionSpan) -> tuple[int, int]:
        """(other mentions of m's place, how many of them sit in a passage with a positive decisive cue)."""
        if not m.place_id:
            return 0, 0
        same = self.mult[id(m)]
        return len(self.by_place[m.place_id]) - same, self.total[m.place_id] - same * self.own[id(m)]


def _word_context(text: str, m: MentionSpan) -> list[float]:
    """The closed-class word right before the place (in / from / to / near / of / with), "'s" after it, and
    whether a capitalised word follows (a Latin appositive or an organisation name)."""
    before = _WORD_RE.findall(text[max(m.passage.start, m.start - 24):m.start])
    word = before[-1].lower() if before else ""
    prev = _PREV_ROWS.get(word, _NO_PREV)
    after = text[m.end:m.end + 3]
    nxt = _WORD_RE.search(text, m.end, min(m.end + 20, m.passage.end))
    return [*prev, float(after.startswith(("'s", "’s"))), float(nxt is not None and nxt.group()[0].isupper())]


def _document_tail(text: str, hits: Sequence[Hit], kb: float, ref_year: int | None) -> list[float]:
    """Cue densities over the whole document, and how much of it is dated in the past."""
    counts = Counter(map(_KIND, hits))
    years = _years(text)
    past = sum(1 for y in years if ref_year is not None and y < ref_year - 1)
    latest_gap = (ref_year - max(years)) if years and ref_year is not None else 0
    return [*(min(20.0, counts[f] / kb) for f in _DOCFAMILIES), min(20.0, past / kb),
            float(max(-5, min(20, latest_gap))), math.log1p(kb)]


def _years(text: str) -> list[int]:
    """The years 1950-2049 written in ``text`` as four digits with no other digit (of any script) beside them."""
    n = len(text)
    return [int(m[0]) for m in _YEAR_RE.finditer(text)
            if not (m.start() and text[m.start() - 1].isdecimal()) and not (m.end() < n and text[m.end()].isdecimal())]


def _actor_sides(a: Analysis | None, pos: Position | None) -> list[float]:
    """Token distance to the nearest ISIS mention before and after the place, in the same passage."""
    if a is None or pos is None:
        return [1.0, 1.0]
    toks = a.actor_toks  # sorted
    i, j = bisect.bisect_left(toks, pos.t0), bisect.bisect_right(toks, pos.t1)
    before = min(FAR, pos.t0 - toks[i - 1]) if i > 0 else FAR
    after = min(FAR, toks[j] - pos.t1) if j < len(toks) else FAR
    return [before / FAR, after / FAR]


def _quote(text: str, a: Analysis | None, pos: Position | None, hits: Sequence[Hit]) -> str | None:
    """The hit of ``hits`` (deciding hits of ``a``, in order) nearest the mention at ``pos`` (the last one, when
    ``pos`` is None), verbatim."""
    if a is None or not hits:
        return None
    if pos is not None:
        m0 = pos.m0
        hit = min(hits, key=lambda h: abs(h.start - m0))
    else:
        hit = hits[-1]
    s, e = a.ctx.to_original(a.base + hit.start, a.base + hit.end)
    return text[s:e].strip() or None


def _row(text: str, a: Analysis | None, per: PassageFeatures | None, pos: Position | None,
         roles_of: PlaceRoles | None, m: MentionSpan, siblings: Sequence[MentionSpan], sibling_starts: list[int],
         context: list[PassageSummary],
         same_line: bool, doc_ctx: list[float], *, index: tuple[int, int]) -> list[float]:
    """Every feature but the first two (the rules' verdict)."""
    p = m.passage
    before = text[max(p.start, m.start - 40):m.start]
    distance_ref = _DISTANCE_RE.search(before) is not None
    list_member = any(listed(text, o, m) for o in siblings)
    fam_vals: list[float] = []
    if a is None or per is None or pos is None or roles_of is None:
        roles = [float(dateline(text, p, m.start, m.end, first=True)), 0, 0, 0, 0, 0, 0, float(p.question)]
        body = [float(distance_ref), float(list_member), min(10, len(siblings)), 1, 1.0, 0.0,
                index[0] / max(1, index[1]), float(index[0] == 0)]
        dec: list[float] = [0, 1, 1, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0]
        for _ in FAMILIES:
            fam_vals += [0.0, 1.0]
    else:
        m0, _, t0, t1, c0, c1 = pos
        roles = [float(roles_of.dateline), float(roles_of.partner is not None),
                 float(roles_of.institution is not None), float(roles_of.agent is not None),
                 float(roles_of.role is not None), float(roles_of.agency is not None),
                 float(m0 >= a.interrogative_from), float(p.question)]
        lo, hi = a.base + c0, a.base + c1
        in_clause = sum(1 for n in sibling_starts if lo <= n < hi)
        body = [float(distance_ref), float(list_member), min(10, len(siblings)), min(10, in_clause),
                float(t0 == 0), per.log_tokens, index[0] / max(1, index[1]), float(index[0] == 0)]
        dec = per.decisive_features(a, pos)
        for fam in FAMILIES:
            fam_hits = per.by_kind.get(fam)
            if fam_hits is None:
                fam_vals += [0.0, 1.0]
                continue
            fam_vals += [float(any_in(per.starts[fam], c0, c1)), token_distance(per.toks[fam], t0, t1) / FAR]
    ctx = [float(context[0].dec_pos), float(context[0].actor), float(context[0].block), float(context[0].other),
           float(context[1].dec_pos), float(context[1].actor), float(context[2].dec_pos), float(context[2].actor),
           float(same_line)]
    return [*roles, *body, *dec, *ctx, *doc_ctx, *fam_vals, *_KIND_ROWS.get(m.place_type, _NO_KIND),
            float(m.precision)]
