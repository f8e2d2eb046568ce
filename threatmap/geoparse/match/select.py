"""Selection among overlapping candidate matches: blocked names remove what they cover, the longest name wins."""

from __future__ import annotations

from operator import itemgetter

from threatmap.geoparse.match.variants import Cand

__all__ = ["select"]

_START = itemgetter(0)


def select(cands: list[Cand]) -> list[Cand]:
    """Drop place matches overlapping blocked names, then keep the longest of overlapping ones (linear sweep)."""
    cands.sort(key=_START)  # stable: candidates come in order of their end
    out: list[Cand] = []
    append = out.append
    first = 0  # the current group of transitively overlapping candidates is cands[first:i]
    group_end = -1
    for i, c in enumerate(cands):
        if c[0] >= group_end:  # a new group starts: settle the previous one
            if i - first == 1:
                if not cands[first][3].blocked:
                    append(cands[first])
            elif i > first:
                out.extend(_resolve_cluster(cands[first:i]))
            first = i
            group_end = c[1]
        elif c[1] > group_end:
            group_end = c[1]
    if cands:
        out.extend(_resolve_cluster(cands[first:]))
    return out


def _cluster_order(c: Cand) -> tuple[int, bool, int, int]:
    return c[0] - c[1], c[4], c[2], c[0]  # longest, exact, shortest clitic, first


def _resolve_cluster(cluster: list[Cand]) -> list[Cand]:
    """The kept matches of a group of transitively overlapping candidates (usually one or two)."""
    if len(cluster) == 1:
        c = cluster[0]
        return [] if c[3].blocked or not c[3].place_ids else cluster
    if len(cluster) == 2:  # the two overlap: a blocked one removes both, else the better one is kept
        a, b = cluster
        if a[3].blocked or b[3].blocked:
            return []
        if not a[3].place_ids:
            return [b] if b[3].place_ids else []
        if not b[3].place_ids:
            return [a]
        return [b] if _cluster_order(b) < _cluster_order(a) else [a]
    blocked = [(c[0], c[1]) for c in cluster if c[3].blocked]
    places = [c for c in cluster if not c[3].blocked and c[3].place_ids
              and not any(c[0] < e and s < c[1] for s, e in blocked)]
    places.sort(key=_cluster_order)
    taken: list[Cand] = []
    for c in places:
        if not any(c[0] < t[1] and t[0] < c[1] for t in taken):
            taken.append(c)
    return taken
