"""Candidate place names after place-type words that the gazetteer does not know (the curator's loop)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from threatmap.geoparse.discover import find_context_names
from threatmap.lang.clitics import AR_NAME_PREFIXES_RE
from threatmap.lang.normalize import normalize_key
from threatmap.lang.place_words import (
    TRIGGERS_AR_ADMIN as _AR_ADMIN,
)
from threatmap.lang.place_words import (
    TRIGGERS_AR_PART as _AR_PART,
)
from threatmap.lang.place_words import (
    TRIGGERS_EN_ADMIN as _EN_ADMIN,
)
from threatmap.lang.place_words import (
    TRIGGERS_EN_PART as _EN_PART,
)
from threatmap.lang.place_words import (
    TRIGGERS_EN_SUFFIX as _EN_SUFFIX,
)
from threatmap.lang.place_words import (
    TRIGGERS_EN_SUFFIX_PART as _EN_SUFFIX_PART,
)
from threatmap.lang.scripts import ARABIC_LETTER_CLASS
from threatmap.lang.sentences import sentence_span
from threatmap.models import Candidate, Document, Mention

if TYPE_CHECKING:
    from threatmap.store import Store

_AR_CLITIC = AR_NAME_PREFIXES_RE
_AR_LETTERS = ARABIC_LETTER_CLASS
_AR_WORD = rf"[{_AR_LETTERS}][\u0610-\u061a\u064b-\u065f{_AR_LETTERS}]*"
_AR_STOP = frozenset(normalize_key(w) for w in (
    "في", "من", "الى", "إلى", "على", "عن", "مع", "التي", "الذي", "التى", "هذه", "هذا", "تلك", "ذلك", "بين", "قرب",
    "حيث", "كما", "لكن", "او", "أو", "ثم", "قد", "لا", "ما", "كل", "بعض", "معينة", "معين", "واحدة", "اخرى", "أخرى",
    "القريبة", "المحيطة", "الشمالية", "الجنوبية", "الشرقية", "الغربية", "المتنازع", "عليها", "المحررة", "جبلية",
    "الحدودية", "الصحراوية", "الريفية", "شمال", "جنوب", "شرق", "غرب", "وسط", "داخل", "خارج", "العراق", "سوريا",
    "عسكرية", "امنية", "أمنية", "الواقعة", "تابعة", "التابعة", "يوم", "امس", "أمس", "اليوم", "عدة", "عدد",
    "الأخرى", "فقط", "أيضا", "ايضا", "نفسها", "كاملة", "بأكملها",
))
_EN_NAME = r"[A-Z][\w'’]*(?:-[A-Za-z][\w'’]*)*"
_EN_JOIN = r"(?:\s+(?:al|el|as|ad|ar|az|ash|an|ez|es|at|ibn|bin|abu|umm|of)-?(?=\s*[A-Z]|(?<=-)))?"
_EN_STOP = frozenset(w.lower() for w in (
    "The", "A", "An", "ISIS", "ISIL", "Daesh", "IS", "Iraq", "Syria", "Iraqi", "Syrian", "Coalition", "U.S.", "US",
    "SDF", "ISF", "PMF", "Kurdish", "Kurdistan", "Peshmerga", "In", "On", "At", "This", "That", "These", "Its",
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "Islamic", "State", "Operation", "Combined", "Joint", "Task", "Force", "Forces", "Army", "Security", "Police",
    "Government", "Ministry", "Command", "Embassy", "Council", "Party", "Mobilization", "Popular", "Units",
))

_AR_RE = re.compile(
    rf"(?<![\w])(?P<trigger>{_AR_CLITIC}(?P<kind>{'|'.join(_AR_ADMIN + _AR_PART)}))\s+"
    rf"(?P<name>{_AR_WORD}(?:\s+{_AR_WORD}){{0,2}})")
_EN_RE = re.compile(
    rf"(?<![\w-])(?P<trigger>(?i:{'|'.join(re.escape(t) for t in _EN_ADMIN + _EN_PART)}))\s+(?:the\s+)?"
    rf"(?P<name>{_EN_NAME}(?:{_EN_JOIN}\s+{_EN_NAME}){{0,3}})")
_EN_SUFFIX_RE = re.compile(
    rf"(?P<name>{_EN_NAME}(?:{_EN_JOIN}\s+{_EN_NAME}){{0,2}})\s+"
    rf"(?P<trigger>(?i:{'|'.join(_EN_SUFFIX + _EN_SUFFIX_PART)}))(?![\w])")


def find_candidates(document: Document, known_mentions: Sequence[Mention]) -> list[Candidate]:
    """Names that follow (or, in English, precede) a place-type word and that no known mention covers.

    Parameters
    ----------
    document
        The document; offsets of the candidates index its text.
    known_mentions
        The geoparser's mentions of this document: a candidate overlapping one with a geometry is a known place,
        not reported (an unlocated mention stays in the curator's list).

    Returns
    -------
    list of Candidate
        Ordered by offset, without duplicates; ``passage`` is the sentence around the candidate.
        The surface keeps the type word when it is part of the name (Wadi Tubal, جبل مكحول) and drops it
        otherwise (``district of Hit`` -> ``Hit``, ``منطقة مخمور`` -> ``مخمور``).
    """
    text = document.text
    covered = sorted((m.start, m.end) for m in known_mentions if m.where is not None)  # unlocated: still listed
    found: dict[tuple[int, int], Candidate] = {}
    spans = _spans(text)
    spans += [(c.start, c.end, c.cue) for c in find_context_names(text, covered)  # that nothing located
              if not any(s < c.end and c.start < e for s, e, _ in spans)]
    for start, end, trigger in spans:
        if end <= start or any(s < end and start < e for s, e in covered):
            continue
        found.setdefault((start, end), Candidate(document.id, start, end, text[start:end], trigger,
                                                 passage=_sentence(text, start, end)))
    return [found[k] for k in sorted(found)]


def _spans(text: str) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    for m in _AR_RE.finditer(text):
        words = list(re.finditer(_AR_WORD, m.group("name")))
        kept = []
        for i, w in enumerate(words):
            key = normalize_key(w.group())
            if key in _AR_STOP or (i > 0 and key.startswith("و")) or key.endswith(("ها", "هم")):
                break
            kept.append(w)
        if not kept:
            continue
        base = m.start("name")
        part_of_name = m.group("kind") in _AR_PART
        start = m.start("kind") if part_of_name else base + kept[0].start()
        spans.append((start, base + kept[-1].end(), m.group("kind")))
    for rx, part in ((_EN_RE, _EN_PART), (_EN_SUFFIX_RE, ())):
        for m in rx.finditer(text):
            tokens = list(re.finditer(r"\S+", m.group("name")))
            cut = next((i for i, w in enumerate(tokens) if w.group().endswith(("’s", "'s"))), None)
            tokens = tokens[:cut] if cut is not None else tokens
            while tokens and tokens[0].group().lower() in _EN_STOP:
                tokens.pop(0)
            while tokens and tokens[-1].group().lower() in _EN_STOP | {"of", "al", "el"}:
                tokens.pop()
            if not tokens:
                continue
            start, end = m.start("name") + tokens[0].start(), m.start("name") + tokens[-1].end()
            trigger = m.group("trigger")
            if trigger.lower() in part:
                start = m.start("trigger")
            elif trigger.lower() in _EN_SUFFIX_PART:
                end = m.end("trigger")
            spans.append((start, end, trigger.lower()))
    return spans


def _sentence(text: str, start: int, end: int) -> str:
    left, right = sentence_span(text, start, end, reach=400)
    return text[left:right].strip()


def unknown_report(store: Store, *, min_count: int = 1) -> list[tuple[str, int, str]]:
    """``(surface, count, example passage)`` per candidate name, most frequent first.

    Spellings that differ only by normalisation (أ/ا, ة/ه, case, diacritics) count as one name; the most common
    spelling is shown.
    """
    groups: dict[str, list[Candidate]] = defaultdict(list)
    for cand in store.candidates():
        groups[normalize_key(cand.surface)].append(cand)
    report = []
    for cands in groups.values():
        if len(cands) < min_count:
            continue
        surface = Counter(c.surface for c in cands).most_common(1)[0][0]
        report.append((surface, len(cands), cands[0].passage))
    report.sort(key=lambda r: (-r[1], normalize_key(r[0])))
    return report
