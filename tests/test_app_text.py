"""AppTest: a text search that matches more documents than its cap says so, and shows every match when asked (the
sidebar's toggle, kept in the URL as ``all=1``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import mosul_mention
from streamlit.testing.v1 import AppTest
from test_app import APP, TIMEOUT, mentions

from threatmap import settings
from threatmap.models import Document
from threatmap.store import Store
from threatmap.store.filters import TEXT_LIMIT
from ui.sidebar import EVERY_MATCH

EXTRA = 7
"""Matching documents beyond the cap."""
TEXT = "Sleeper cells were seen near Mosul."


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of TEXT_LIMIT + EXTRA documents that all match "sleeper", one mention each, and one that does not."""
    path = tmp_path_factory.mktemp("crowded") / "s.sqlite"
    start = TEXT.index("Mosul")
    items = [(Document(id=f"d{i:04}", text=TEXT, lang="en", source="Wire", path=f"d{i}.md"),
              (mosul_mention(f"d{i:04}", start, passage_end=len(TEXT)),), ()) for i in range(TEXT_LIMIT + EXTRA)]
    quiet = "Mosul was quiet."
    items.append((Document(id="quiet", text=quiet, lang="en", source="Wire", path="quiet.md"),
                  (mosul_mention("quiet", 0, passage_end=len(quiet)),), ()))
    with Store.open(path) as store:
        store.add_batch(items)
    return path


@pytest.fixture()
def searched(crowded: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    """The app on the crowded store, opened from a link that searches "sleeper"."""
    monkeypatch.setattr(settings, "STORE_PATH", crowded)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["q"] = "sleeper"
    yield at.run()


def _notices(at: AppTest) -> str:
    return " ".join(str(el.value) for el in at.info)


def test_a_capped_search_says_so_and_shows_every_match_when_asked(searched: AppTest) -> None:
    at = searched
    assert not at.exception, at.exception
    assert mentions(at) == TEXT_LIMIT
    assert f"more than {TEXT_LIMIT:,} documents" in _notices(at) and EVERY_MATCH in _notices(at)
    assert "all" not in at.query_params
    at.toggle(key="text_all").set_value(True).run()
    assert not at.exception, at.exception
    assert mentions(at) == TEXT_LIMIT + EXTRA
    assert "more than" not in _notices(at)
    assert at.query_params["all"] in ("1", ["1"])  # the link keeps it


def test_a_link_with_all_shows_every_match(crowded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "STORE_PATH", crowded)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["q"] = "sleeper"
    at.query_params["all"] = "1"
    at.run()
    assert not at.exception, at.exception
    assert at.toggle(key="text_all").value is True
    assert mentions(at) == TEXT_LIMIT + EXTRA and "more than" not in _notices(at)
