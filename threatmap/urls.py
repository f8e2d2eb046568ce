"""Links taken from documents: only ``http://`` and ``https://`` URLs are ever turned into a link (app, KML …)."""

from __future__ import annotations

from urllib.parse import urlsplit

MAX_URL_CHARS = 2048


def http_url(url: object) -> str | None:
    """``url`` stripped when it is an absolute ``http(s)://`` URL with a host, else None.

    ``javascript:``, ``data:``, ``file:``, scheme-relative ``//host`` and URLs with control characters or spaces
    (which browsers strip, turning ``java\\tscript:`` back into a scheme) are refused; the result still has to be
    escaped for the place it goes (HTML attribute, XML).
    """
    if not isinstance(url, str):
        return None
    value = url.strip()
    if not value or len(value) > MAX_URL_CHARS or any(ch <= " " or ch == "\x7f" for ch in value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an invalid IPv6 host
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return value
