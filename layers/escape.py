"""Escape source text for popups, tooltips and HTML panels (the recipe of stack.md: source text is hostile)."""

from __future__ import annotations

import html
import re

from threatmap.urls import http_url

RTL_LANGS = frozenset({"ar", "ckb", "fa", "ur"})
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
_LATIN = re.compile(r"[A-Za-z]")
_MARKDOWN_SYNTAX = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=^\"'])")


def escape_text(text: object) -> str:
    """Escape ``text`` so it is inert as HTML, inside a JS template literal and in Markdown/LaTeX.

    Parameters
    ----------
    text
        Any value; ``None`` becomes the empty string.

    Returns
    -------
    str
        ``html.escape`` plus entities for backslash, backtick and dollar (folium places popup HTML in a
        template literal where ``${...}`` executes and backslashes are mangled), and for ``{`` and ``}`` (folium
        passes rendered scripts through Jinja again: ``{{ … }}`` in source text must never reach it as syntax).
    """
    if text is None:
        return ""
    return (
        html.escape(str(text), quote=True)
        .replace("\\", "&#92;")
        .replace("`", "&#96;")
        .replace("$", "&#36;")
        .replace("{", "&#123;")
        .replace("}", "&#125;")
    )


def escape_markdown(text: object) -> str:
    """``text`` as literal text for Streamlit's Markdown sinks (``st.warning``, ``st.error``, ``st.success`` …).

    Every ASCII punctuation mark that Markdown, Streamlit's directives (``:red[…]``, ``:material/…:``) or LaTeX
    (``$``) could read as syntax is backslash-escaped, so ``![b](http://host/x.png)`` shows as those characters and
    never becomes an image fetched from ``host``; line breaks are kept.
    """
    if text is None:
        return ""
    return _MARKDOWN_SYNTAX.sub(r"\\\1", str(text)).replace("\n", "  \n")


def is_rtl(text: str | None, lang: str | None = None) -> bool:
    """True when ``lang`` is a right-to-left language, or when unknown and the text is mostly Arabic script."""
    if lang:
        return lang.split("-")[0].lower() in RTL_LANGS
    if not text:
        return False
    return len(_ARABIC_SCRIPT.findall(text)) > len(_LATIN.findall(text))


def text_block(escaped_html: str, *, rtl: bool, lang: str | None = None) -> str:
    """Wrap already-escaped HTML in a ``<div>`` with the text direction (``dir="rtl" lang="ar"`` for Arabic)."""
    if rtl:
        return f'<div dir="rtl" lang="{escape_text(lang or "ar")}">{escaped_html}</div>'
    return f'<div dir="auto">{escaped_html}</div>'


def highlight(text: str, spans: list[tuple[int, int]] | tuple[int, int], *, tag: str = "mark") -> str:
    """Escape ``text`` with each ``text[start:end]`` of ``spans`` wrapped in ``<mark>``; every piece escaped.

    ``spans`` is one ``(start, end)`` pair or a list of them, as offsets into ``text``. Spans outside the text,
    empty or overlapping an earlier span are ignored (the text is still shown, escaped).
    """
    if not text:
        return ""
    if spans and isinstance(spans[0], int):
        spans = [spans]  # type: ignore[list-item]
    pieces, cursor = [], 0
    for start, end in sorted(spans):  # type: ignore[misc]
        if not (cursor <= start < end <= len(text)):
            continue
        pieces += [escape_text(text[cursor:start]), f"<{tag}>", escape_text(text[start:end]), f"</{tag}>"]
        cursor = end
    pieces.append(escape_text(text[cursor:]))
    return "".join(pieces)


def safe_url(url: str | None) -> str | None:
    """The escaped URL when it is ``http(s)://`` (:func:`threatmap.urls.http_url`), else None (no ``javascript:``
    or ``data:`` links)."""
    value = http_url(url)
    return escape_text(value) if value is not None else None
