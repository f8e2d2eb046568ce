"""The geoparser: place mentions of a document with place, qualified geometry, passage, speaker and threat."""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeGuard

from threatmap.geometry import where_of
from threatmap.geoparse.context import ParseContext, SplitPassages
from threatmap.geoparse.discover import find_context_names
from threatmap.geoparse.locate import area_precision, context_where, locate
from threatmap.geoparse.match.lexicon import arabic_word_keys, kurdish_word_keys
from threatmap.geoparse.match.matcher import Match, Matcher, match_key
from threatmap.geoparse.match.skeleton import SkeletonIndex, sorani_word_skeletons
from threatmap.geoparse.match.variants import sorani_variants
from threatmap.geoparse.passages import MAX_PASSAGE_CHARS
from threatmap.geoparse.passages import split_passages as default_split_passages
from threatmap.geoparse.pipe import batches
from threatmap.geoparse.qualify import find_qualifier
from threatmap.geoparse.resolve import Evidence, propagate_hints, related_ids, resolve, type_hint
from threatmap.geoparse.threat.assess import Span
from threatmap.geoparse.threat.assess import assess as default_assess
from threatmap.geoparse.threat.features import MentionSpan
from threatmap.geoparse.threat.model import BatchDecider, RulesDecider, ThreatDecider, ThreatModel
from threatmap.lang.scripts import KURDISH_EVIDENCE_LETTERS as _KURDISH_LETTERS
from threatmap.models import UNLOCATED, Document, Mention, Passage, Place, ThreatDecision, Where
from threatmap.protocols import PlaceSource

__all__ = ["Assess", "Found", "Geoparser"]


class Assess(Protocol):
    """The threat stage's signature (:func:`threatmap.geoparse.threat.assess`)."""

    def __call__(self, ctx: ParseContext, passage: Passage, mention: Span) -> ThreatDecision: ...


_LIST_WORDS = frozenset({"and", "or", "او", "و", "&"})
_SEPARATOR_TABLE = {ord(c): " " for c in ",،;؛"}
_EVIDENCE_CHARS = 250
_MINOR_TYPES = frozenset({"city", "town", "village"})
_HOME_COUNTRIES = frozenset({"IQ", "SY"})
"""Generated cities outside these (GeoNames' capitals and big cities abroad) take a locative preposition as the
evidence their one-word Arabic names need: "في بروكسل" is Brussels, "والسيول" ("and the floods") is not Seoul."""
_LOCATIVE = re.compile(r"(?:^|\s)(?:في|فى|الي|الى|من|عبر|نحو|حتي|حتى)\s+$")
"""The normalised preposition just before a name ("in", "to", "from", "via", "towards", "as far as")."""


@dataclass(frozen=True, slots=True, eq=False)
class Found:
    """The place mentions of one document before the threat judgement (:meth:`Geoparser.find`)."""

    ctx: ParseContext | None
    """The document's parse context (the threat stage reads it; released once judged); None when nothing is found."""
    passages: tuple[Passage, ...]
    spans: tuple[MentionSpan, ...]
    """What the threat stage judges, one per mention, sorted by start."""
    fields: tuple[dict[str, Any], ...]
    """Each mention's fields but its verdict (``Mention`` keywords), in the order of ``spans``."""

    def mentions(self, decisions: Sequence[ThreatDecision]) -> tuple[Mention, ...]:
        """The mentions with their verdicts (one decision per span, in order)."""
        return tuple(Mention(**fields, threat=d.threat, threat_p=d.p, cue=d.cue)  # built once, with its verdict
                     for fields, d in zip(self.fields, decisions, strict=True))


class Geoparser:
    """Finds place mentions; build once per gazetteer with :meth:`from_gazetteer` (the automaton is reused)."""

    def __init__(self, places: dict[str, Place], matcher: Matcher, *, split_passages: SplitPassages | None = None,
                 assess: Assess | None = None, threat: str | ThreatDecider = "model",
                 skeleton: SkeletonIndex | None = None, abroad: frozenset[str] = frozenset()) -> None:
        self.places = places
        self.matcher = matcher
        self.skeleton = skeleton
        """Sorani spellings by consonant skeleton (بەغداد for بغداد), used in Sorani documents only."""
        self._split = split_passages or default_split_passages
        self._threat = _threat_decider(threat, assess or default_assess)
        self._preferred = {p.id: frozenset(k for a in p.preferred_for for k in _preferred_keys(a))
                           for p in places.values() if p.preferred_for}
        self._related = related_ids(places)
        self._where: dict[tuple[str, str | None], Where] = {}
        self._abroad = abroad
        """Ids of the generated cities abroad: a locative preposition is their evidence (:data:`_HOME_COUNTRIES`)."""

    @classmethod
    def from_gazetteer(cls, gazetteer: PlaceSource, *, split_passages: SplitPassages | None = None,
                       assess: Assess | None = None, threat: str | ThreatDecider = "model") -> Geoparser:
        """Build the alias automaton once over every name and alias of ``gazetteer`` (a :class:`Gazetteer`).

        ``threat``: ``"model"`` (the committed trained model, :mod:`threatmap.geoparse.threat.model`), ``"rules"``
        (the rules alone, ``assess``) or an object with ``decide(ctx, spans)``.
        """
        places = {p.id: p for p in gazetteer}
        aliases = [(alias, lang, place.id, place.type) for alias, lang, place in gazetteer.aliases()]
        generated = generated_places(places.values(), getattr(gazetteer, "path", None))
        strict = {i for i in generated if places[i].type in _MINOR_TYPES}
        abroad = frozenset(i for i in strict if places[i].country not in _HOME_COUNTRIES)
        matcher = Matcher.build(aliases, strict_places=strict, no_fuzzy=generated, kurdish_words=kurdish_word_keys(),
                                arabic_words=arabic_word_keys(), abroad_places=abroad)
        skeleton = SkeletonIndex.build(aliases, strict_places=strict, ordinary=sorani_word_skeletons())
        return cls(places, matcher, split_passages=split_passages, assess=assess, threat=threat, skeleton=skeleton,
                   abroad=abroad)

    def parse(self, document: Document) -> tuple[Mention, ...]:
        """The place mentions of ``document``, sorted by start; offsets index ``document.text``.

        Each call builds its own :class:`ParseContext` (nothing of a document outlives its parse), so one
        Geoparser can serve several threads.
        """
        return self.parse_with_passages(document)[0]

    def parse_with_passages(self, document: Document) -> tuple[tuple[Mention, ...], tuple[Passage, ...]]:
        """The place mentions of ``document`` and the passages (sentences) it was split into."""
        found = self.find(document)
        if found.ctx is None:
            return (), found.passages
        decisions = self._threat.decide(found.ctx, found.spans)
        found.ctx.release()
        return found.mentions(decisions), found.passages

    def pipe(self, documents: Iterable[Document], *, batch_size: int = 64) -> Iterator[tuple[Mention, ...]]:
        """For each document, in order, what :meth:`parse` returns for it (the same mentions, bit for bit).

        Documents are read ``batch_size`` at a time (``documents`` may be an endless generator: the mentions of
        a batch are yielded before the next batch is read). With the trained model, each batch is judged in one
        prediction per tree model of the ensemble instead of one per document. A document that raises stops the
        iteration; :func:`threatmap.geoparse.pipe.pipe_isolated` gives each document its mentions or its error.
        """
        decider = self._threat
        chunks = batches(documents, batch_size)  # checks batch_size before anything is read
        if not _judges_batches(decider):
            yield from map(self.parse, documents)
            return
        for batch in chunks:
            found, rows = [], []
            for document in batch:
                f = self.find(document)
                rows.append(decider.features(f.ctx, f.spans) if f.ctx is not None else [])
                if f.ctx is not None:
                    f.ctx.release()
                found.append(f)
            for f, decisions in zip(found, decider.decide_rows(rows), strict=True):
                yield f.mentions(decisions)

    def find(self, document: Document) -> Found:
        """The place mentions of ``document`` before the threat judgement (:meth:`parse` = find, then judge)."""
        text = document.text or ""
        if not text.strip():
            return Found(None, (), (), ())
        ctx = ParseContext.of(document, split_passages=self._split)
        matches = self.matcher.find_normalized(ctx.norm, ctx.view, lang=ctx.lang)
        if ctx.lang == "ckb" and self.skeleton is not None:
            matches = _with_skeleton_hits(ctx, matches, self.skeleton, self.matcher.knows)
        chosen = self._choose(ctx.norm.text, matches) if matches else []
        anchors = [(m.start, m.end, place) for m, place, _ in chosen]
        located = [(c, locate(text, c, anchors)) for c in find_context_names(text, [(s, e) for s, e, _ in anchors])]
        if not chosen and not located:
            return Found(None, (), (), ())
        passages = ctx.passages
        starts = [p.start for p in passages]
        items: list[tuple[int, int, dict[str, Any]]] = []  # (start, index of its span, the mention but its verdict)
        spans = []
        for m, place, qual in chosen:
            passage = _passage_of(text, passages, starts, m.start, m.end, document.source)
            where = self._geometry(place, qual)
            spans.append(MentionSpan(m.start, m.end, passage, place.type, where.precision, place.id, place.country))
            items.append((m.start, len(spans) - 1, dict(
                doc_id=document.id, start=m.start, end=m.end, surface=text[m.start:m.end], place_id=place.id,
                name=place.name, place_type=place.type, where=where, passage_start=passage.start,
                passage_end=passage.end, qualifier=qual, speaker=passage.speaker)))
        for c, loc in located:  # names the gazetteer lacks, located from context or not at all (geoparse.discover)
            passage = _passage_of(text, passages, starts, c.start, c.end, document.source)
            anchor = self.places.get(loc.anchor_id) if loc is not None else None
            spans.append(MentionSpan(c.start, c.end, passage, c.place_type,
                                     loc.precision if loc is not None else area_precision(c.place_type), "",
                                     anchor.country if anchor is not None else None))
            items.append((c.start, len(spans) - 1, dict(
                doc_id=document.id, start=c.start, end=c.end, surface=c.surface, place_id=None, name=c.surface,
                place_type=c.place_type, where=context_where(loc) if loc is not None else None,
                passage_start=passage.start, passage_end=passage.end, qualifier=None, speaker=passage.speaker,
                resolved_by="context" if loc is not None else UNLOCATED)))
        items.sort(key=lambda item: item[0])
        return Found(ctx, passages, tuple(spans[k] for _, k, _ in items), tuple(fields for _, _, fields in items))

    def _choose(self, ntext: str, matches: list[Match]) -> list[tuple[Match, Place, str | None]]:
        """Resolve each match to a place with its qualifier; drop ordinary words that lack evidence."""
        word_starts = [m.nstart - len(m.prefix) for m in matches]
        hints = [type_hint(ntext, ws, m.nend) for ws, m in zip(word_starts, matches, strict=True)]
        quals = [None if m.prefix else find_qualifier(ntext, ws, m.nend)  # وقرجوخ: a list goes on, see below
                 for ws, m in zip(word_starts, matches, strict=True)]
        links = [_link(ntext, matches[i], matches[i + 1]) for i in range(len(matches) - 1)]
        hint_of = propagate_hints(hints, links)
        countries = self._countries(matches)
        mentioned: dict[str, list[int]] = {}  # place id -> positions of names that need no evidence
        for m in matches:
            if not m.needs_context:
                for pid in m.place_ids:  # every candidate: حمص (city or governorate) relates to السخنة
                    mentioned.setdefault(pid, []).append(m.nstart)
        resolved = [resolve([self.places[p] for p in m.place_ids if p in self.places], Evidence(m.key, hint),
                            countries=countries, preferred=self._preferred)
                    for m, hint in zip(matches, hint_of, strict=True)]
        accepted = [place is not None and not (m.needs_context and _construct_head(ntext, matches, i))
                    and (not m.needs_context or bool(hint_of[i] or quals[i]) or self._after_locative(ntext, m))
                    for i, (m, place) in enumerate(zip(matches, resolved, strict=True))]
        for _ in range(2):  # evidence spreads: a town accepted from a related place supports its list neighbour
            for i, m in enumerate(matches):
                place = resolved[i]
                if accepted[i] or place is None or _construct_head(ntext, matches, i):
                    continue
                if (_listed(matches, links, i, accepted) or place.id in mentioned
                        or self._near_related(place, m, mentioned)):
                    accepted[i] = True
                    mentioned.setdefault(place.id, []).append(m.nstart)
        keep = [i for i, ok in enumerate(accepted) if ok]
        places: list[Place] = [resolved[i] for i in keep]  # type: ignore[misc]
        kept_quals = [quals[i] for i in keep]
        kept_links = [links[i] if keep[k + 1] == i + 1 else None for k, i in enumerate(keep[:-1])]
        _propagate_qualifiers(kept_quals, kept_links, places, [hint_of[i] for i in keep])
        return [(matches[i], place, q) for i, place, q in zip(keep, places, kept_quals, strict=True)]

    def _after_locative(self, ntext: str, m: Match) -> bool:
        """Whether ``m`` names a city abroad, without clitics, right after a locative preposition (في بروكسل)."""
        return (not m.prefix and self._abroad.issuperset(m.place_ids)
                and _LOCATIVE.search(ntext, max(0, m.nstart - 8), m.nstart) is not None)

    def _near_related(self, place: Place, m: Match, mentioned: dict[str, list[int]]) -> bool:
        """Whether the parent, a sibling or a child of ``place`` is named within ``_EVIDENCE_CHARS`` of ``m``."""
        for pid in self._related.get(place.id, ()):
            if any(abs(pos - m.nstart) <= _EVIDENCE_CHARS for pos in mentioned.get(pid, ())):
                return True
        return False

    def _countries(self, matches: Sequence[Match]) -> Counter[str]:
        """Country codes of the unambiguous mentions (one candidate country): the document's focus."""
        counts: Counter[str] = Counter()
        for m in matches:
            codes = {self.places[i].country for i in m.place_ids if i in self.places}
            if len(codes) == 1:
                code = codes.pop()
                if code:
                    counts[code] += 1
        return counts

    def _geometry(self, place: Place, qualifier: str | None) -> Where:
        """The geometry record of (place, qualifier), computed once per Geoparser (a pure function of both)."""
        key = (place.id, qualifier)
        where = self._where.get(key)
        if where is None:
            where = self._where[key] = where_of(place, qualifier)
        return where


def _with_skeleton_hits(ctx: ParseContext, matches: list[Match], skeleton: SkeletonIndex,
                        known: Callable[[str], bool]) -> list[Match]:
    """``matches`` and the names of a Sorani text found by their consonant skeleton outside them, by start."""
    hits = skeleton.find(ctx.text, [(m.start, m.end) for m in matches], known=known)
    if not hits:
        return matches
    extra = [Match(h.start, h.end, ctx.norm.to_normalized(h.start), ctx.norm.to_normalized(h.end), h.key,
                   h.place_ids, "", True, h.needs_context) for h in hits]
    return sorted(matches + extra, key=lambda m: m.start)


def _judges_batches(decider: ThreatDecider) -> TypeGuard[BatchDecider]:
    """Whether ``decider`` judges a batch of documents at once (the trained model does)."""
    return callable(getattr(decider, "features", None)) and callable(getattr(decider, "decide_rows", None))


def _threat_decider(threat: str | ThreatDecider, assess: Assess) -> ThreatDecider:
    """``"model"``: the committed trained model; ``"rules"``: the rules alone; else a decider object itself."""
    if threat == "model":
        return ThreatModel.load()
    if threat == "rules":
        return RulesDecider(assess)
    if isinstance(threat, str) or not hasattr(threat, "decide"):
        raise ValueError(f"expected threat='model', 'rules' or an object with decide(ctx, spans), got {threat!r}")
    return threat


def generated_places(places: Iterable[Place], places_path: Path | str | None) -> set[str]:
    """Ids of the places in the GENERATED block of ``places.yaml`` (world countries, GeoNames towns).

    The one-word names of its towns and villages are often ordinary words (جديدة "new", خالص "sincere"): the
    matcher asks for evidence before taking them, and searches spelling variants only for curated places
    (see :meth:`Matcher.build`). The block starts at the line
    ``# ==== … GENERATED …`` written by ``scripts/build_geodata.py``; without it, no place is minor.
    """
    if not places_path or not Path(places_path).is_file():
        return set()
    marker = 0
    with open(places_path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.startswith("# ====") and "GENERATED" in line:
                marker = number
                break
    if not marker:
        return set()
    return {p.id for p in places if p.line > marker}


def _preferred_keys(alias: str) -> tuple[str, ...]:
    """The matcher keys a declared alias stands for: its key, and for a Sorani one its و/وو spellings."""
    key = match_key(alias)
    return sorani_variants(key) if not _KURDISH_LETTERS.isdisjoint(alias) else (key,)


def _listed(matches: Sequence[Match], links: Sequence[str | None], i: int, accepted: Sequence[bool]) -> bool:
    """Whether match ``i`` is in a list (and/or/و) with a name that is taken (needs no evidence, or has it)."""
    before = i > 0 and links[i - 1] == "and" and (accepted[i - 1] or not matches[i - 1].needs_context)
    after = i < len(links) and links[i] == "and" and (accepted[i + 1] or not matches[i + 1].needs_context)
    return bool(before or after)


def _construct_head(ntext: str, matches: Sequence[Match], i: int) -> bool:
    """Whether match ``i`` is directly followed by another name, as the head of a construct: بادية السخنة is
    "the desert of al-Sukhnah" (a descriptor), not the Badia followed by the town."""
    if i + 1 >= len(matches):
        return False
    nxt = matches[i + 1]
    return not nxt.prefix and nxt.nstart == matches[i].nend + 1 and ntext[matches[i].nend] == " "


def _link(ntext: str, a: Match, b: Match) -> str | None:
    """How ``b`` continues a list with ``a``: ``"and"`` (and/or/و), ``"comma"`` (only a comma) or None."""
    if b.prefix not in ("", "و"):
        return None
    gap = ntext[a.nend:b.nstart - len(b.prefix)]
    if len(gap) > 12:
        return None
    words = gap.translate(_SEPARATOR_TABLE).split()
    if any(w not in _LIST_WORDS for w in words):
        return None
    if b.prefix == "و" or words:
        return "and"
    return "comma" if ("," in gap or "،" in gap) else None


def _propagate_qualifiers(quals: list[str | None], links: list[str | None], places: list[Place],
                          hints: list[str | None]) -> None:
    """A qualifier carries over a list (near X and Y), not over an apposition (near Raqqa, Syria)."""
    for i, link in enumerate(links):
        if not link or not quals[i] or quals[i + 1] or hints[i + 1]:
            continue
        if link == "comma" and places[i + 1].precision > places[i].precision:
            continue
        quals[i + 1] = quals[i]


def _passage_of(text: str, passages: Sequence[Passage], starts: list[int], start: int, end: int,
                source: str | None) -> Passage:
    """The passage containing ``text[start:end]``; else the line around it (e.g. inside a speaker label)."""
    k = bisect.bisect_right(starts, start) - 1
    if k >= 0 and passages[k].start <= start and end <= passages[k].end:
        return passages[k]
    half = MAX_PASSAGE_CHARS // 2  # bounded like every passage: a long line gives the window around the mention
    line_start = max(text.rfind("\n", 0, start) + 1, start - half)
    line_end = text.find("\n", end)
    line_end = min(len(text) if line_end < 0 else line_end, end + half)
    return Passage(line_start, line_end, speaker=source, role="outlet" if source else None)
