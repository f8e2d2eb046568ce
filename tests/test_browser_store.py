"""The app in Debian Chromium shows documents ingested from the command line, by another process, on reload."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

pytestmark = pytest.mark.browser

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
TIMEOUT_MS = 90_000
DRAWN = """(pid) => { const f = document.querySelector('iframe[title="streamlit_folium.st_folium"]');
    const w = f && f.contentWindow; if (!w || !w.map) return null;
    const ids = Object.values(w.map._layers).filter(l => l.feature && l.feature.properties.place_id)
        .map(l => l.feature.properties.place_id);
    return ids.length ? ids.includes(pid) : null; }"""


@pytest.fixture(scope="module")
def served_store(test_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The app on a copy of the test store, and that store's path (for the CLI)."""
    from conftest import app_on_a_copy

    yield from app_on_a_copy(test_store, tmp_path_factory.mktemp("cli-store"))


def test_a_cli_ingest_shows_on_reload(browser_context: Any, served_store: tuple[str, Path], tmp_path: Path) -> None:
    url, store = served_store
    page = browser_context.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(url) else r.abort())
    try:
        page.goto(url, wait_until="domcontentloaded")
        page.wait_for_function(f"() => ({DRAWN})('baiji') === false", timeout=TIMEOUT_MS)
        doc = tmp_path / "baiji.txt"
        doc.write_text("ISIS cells attacked an army checkpoint near Baiji on Tuesday, officials said.\n",
                       encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "threatmap", "ingest", "--store", str(store), str(doc)],
                              cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0 and "documents added: 1" in done.stdout, done.stdout + done.stderr
        page.reload(wait_until="domcontentloaded")
        page.wait_for_function(f"() => ({DRAWN})('baiji') === true", timeout=TIMEOUT_MS)
    finally:
        page.close()
