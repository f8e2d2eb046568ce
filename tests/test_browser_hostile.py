"""Hostile input through the app, in Debian Chromium: user text in Streamlit's Markdown sinks (a place id from the
URL, upload file names and JSONL values) is shown as text, nothing is fetched from the host it names
(127.0.0.1:8742, nothing listens there), and uploads that killed or bloated the server are refused by name."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import alias_bomb, submit_uploads

pytestmark = pytest.mark.browser

ATTACK_HOST = "127.0.0.1:8742"
TIMEOUT_MS = 90_000


@pytest.fixture(scope="module")
def hostile_server(test_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a copy of the test store (the upload adds documents to it)."""
    from conftest import app_on_a_copy

    for url, _ in app_on_a_copy(test_store, tmp_path_factory.mktemp("hostile-store")):
        yield url


def _page(context: Any, url: str, fetched: list[str]) -> Any:
    """A page on ``url`` with the network closed: only the app itself answers; every other request is recorded."""
    page = context.new_page()
    app = url.rstrip("/") + "/"

    def route(r: Any) -> None:
        if r.request.url.startswith(app) or r.request.url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            fetched.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return page


def test_markdown_in_the_place_parameter_is_text(browser_context: Any, hostile_server: str) -> None:
    payload = f"![b](http://{ATTACK_HOST}/x.png) **bold** :red[red] $x^2$"
    fetched: list[str] = []
    page = _page(browser_context, hostile_server, fetched)
    try:
        page.goto(f"{hostile_server}/?place={urllib.parse.quote(payload)}", wait_until="domcontentloaded")
        alert = page.locator('[data-testid="stAlert"]', has_text="No passage mentions").first
        alert.wait_for(timeout=TIMEOUT_MS)
        page.wait_for_timeout(1000)
        assert payload in alert.inner_text()
        assert alert.locator("img, strong, .katex").count() == 0
        assert [u for u in fetched if ATTACK_HOST in u] == []
        assert page.locator(f'img[src*="{ATTACK_HOST}"]').count() == 0
    finally:
        page.close()


def test_upload_messages_show_file_names_and_values_as_text(browser_context: Any, hostile_server: str) -> None:
    name = f"![n](http://{ATTACK_HOST}/n.png).jsonl"
    value = f"![v](http://{ATTACK_HOST}/v.png)"
    jsonl = ('{"id": "u1", "text": "ISIS attacked Mosul.", "lang": "' + value + '"}\n'
             '{"id": "u2", "text": "Mosul is quiet.", "source": "' + value + '", "title": "' + value + '"}\n').encode()
    fetched: list[str] = []
    page = _page(browser_context, hostile_server, fetched)
    try:
        page.goto(hostile_server, wait_until="domcontentloaded")
        deep = b"---\ntitle: " + b"[" * 100_000 + b"]" * 100_000 + b"\n---\nMosul.\n"  # killed the server (SIGSEGV)
        bomb = ("---\n" + alias_bomb() + "---\nMosul.\n").encode()
        submit_uploads(page, [{"name": name, "mimeType": "application/json", "buffer": jsonl},
                              {"name": "deep.md", "mimeType": "text/markdown", "buffer": deep},
                              {"name": "bomb.md", "mimeType": "text/markdown", "buffer": bomb}])
        alert = page.locator('[data-testid="stAlert"]', has_text="unknown language").first
        alert.wait_for(timeout=TIMEOUT_MS)
        page.wait_for_timeout(1000)
        text = alert.inner_text()
        assert name in text and value in text
        assert alert.locator("img").count() == 0
        for refused in ("deep.md:2: front matter refused", "bomb.md:2: front matter refused: anchors and aliases"):
            page.locator('[data-testid="stAlert"]', has_text=refused).first.wait_for(timeout=TIMEOUT_MS)
        # The stored source is now a value of the Sources filter: chosen through the shared link, its chip is a plain
        # label too.
        page.goto(f"{hostile_server}/?source={urllib.parse.quote(value)}", wait_until="domcontentloaded")
        page.locator('[data-testid="stMultiSelect"]').first.get_by_text(value, exact=True).wait_for(timeout=TIMEOUT_MS)
        page.wait_for_timeout(1000)
        assert page.locator(f'img[src*="{ATTACK_HOST}"]').count() == 0
        assert [u for u in fetched if ATTACK_HOST in u] == []
    finally:
        page.close()
