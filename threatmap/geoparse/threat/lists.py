"""Lists of places in one sentence ("Mosul, Raqqa and Hit", "X و Y", "X û Y"): a list shares one predicate.

The threat features use it twice: whether a mention stands in a list, and, for each mention, the size of its list
and the share of the list's other members the rules judge a threat.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

__all__ = ["ListedSpan", "list_features", "listed"]

_LIST_GAP_RE = re.compile(r"\s*(?:,|،|and|or|و|û|وە|&)?\s*(?:and|or|و|û|&)?\s*", re.IGNORECASE)
"""What may stand between two members of a list: a comma and/or a conjunction, in any of the four languages."""


class _Passage(Protocol):
    @property
    def start(self) -> int: ...


class ListedSpan(Protocol):
    """A mention span with its passage (what :class:`threatmap.geoparse.threat.features.MentionSpan` provides)."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def passage(self) -> _Passage: ...


def listed(text: str, a: ListedSpan, b: ListedSpan) -> bool:
    """Whether two mentions of one passage are neighbours in a list."""
    return a is not b and a.passage.start == b.passage.start and (
        (a.end <= b.start and _LIST_GAP_RE.fullmatch(text, a.end, b.start) is not None)
        or (b.end <= a.start and _LIST_GAP_RE.fullmatch(text, b.end, a.start) is not None))


def list_features(text: str, mentions: Sequence[ListedSpan], verdicts: Sequence[bool]) -> list[tuple[float, float]]:
    """Per mention: the size of the list it stands in (1 alone, capped at 10) and the share of the list's other
    members whose verdict (the rules') is threat (-1 alone)."""
    order = sorted(range(len(mentions)), key=lambda i: (mentions[i].start, mentions[i].end))
    chains: list[list[int]] = []
    for i in order:
        if chains and listed(text, mentions[chains[-1][-1]], mentions[i]):
            chains[-1].append(i)
        else:
            chains.append([i])
    out: list[tuple[float, float]] = [(1.0, -1.0)] * len(mentions)
    for chain in chains:
        for i in chain:
            others = [verdicts[j] for j in chain if j != i]
            out[i] = (float(min(10, len(chain))), sum(others) / len(others) if others else -1.0)
    return out
