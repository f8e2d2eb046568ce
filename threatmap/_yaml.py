"""YAML read safely: size, nesting depth and alias expansion are checked on the event stream before any object is built.

libyaml composes nodes recursively in C (a deep ``[[[[…`` kills the process with SIGSEGV) and PyYAML's constructor
expands aliases without limit (a 640-byte alias bomb becomes hundreds of megabytes). :func:`check_limits` walks the
parser's events — a flat loop, no recursion, no objects kept — and raises :class:`YamlLimitError` with the line,
the key path and the nearest enclosing ``id`` before the loader is allowed to compose anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~10x faster
"""The safe loader every threatmap YAML reader derives from."""

MAX_INT_DIGITS = 100
"""Longer integers are refused (Python's int-from-string limit is 4,300 digits; no field needs more than a few)."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds of one YAML text.

    Attributes
    ----------
    max_bytes
        Size of the text (UTF-8 bytes).
    max_depth
        Nesting depth of sequences and mappings.
    aliases
        Whether anchors and aliases (``&a`` / ``*a``) are accepted at all.
    max_expansion
        With aliases: the size of the text once every alias is expanded, in events plus scalar characters, as a
        multiple of the text's own size (a few legitimate aliases expand by little; a bomb by thousands).
    """

    max_bytes: int
    max_depth: int = 32
    aliases: bool = False
    max_expansion: float = 4.0


class YamlLimitError(yaml.MarkedYAMLError):
    """The YAML is over a :class:`Limits` bound; ``problem_mark`` is where, ``path`` the keys leading there."""

    def __init__(self, problem: str, mark: Any, path: str, owner_id: str | None) -> None:
        super().__init__(problem=problem, problem_mark=mark)
        self.path = path
        self.owner_id = owner_id


class _Frame:
    """One open sequence or mapping while walking the events."""

    __slots__ = ("anchor", "index", "key", "key_next", "mapping", "owner_id", "size")

    def __init__(self, mapping: bool, anchor: str | None) -> None:
        self.mapping = mapping
        self.key_next = True
        self.key: str | None = None
        self.index = 0
        self.owner_id: str | None = None
        self.size = 1.0
        self.anchor = anchor

    def label(self) -> str:
        return f".{self.key if self.key is not None else '?'}" if self.mapping else f"[{self.index}]"

    def took(self, value: str | None) -> None:
        """A complete node arrived in this collection (``value`` is its text when it is a scalar)."""
        if not self.mapping:
            self.index += 1
        elif self.key_next:
            self.key, self.key_next = (value if value is not None else "?"), False
        else:
            if self.key == "id" and value is not None:
                self.owner_id = value
            self.key_next = True


def check_limits(text: str, limits: Limits, *, loader: type = BaseLoader) -> None:
    """Raise :class:`YamlLimitError` when ``text`` is over ``limits``; YAML syntax errors propagate as usual.

    Nothing is composed or constructed: only the parser's events are read, so the check itself cannot overflow.
    """
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        raise YamlLimitError(f"{size:,} bytes of YAML is over the limit of {limits.max_bytes:,} bytes",
                             None, "", None)
    budget = limits.max_expansion * max(size, 1024)
    parser = loader(text)
    stack: list[_Frame] = []
    anchors: dict[str, float] = {}
    total = 0.0

    def fail(problem: str, event: Any) -> None:
        owner = next((f.owner_id for f in reversed(stack) if f.owner_id is not None), None)
        path = "".join(f.label() for f in stack).lstrip(".")
        path = path if len(path) <= 60 else path[:57] + "…"
        raise YamlLimitError(problem, event.start_mark, path, owner)

    def add(cost: float, event: Any) -> None:
        nonlocal total
        total += cost
        if stack:
            stack[-1].size += cost
        if total > budget:
            fail(f"aliases expand the YAML beyond {budget:,.0f} units ({limits.max_expansion:g}x its size): an "
                 f"alias bomb", event)

    try:
        while parser.check_event():
            event = parser.get_event()
            anchor = getattr(event, "anchor", None)
            if anchor is not None and not limits.aliases:
                fail(f"anchors and aliases ('&{anchor}', '*{anchor}') are not accepted here", event)
            if isinstance(event, yaml.AliasEvent):
                add(anchors.get(anchor or "", 1.0), event)
                if stack:
                    stack[-1].took("*")
            elif isinstance(event, yaml.ScalarEvent):
                add(1 + len(event.value), event)
                if anchor is not None:
                    anchors[anchor] = 1 + len(event.value)
                if stack:
                    stack[-1].took(event.value)
            elif isinstance(event, yaml.CollectionStartEvent):
                if len(stack) >= limits.max_depth:
                    fail(f"nesting deeper than {limits.max_depth} levels", event)
                add(1, event)
                stack.append(_Frame(isinstance(event, yaml.MappingStartEvent), anchor))
            elif isinstance(event, yaml.CollectionEndEvent):
                done = stack.pop()
                if done.anchor is not None:
                    anchors[done.anchor] = done.size
                if stack:
                    stack[-1].size += done.size - 1  # its own start event was counted already
                    stack[-1].took(None)
    finally:
        parser.dispose()


def _construct_bounded_int(constructor: Any, node: yaml.ScalarNode) -> Any:
    """An int, or the text as written when it has more than :data:`MAX_INT_DIGITS` digits (Python refuses to
    convert 4,300+ digits; no field needs so many): each field's own check then names it as a bad value."""
    if sum(ch.isdigit() for ch in node.value) > MAX_INT_DIGITS:
        return node.value
    return yaml.SafeLoader.construct_yaml_int(constructor, node)


class SafeLoader(BaseLoader):  # type: ignore[misc,valid-type]
    """The safe loader; integers longer than :data:`MAX_INT_DIGITS` digits stay text."""


SafeLoader.add_constructor("tag:yaml.org,2002:int", _construct_bounded_int)


def limit_message(exc: YamlLimitError) -> str:
    """``line N (at key.path, in id X): problem`` of a limit error, for messages that add their own file name."""
    where = []
    if exc.path:
        where.append(f"at {exc.path}")
    if exc.owner_id:
        where.append(f"in id {exc.owner_id!r}")
    return f"{exc.problem}" + (f" ({', '.join(where)})" if where else "")
