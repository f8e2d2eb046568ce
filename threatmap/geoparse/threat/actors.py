"""Whose activity: where the document names actors (ISIS, other armed groups) and who a passage without one means."""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

import ahocorasick

from threatmap.geoparse.context import ParseContext
from threatmap.geoparse.threat.lexicon import TOKEN_RE, cue_families
from threatmap.lang.normalize import normalize_key
from threatmap.lang.scripts import is_arabic
from threatmap.models import Passage

__all__ = ["IS_RE", "actor_automaton", "actor_marks", "document_actors", "implied_actor", "mostly_upper"]

_LOOKBACK = 500  # characters before a passage searched for the actor its pronouns refer to
_STORY_LOOKBACK = 1500  # characters of earlier paragraphs searched when the passage's paragraph names no actor
_TURN_PREFIX_RE = re.compile(r"\s*[^\W\d_][^\n:：|\d]{0,60}[:：]\s*")
IS_RE = re.compile(r"(?<![\w.’'\-])IS(?![\w’'\-]|\.\w)")
"""The English "IS" (the Islamic State), not the verb: no letter, dot or apostrophe around it."""


@lru_cache(maxsize=1)
def actor_automaton() -> ahocorasick.Automaton:
    """Every actor, weak-actor and other-actor phrase, normalised, for a fast scan of whole documents."""
    automaton = ahocorasick.Automaton()
    for fam in ("actor", "actor_weak", "other_actor"):
        for phrase in cue_families()[fam]:
            key = " ".join(TOKEN_RE.findall(normalize_key(phrase.replace("*", ""))))
            if key:
                automaton.add_word(key, (fam, key, phrase.endswith("*")))
    automaton.make_automaton()
    return automaton


def actor_marks(ctx: ParseContext) -> list[tuple[int, str]]:
    """Where the document names an actor: (normalised offset, family), in order (one scan, memoised in ``ctx``)."""
    return ctx.memo(("threat.actor_marks",), lambda: _scan_actors(ctx.norm.text))


def _scan_actors(norm: str) -> list[tuple[int, str]]:
    """Where the normalised text ``norm`` names an actor: (offset, family), in order (one linear scan)."""
    marks: list[tuple[int, str]] = []
    for end, (fam, key, wild) in actor_automaton().iter(norm):
        start = end - len(key) + 1
        if is_arabic(key) or (
            not (start > 0 and norm[start - 1].isalpha())
            and (wild or end + 1 == len(norm) or not norm[end + 1].isalpha() or norm[end + 1] == "s")
        ):
            marks.append((start, fam))
    marks.sort()
    return marks


def document_actors(ctx: ParseContext) -> tuple[bool, bool]:
    """Whether the document names ISIS anywhere, and whether it names any other armed actor (memoised in ``ctx``)."""
    return ctx.memo(("threat.document_actors",), lambda: _document_actors(ctx))


def _document_actors(ctx: ParseContext) -> tuple[bool, bool]:
    kinds = {fam for _, fam in actor_marks(ctx)}
    return "actor" in kinds or IS_RE.search(ctx.text) is not None, "other_actor" in kinds


def mostly_upper(s: str) -> bool:
    """Whether ``s`` is mostly upper case (an all-caps headline: \"IS\" there is the verb)."""
    letters = [c.isupper() for c in s[:2000] if c.isalpha() and c.isascii()]
    return sum(letters) * 2 > len(letters) > 0


def implied_actor(ctx: ParseContext, passage: Passage, separate: bool) -> bool:
    """For a passage that names no actor: is ISIS meant?

    Yes when the last actor named shortly before it in its paragraph is ISIS; when there is none, yes when the
    document is about ISIS and names no other armed actor at all (a headline, "the attack"). An answer that opens
    a turn looks back into the question; an interviewer opening a turn may bring up anyone, so inherits nothing.
    When the paragraph names no actor, the story's earlier paragraphs are searched, unless the sentence opens
    another story ("Separately, …", وفي تطور منفصل).
    """
    text = ctx.text
    if separate:
        isis, other = document_actors(ctx)
        return isis and not other
    start = passage.start
    line_start = text.rfind("\n", max(0, start - _LOOKBACK), start) + 1
    if line_start < start and _TURN_PREFIX_RE.fullmatch(text, line_start, start) is not None:
        if passage.role == "interviewer":
            return False
        line_start = text.rfind("\n", max(0, start - _LOOKBACK), max(0, line_start - 1)) + 1  # the question
    last = _last_actor(ctx, max(line_start, start - _LOOKBACK), start)
    if last is None and line_start == text.rfind("\n", 0, start) + 1:  # no actor in the paragraph: the story's
        last = _last_actor(ctx, max(0, start - _STORY_LOOKBACK), line_start)  # paragraphs before it
    if last is not None:
        return last
    isis, other = document_actors(ctx)
    return isis and not other


def _last_actor(ctx: ParseContext, start: int, end: int) -> bool | None:
    """Whether the last actor named in ``ctx.text[start:end]`` is ISIS (None when no actor is named there)."""
    if end <= start:
        return None
    marks = actor_marks(ctx)
    n0, n1 = ctx.to_normalized(start), ctx.to_normalized(end)
    topic = None
    for i in range(bisect.bisect_left(marks, (n1, "")) - 1, -1, -1):
        pos, fam = marks[i]
        if pos < n0:
            return None
        if fam == "actor_weak":
            topic = document_actors(ctx)[0] if topic is None else topic
            if not topic:
                continue
        return fam != "other_actor"
    return None
