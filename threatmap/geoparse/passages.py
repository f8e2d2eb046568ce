"""Split a document into sentence passages, attributing each to its speaker turn, outlet or interviewer."""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from threatmap.lang.sentences import CLOSERS, sentence_ends
from threatmap.models import Passage

__all__ = ["split_passages"]

_ALNUM_RE = re.compile(r"[^\W_]")

# "Name: text" at the start of a line: 1-4 words of letters (no digits, no "|"), then a colon.
_WORD = r"[^\W\d_](?:[^\W\d_]|[.'’\-])*"
_LABEL_RE = re.compile(
    rf"[ \t\u200e\u200f]*(?P<name>{_WORD}(?:[ \t]+(?:\(?{_WORD}\)?))" r"{0,3})[ \t]*[:：](?!//)[ \t]*"
)
_LABEL_SCAN = 80  # a colon further than this from the line start never closes a speaker label

_NOT_SPEAKERS = frozenset({  # labels of captions, credits and page furniture, never speakers
    "photo", "photos", "image", "picture", "video", "file photo", "caption", "credit", "credits", "source", "sources",
    "read also", "read more", "see also", "related", "tags", "note", "editor's note", "update", "updated", "by",
    "date", "posted", "published", "copyright", "watch", "listen", "share", "follow us", "keywords", "topics",
    "المصدر", "مصدر", "اقرأ أيضا", "اقرأ أيضاً", "اقرأ ايضا", "تنويه", "صورة", "الصورة", "صور", "فيديو", "شاهد",
    "المحرر", "تحديث", "ملاحظة", "كلمات مفتاحية", "الوسوم", "وسوم", "تاريخ النشر", "المزيد", "سەرچاوە", "وێنە",
})

_FOOTER_RE = re.compile(
    r"privacy policy|cookie|all rights reserved|copyright|©|terms of (?:use|service)|read more|"
    r"تنويه|جميع الحقوق|حقوق النشر|سياسة الخصوصية|اقرأ أيضا|اقرأ أيضاً",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _Label:
    """A candidate speaker label: the line it opens and where its text begins."""

    line_start: int
    text_start: int
    name: str


def split_passages(text: str, *, source: str | None = None, speakers: Sequence[str] = ()) -> tuple[Passage, ...]:
    """Split ``text`` into sentence passages with offsets into ``text``, speaker and role.

    Parameters
    ----------
    text
        The original document text.
    source
        The outlet that published the text; headline, lead and narration passages are attributed to it.
    speakers
        Names of the transcript's speakers (from front matter); when given, only labels naming them open turns
        (unless none of them occurs as a label, e.g. spelled in another script: then the labels used count).
        Without a list, a "Name:" label opens turns when it is used at least twice or names the outlet.

    Returns
    -------
    tuple[Passage, ...]
        The sentences in order, stripped of surrounding white space; speaker labels are excluded.
    """
    if not text:
        return ()
    labels = _turn_labels(text, source=source, speakers=speakers)
    cuts: set[int] = set()
    for label in labels:
        cuts.add(label.line_start)
        cuts.add(label.text_start)
    cuts.update(sentence_ends(text))
    cuts.add(len(text))
    label_starts = [label.line_start for label in labels]
    label_text_starts = {label.line_start: label.text_start for label in labels}

    pieces: list[tuple[int, int, int]] = []  # (start, end, turn index or -1)
    prev = 0
    for cut in sorted(cuts):
        if cut <= prev:
            continue
        if prev in label_text_starts:  # the label itself is never part of a passage
            prev = label_text_starts[prev]
            if cut <= prev:
                continue
        start, end = _strip(text, prev, cut)
        prev = cut
        if start < end and _ALNUM_RE.search(text, start, end):
            turn = bisect.bisect_right(label_starts, start) - 1
            pieces.append((start, end, turn))
    return _attribute(text, _bounded(text, pieces), labels, source)


MAX_PASSAGE_CHARS = 1000
"""A sentence longer than this (a list of names with no full stop, a text without punctuation) is cut into windows
of at most this many characters, at white space: each mention quotes a passage of bounded size, so storage, exports
and the threat judgement grow linearly with the text."""


def _bounded(text: str, pieces: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """``pieces`` with each one longer than :data:`MAX_PASSAGE_CHARS` cut into consecutive windows."""
    out: list[tuple[int, int, int]] = []
    for start, end, turn in pieces:
        while end - start > MAX_PASSAGE_CHARS:
            cut = window_end(text, start, start + MAX_PASSAGE_CHARS)
            piece = _strip(text, start, cut)
            if piece[0] < piece[1]:
                out.append((*piece, turn))
            start = cut
        piece = _strip(text, start, end)
        if piece[0] < piece[1]:
            out.append((*piece, turn))
    return out


def window_end(text: str, start: int, limit: int) -> int:
    """The last white space in the second half of ``text[start:limit]`` (a cut between words), else ``limit``."""
    for k in range(limit, start + (limit - start) // 2, -1):
        if text[k - 1].isspace():
            return k
    return limit


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in "\u200e\u200f\u200b\ufeff"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "\u200e\u200f\u200b\ufeff"):
        end -= 1
    return start, end


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


def _line_labels(text: str) -> list[_Label]:
    """Every line that starts with something shaped like a speaker label."""
    found: list[_Label] = []
    pos = 0
    n = len(text)
    while pos < n:
        nl = text.find("\n", pos)
        line_end = n if nl < 0 else nl
        colon = -1
        for c in (":", "："):
            i = text.find(c, pos, min(line_end, pos + _LABEL_SCAN))
            if i >= 0 and (colon < 0 or i < colon):
                colon = i
        if colon >= 0:
            m = _LABEL_RE.match(text, pos, line_end)
            if m and m.end("name") <= colon:
                found.append(_Label(pos, m.end(), m.group("name").strip()))
        pos = line_end + 1
    return found


def _turn_labels(text: str, *, source: str | None, speakers: Sequence[str]) -> list[_Label]:
    """The labels that open speaker turns: listed speakers, else names used twice or the outlet's own name."""
    found = _line_labels(text)
    if not found:
        return []
    found = [label for label in found if _key(label.name) not in _NOT_SPEAKERS]
    wanted = {_key(s) for s in speakers if s and s.strip()}
    src = _key(source) if source else None
    counts = Counter(_key(label.name) for label in found)
    if wanted and not any(key in wanted or any(w in key or key in w for w in wanted) for key in counts):
        wanted = set()  # the listed names are spelled differently in the text: fall back to the labels used
    kept: list[_Label] = []
    for label in found:
        key = _key(label.name)
        # Without a list, a label used once is a headline or a heading ("Overview:"), unless it names the outlet.
        listed = key in wanted or any(w in key or key in w for w in wanted)
        if listed if wanted else counts[key] >= 2 or key == src:
            kept.append(label)
    return kept


def _attribute(
    text: str, pieces: list[tuple[int, int, int]], labels: list[_Label], source: str | None
) -> tuple[Passage, ...]:
    """Build the passages: speaker and role from the turn, question from the final punctuation."""
    questions: dict[str, list[int]] = {}
    turn_has_question: dict[int, bool] = {}
    for start, end, turn in pieces:
        if turn >= 0:
            turn_has_question[turn] = turn_has_question.get(turn, False) or _is_question(text, start, end)
    for turn, label in enumerate(labels):
        tally = questions.setdefault(_key(label.name), [0, 0])
        tally[0] += turn_has_question.get(turn, False)
        tally[1] += 1
    src = _key(source) if source else None
    interviewers = {k for k, (q, n) in questions.items() if k == src or (n and q * 2 >= n and q > 0)}
    if len(interviewers) == len(questions) and len(questions) > 1 and src not in interviewers:
        # Everyone asks questions: keep the one who asks most often as the interviewer.
        best = max(questions, key=lambda k: questions[k][0] / max(questions[k][1], 1))
        interviewers = {best}
    last_turn_end = labels[-1].text_start if labels else None
    out: list[Passage] = []
    for start, end, turn in pieces:
        question = _is_question(text, start, end)
        if turn < 0 or (last_turn_end is not None and turn == len(labels) - 1 and _is_footer(text, start, end)):
            out.append(Passage(start, end, speaker=source, role="outlet", question=question))
            continue
        name = labels[turn].name
        role = "interviewer" if _key(name) in interviewers else "interviewee"
        out.append(Passage(start, end, speaker=name, role=role, question=question))
    return tuple(out)


def _is_question(text: str, start: int, end: int) -> bool:
    k = end
    while k > start and text[k - 1] in CLOSERS:
        k -= 1
    return k > start and text[k - 1] in "?؟？"


def _is_footer(text: str, start: int, end: int) -> bool:
    return end - start < 300 and _FOOTER_RE.search(text, start, end) is not None
