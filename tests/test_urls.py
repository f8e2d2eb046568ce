"""Links from documents: only http(s) URLs become links, in the app's panel and in KML balloons alike."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import mosul_mention
from shapely.geometry import Point

from layers.escape import safe_url
from threatmap.export import to_kml
from threatmap.models import Document, Place
from threatmap.store import Store
from threatmap.urls import http_url

HOSTILE = ("javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:alert(1)", "data:text/html,<script>x</script>",
           "vbscript:x", "file:///etc/passwd", "//evil.example/x", "http:/x", "https://", "http://a b",
           "http://x\nhttp://y", "http://[::1", "\x00http://x", "ftp://x", "https://e.org/" + "a" * 3000)


@pytest.mark.parametrize("url", HOSTILE, ids=range(len(HOSTILE)))
def test_only_http_urls_pass(url: str) -> None:
    assert http_url(url) is None and safe_url(url) is None


@pytest.mark.parametrize("value", [None, 1, ["http://x"], b"http://x"])
def test_non_strings_are_not_urls(value: object) -> None:
    assert http_url(value) is None


def test_http_urls_pass_stripped() -> None:
    assert http_url("  https://www.rudaw.net/x?a=1&b=2 ") == "https://www.rudaw.net/x?a=1&b=2"
    assert http_url("HTTP://E.ORG") == "HTTP://E.ORG"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "https://ok.example/a"])
def test_kml_balloons_link_only_http_urls(tmp_path: Path, url: str) -> None:
    place = Place("mosul", "city", {"en": "Mosul", "ar": "الموصل"}, {}, Point(43.13, 36.34), 1)
    with Store.open(tmp_path / "s.sqlite") as store:
        doc = Document("a", "ISIS attacked Mosul today.", lang="en", source="Wire", date=dt.date(2021, 1, 2), url=url)
        store.add_document(doc, [mosul_mention("a", 14, passage_end=26, threat=True)])
        df = store.query()
    root = ET.fromstring(to_kml(df, {"mosul": place}))
    description = "".join(e.text or "" for e in root.iter() if e.tag.endswith("description"))
    assert "Mosul" in description
    if url.startswith("https://"):
        assert '<a href="https://ok.example/a">' in description
    else:
        assert "<a " not in description and url not in description
