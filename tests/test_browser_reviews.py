"""Chromium walks the review loop: review a mention, reload, the map and an export reflect it, reindex, it is kept."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, download, place_id, start_app, stop_app
from test_browser import MAP_IFRAME, PWNED_JS, TIMEOUT_MS, Session, _open

pytestmark = pytest.mark.browser

THREATS_JS = """(pid) => { const f = document.querySelector('iframe[title="streamlit_folium.st_folium"]');
    const w = f && f.contentWindow; if (!w || !w.map) return null;
    const l = Object.values(w.map._layers).find(l => l.feature && l.feature.properties.place_id === pid);
    return l ? l.feature.properties.threats : null; }"""
HOSTILE = "<img src=x onerror=window.__pwned_review=1>"


@pytest.fixture(scope="module")
def store_copy(test_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("review-store") / "store.sqlite"
    shutil.copyfile(test_store, copy)
    return copy


@pytest.fixture(scope="module")
def gaz() -> Any:
    from threatmap.gazetteer import default_gazetteer

    return default_gazetteer()


def _page(context: Any, url: str) -> Iterator[Session]:
    return _open(context, url)  # type: ignore[no-any-return]


def wait_threats(session: Session, pid: str, n: int) -> None:
    session.page.wait_for_function(f"(pid) => ({THREATS_JS})(pid) === {n}", arg=pid, timeout=TIMEOUT_MS)


def test_review_reload_export_reindex(browser_context: Any, store_copy: Path, gaz: Any, tmp_path: Path) -> None:
    erbil = place_id(gaz, "erbil")
    process, url = start_app(store_copy)
    try:
        # Erbil selected through the shared link (clicking a feature is tested in test_browser.py)
        pages = _page(browser_context, f"{url}/?place={erbil}&reviewer={HOSTILE}")
        session = next(pages)
        session.page.wait_for_selector(MAP_IFRAME, state="attached", timeout=3 * TIMEOUT_MS)  # a cold first start
        page = session.page
        page.locator(".tm-panel mark", has_text="Erbil").first.wait_for(timeout=TIMEOUT_MS)
        wait_threats(session, erbil, 0)
        expander = page.locator('[data-testid="stExpander"]', has_text="Review a mention")
        expander.locator("summary").click()
        expander.get_by_text("threat", exact=True).click()
        reason = expander.get_by_label("Reason (short)")
        reason.fill(HOSTILE)
        reason.press("Enter")
        expander.get_by_role("button", name="Save review").click()
        page.get_by_text("Review saved").wait_for(timeout=TIMEOUT_MS)
        wait_threats(session, erbil, 1)  # the map follows the review
        assert "reviewer=" in page.url  # remembered in the URL

        page.reload(wait_until="domcontentloaded")
        wait_threats(session, erbil, 1)
        path = tmp_path / "export.geojson"
        download(page, "GeoJSON", timeout_ms=TIMEOUT_MS).save_as(path)
        feature = next(f for f in json.loads(path.read_text(encoding="utf-8"))["features"]
                       if f["properties"]["place_id"] == erbil)
        (mention,) = feature["properties"]["mentions"]
        assert mention["reviewed"] is True and mention["threat"] is True and mention["machine_threat"] is False
        assert mention["reviewer"] == HOSTILE
        assert session.page.evaluate(PWNED_JS) == [] and session.map_frame.evaluate(PWNED_JS) == []
        assert session.external == []  # nothing left the machine; requests the reload cut short are not failures
        assert [f for f in session.failed if not f.endswith("net::ERR_ABORTED")] == []
        pages.close()
    finally:
        stop_app(process)

    done = subprocess.run([sys.executable, "-m", "threatmap", "reindex", "--store", str(store_copy)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    process, url = start_app(store_copy)
    try:
        pages = _page(browser_context, f"{url}/?review=reviewed")
        session = next(pages)
        assert set(session.drawn()) == {erbil}  # only the reviewed mention, kept through the reindex
        wait_threats(session, erbil, 1)
        assert session.external == []
        pages.close()
    finally:
        stop_app(process)
