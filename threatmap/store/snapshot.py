"""A snapshot of the store's mentions in memory: one DataFrame and the arrays the filters test (fast queries)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from threatmap.lang.normalize import normalize_key
from threatmap.store.filters import THRESHOLD, Filters
from threatmap.store.schema import COLUMNS, DOC_COLUMNS, MENTION_COLUMNS, REVIEW_COLUMNS

__all__ = ["DOC_SELECT", "Snapshot"]

DOC_SELECT = f"SELECT id, {', '.join(DOC_COLUMNS)}, text FROM documents"
"""The document fields a snapshot repeats on each row, and the text its passages are cut from."""


class Snapshot:
    """All mentions as a DataFrame (ordered by date, document, offset) plus the arrays the filters test.

    Document fields are taken from one row per document and repeated strings are shared (interned), which
    keeps the load fast and the row selections cache-friendly.
    """

    _STRINGS = tuple(c.name for c in MENTION_COLUMNS[1:] if c.type is str)
    _INTS = tuple(c.name for c in MENTION_COLUMNS if c.type is int)
    _FLOATS = tuple(c.name for c in MENTION_COLUMNS if c.type is float)
    _BOOLS = tuple(c.name for c in MENTION_COLUMNS if c.type is bool)
    _MENTION_COLS = tuple(c.name for c in MENTION_COLUMNS)

    def __init__(self, docs: list[tuple], mentions: list[tuple], review_values: list[tuple] | None = None) -> None:
        docs = sorted(docs, key=lambda r: r[0])
        doc_pos = {r[0]: i for i, r in enumerate(docs)}
        doc_cols = list(zip(*docs, strict=True)) if docs else [()] * 7
        doc_day = np.array([dt.date.fromisoformat(d).toordinal() if d else -1 for d in doc_cols[4]], dtype=np.int64)
        raw = dict(zip(self._MENTION_COLS, zip(*mentions, strict=True), strict=True)) if mentions else {
            c: () for c in self._MENTION_COLS}
        pos = np.array([doc_pos[d] for d in raw["doc_id"]], dtype=np.int64)
        starts = np.array(raw["start"], dtype=np.int64)
        day = doc_day[pos] if len(pos) else np.array([], dtype=np.int64)
        order = np.lexsort((starts, pos, np.where(day < 0, np.iinfo(np.int64).max, day)))
        pos = pos[order]
        self.day = day[order]

        def obj(values: Sequence[Any]) -> np.ndarray:
            arr = np.empty(len(values), dtype=object)
            arr[:] = list(values)
            return arr

        frame: dict[str, Any] = {}
        for i, c in enumerate(("doc_id", *DOC_COLUMNS)):
            frame[c] = obj(doc_cols[i])[pos] if len(pos) else obj(())
        for c in self._STRINGS:
            codes, uniques = pd.factorize(obj(raw[c]))  # shares repeated strings; None gets code -1
            table = np.empty(len(uniques) + 1, dtype=object)  # the last slot stays None: code -1 picks None, not NaN
            table[:-1] = np.asarray(uniques, dtype=object)
            frame[c] = table[codes[order]] if len(codes) else obj(())
        for c in self._INTS:
            frame[c] = np.array(raw[c], dtype=np.int64)[order]
        for c in self._FLOATS:
            frame[c] = np.array(raw[c], dtype=np.float64)[order]
        for c in self._BOOLS:
            frame[c] = np.array(raw[c], dtype=bool)[order]
        missing = np.isnan(frame["threat_p"])  # a version-1 store: its verdicts stand as 1.0 / 0.0
        frame["threat_p"][missing] = frame["threat"][missing]
        self.threat_p = frame["threat_p"]
        self.threat = self.threat_p >= THRESHOLD
        frame["threat"] = self.threat
        reviews = list(zip(*review_values, strict=True)) if review_values else [()] * len(REVIEW_COLUMNS)
        for c, values in zip(REVIEW_COLUMNS, reviews, strict=True):
            if c == "reviewed":
                frame[c] = (np.array(values, dtype=bool)[order] if len(values) else np.zeros(len(order), dtype=bool))
            else:
                frame[c] = obj(values)[order] if len(values) else obj([None] * len(order))
        self.reviewed = frame["reviewed"]
        self.disagrees = self.reviewed & np.array(
            [mt is None or bool(mt) != bool(t) or mp != p for mt, t, mp, p in zip(
                frame["machine_threat"], frame["threat"], frame["machine_place_id"], frame["place_id"], strict=True)],
            dtype=bool) if len(order) else np.zeros(0, dtype=bool)
        texts = doc_cols[6]
        self._doc_of_row = pos  # each row's document (index into texts), for the text search
        self._texts = texts
        passages: dict[tuple[int, int, int], str] = {}
        frame["passage"] = obj([passages.setdefault(k, texts[k[0]][k[1]:k[2]]) for k in zip(
            pos.tolist(), frame["passage_start"].tolist(), frame["passage_end"].tolist(), strict=True)])
        # object dtype on purpose: pandas 3 would infer "str" columns and turn None into NaN
        self.df = pd.DataFrame({c: pd.Series(frame[c], dtype=frame[c].dtype, copy=False) for c in COLUMNS},
                               columns=list(COLUMNS))
        self.codes = {c: pd.factorize(frame[c]) for c in ("source", "lang", "place_id", "place_type")}
        self._documents: tuple[str, np.ndarray] | None = None

    def _isin(self, column: str, values: tuple[str, ...]) -> np.ndarray:
        codes, uniques = self.codes[column]
        return _lookup(codes, np.flatnonzero(pd.Index(uniques).isin(values)), len(uniques))

    def _text_mask(self, needles: Sequence[str]) -> np.ndarray:
        """Rows of the documents whose whole text contains any of ``needles`` (``normalize_key`` on both sides)."""
        if self._documents is None:  # normalised texts, computed on the first text search (one assignment:
            keys = [normalize_key(t or "").replace("\0", " ") for t in self._texts]  # safe when threads race here)
            starts = np.cumsum([0] + [len(k) + 1 for k in keys[:-1]], dtype=np.int64)
            self._documents = ("\0".join(keys), starts)
        joined, starts = self._documents
        found: list[int] = []
        for needle in {normalize_key(n).replace("\0", " ") for n in needles}:
            if needle:
                found += [m.start() for m in re.finditer(re.escape(needle), joined)]
        hits = np.unique(np.searchsorted(starts, np.array(found, dtype=np.int64), side="right") - 1)
        return _lookup(self._doc_of_row, hits, len(starts))

    def select(self, f: Filters) -> pd.DataFrame:
        mask = np.ones(len(self.df), dtype=bool)
        if f.since is not None:
            mask &= self.day >= f.since.toordinal()
        if f.until is not None:
            mask &= (self.day >= 0) & (self.day <= f.until.toordinal())
        threat = self.threat if f.threat_threshold == THRESHOLD else self.threat_p >= f.threat_threshold
        if f.threat_only:
            mask &= threat
        if f.review == "reviewed":
            mask &= self.reviewed
        elif f.review == "unreviewed":
            mask &= ~self.reviewed
        elif f.review == "disagreements":
            mask &= self.disagrees
        for column, values in (("source", f.sources), ("lang", f.langs), ("place_id", f.places),
                               ("place_type", f.types)):
            if values:
                mask &= self._isin(column, values)
        if f.text and f.text.strip():
            mask &= self._text_mask((f.text, *f.spellings))
        out = self.df.copy(deep=False) if mask.all() else self.df.loc[mask].reset_index(drop=True)
        if threat is not self.threat:  # copy-on-write (pandas 3): changes to ``out`` never reach the snapshot
            out["threat"] = threat[mask]
        return out


def _lookup(codes: np.ndarray, wanted: np.ndarray, n: int) -> np.ndarray:
    """``codes`` in ``wanted`` (codes 0..n-1, -1 for missing, never wanted) through a lookup table: O(rows)."""
    table = np.zeros(n + 1, dtype=bool)
    table[wanted] = True
    return table[codes]
