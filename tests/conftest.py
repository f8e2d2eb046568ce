"""Shared fixtures: a small store built from tests/data/app, the app running on localhost, and Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP_DOCS = Path(__file__).resolve().parent / "data" / "app"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

PLACE_IDS: dict[str, tuple[str, ...]] = {
    "hamrin": ("hamrin_mountains", "hamrin"),
    "qarachogh": ("qarachogh", "qarachogh_mountain", "qara_chokh"),
    "makhmour": ("makhmour", "makhmur", "makhmour_town"),
    "erbil": ("erbil", "erbil_city", "arbil"),
    "anbar_desert": ("anbar_desert", "western_desert", "anbar_western_desert"),
    "nineveh_plains": ("nineveh_plains", "nineveh_plain"),
    "diyala": ("diyala", "diyala_governorate"),
    "mosul": ("mosul",),
}
"""Test name -> gazetteer ids to try, in order (the first one present in places.yaml is used)."""

MENTIONS: tuple[tuple[str, str, str, bool, str | None, str | None], ...] = (
    # doc id, surface as written, place, threat, cue, qualifier
    ("test-hamrin-ar", "حمرين", "hamrin", True, "تنشط", None),
    ("test-makhmour-en", "Qarachogh", "qarachogh", True, "hide", None),
    ("test-makhmour-en", "Makhmour", "makhmour", True, "attack villages", None),
    ("test-makhmour-en", "Erbil", "erbil", False, None, None),
    ("test-plains-anbar-en", "Anbar desert", "anbar_desert", True, "Sleeper cells remain active", None),
    ("test-plains-anbar-en", "Nineveh Plains", "nineveh_plains", False, None, None),
    ("test-plains-anbar-en", "Diyala", "diyala", True, "Attacks continue", "north"),
    ("test-payload-en", "Mosul", "mosul", False, None, None),
)
"""Hand-made mentions of the test documents: the app tests do not depend on the geoparser's judgement."""


def mosul_mention(doc_id: str, start: int, *, passage_end: int, threat: bool = False) -> object:
    """A hand-made mention of Mosul at ``start`` (the passage runs from 0 to ``passage_end``)."""
    from threatmap.models import Mention, Where

    return Mention(doc_id=doc_id, start=start, end=start + 5, surface="Mosul", place_id="mosul", name="Mosul",
                   place_type="city", where=Where(36.34, 43.13, (43.13, 36.34, 43.13, 36.34), "Point", 1),
                   threat=threat, passage_start=0, passage_end=passage_end)


def alias_bomb(levels: int = 8) -> str:
    """YAML ``key: value`` lines whose last one, ``title``, expands to 9**(levels + 1) strings (alias bomb)."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels + 1)]
    return "\n".join([*lines, f"title: *a{levels}"]) + "\n"


def place_id(gaz: object, name: str) -> str:
    """The id the gazetteer uses for the test place ``name``."""
    for candidate in PLACE_IDS[name]:
        if candidate in gaz:  # type: ignore[operator]
            return candidate
    raise LookupError(f"none of {PLACE_IDS[name]!r} is in the gazetteer; fix: update PLACE_IDS in tests/conftest.py")


def _mention(doc: object, surface: str, place: object, threat: bool, cue: str | None, qualifier: str | None) -> object:
    from threatmap.models import Mention, Where

    text = doc.text  # type: ignore[attr-defined]
    start = text.index(surface)
    end = start + len(surface)
    p_start = text.rfind("\n", 0, start) + 1
    p_end = text.find("\n", end)
    p_end = len(text) if p_end < 0 else p_end
    geom = place.geometry  # type: ignore[attr-defined]
    point = geom.representative_point()
    return Mention(
        doc_id=doc.id, start=start, end=end, surface=surface, place_id=place.id,  # type: ignore[attr-defined]
        name=place.name, place_type=place.type,  # type: ignore[attr-defined]
        where=Where(point.y, point.x, tuple(geom.bounds), geom.geom_type, place.precision),  # type: ignore[attr-defined]
        threat=threat, threat_p=(0.6 + 0.1 * (len(surface) % 4)) if threat else 0.1 * (len(surface) % 4),
        passage_start=p_start, passage_end=p_end, cue=cue, qualifier=qualifier, speaker=None,
    )


def build_test_store(path: Path) -> Path:
    """Store the documents of ``tests/data/app`` with the hand-made :data:`MENTIONS`."""
    from threatmap.gazetteer import default_gazetteer
    from threatmap.store import Store
    from threatmap.store.documents import read_path

    gaz = default_gazetteer()
    with Store.open(path) as store:
        for file in sorted(APP_DOCS.glob("*.md")):
            for doc in read_path(file).documents:
                mentions = [
                    _mention(doc, surface, gaz[place_id(gaz, name)], threat, cue, qualifier)
                    for doc_id, surface, name, threat, cue, qualifier in MENTIONS
                    if doc_id == doc.id
                ]
                store.add_document(doc, mentions)
    return path


@pytest.fixture(scope="session")
def test_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of a store holding the four test documents (Hamrin in Arabic, a script-injection payload …)."""
    return build_test_store(tmp_path_factory.mktemp("store") / "test.sqlite")


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(store: Path, *, app: Path = ROOT / "app.py", env: dict[str, str] | None = None,
              timeout: float = 60.0) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``streamlit run`` on a free port with ``THREATMAP_STORE=store``; wait for ``/_stcore/health``."""
    port = free_port()
    environ = {**os.environ, "THREATMAP_STORE": str(store), **(env or {})}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=str(ROOT), env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode(errors="replace") if process.stdout else ""
            raise RuntimeError(f"streamlit exited with {process.returncode}: {output[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.2)
    stop_app(process)
    raise RuntimeError(f"streamlit did not answer on {url}/_stcore/health within {timeout:.0f} s")


def stop_app(process: subprocess.Popen[bytes]) -> None:
    """Terminate the app process (kill it after 10 s)."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def app_on_a_copy(store: Path, folder: Path) -> Iterator[tuple[str, Path]]:
    """``(url, path)`` of the app serving a copy of ``store`` made in ``folder`` (for tests that write to it)."""
    copy = folder / "store.sqlite"
    copy.write_bytes(store.read_bytes())
    process, url = start_app(copy)
    try:
        yield url, copy
    finally:
        stop_app(process)


@pytest.fixture(scope="module")
def app_server(test_store: Path) -> Iterator[str]:
    """Base URL of the app serving :func:`test_store` on 127.0.0.1 (one process per test module)."""
    process, url = start_app(test_store)
    try:
        yield url
    finally:
        stop_app(process)


def browser_missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None; with THREATMAP_REQUIRE_BROWSER=1 they fail instead."""
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is missing (pip install -r requirements-dev.txt)"
    return None


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A persistent Chromium context (Debian's binary, headless, no background network)."""
    reason = browser_missing_reason()
    if reason:
        if os.environ.get("THREATMAP_REQUIRE_BROWSER") == "1":
            pytest.fail(f"THREATMAP_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium")), executable_path=CHROMIUM, args=CHROMIUM_ARGS,
            accept_downloads=True, viewport={"width": 1400, "height": 1000},
        )
        try:
            yield context
        finally:
            context.close()


def postgres_missing_reason() -> str | None:
    """Why the PostgreSQL + PostGIS tests cannot run here, or None; with THREATMAP_REQUIRE_POSTGIS=1 they fail."""
    from pg_cluster import missing_reason

    return missing_reason()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[object]:
    """A throwaway PostgreSQL cluster for the session, with a template database holding postgis and pg_trgm."""
    reason = postgres_missing_reason()
    if reason:
        if os.environ.get("THREATMAP_REQUIRE_POSTGIS") == "1":
            pytest.fail(f"THREATMAP_REQUIRE_POSTGIS=1 but {reason}")
        pytest.skip(f"PostgreSQL + PostGIS tests skipped: {reason}")
    from pg_cluster import cluster

    with cluster() as running:
        running.create_database("threatmap_template")
        yield running


@pytest.fixture
def postgres_url(pg_cluster: object, request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of a new, empty database (postgis and pg_trgm installed) on the session's cluster."""
    import re

    name = "t_" + re.sub(r"\W", "_", request.node.name)[:40].lower() + f"_{os.getpid()}_{time.monotonic_ns() % 10**6}"
    url = pg_cluster.create_database(name, template="threatmap_template")  # type: ignore[attr-defined]
    try:
        yield url
    finally:
        pg_cluster.drop_database(name)  # type: ignore[attr-defined]


UPLOADED_JS = """(n) => { const bar = document.querySelector('[data-testid="stSidebar"]');
    const chips = bar ? bar.querySelectorAll('[data-testid="stFileChip"]').length : 0;
    return chips === n && !bar.querySelector('[data-testid="stFileChipIconSpinner"]') ? 'done' : chips; }"""
"""'done' once the sidebar uploader holds ``n`` uploaded files, else how many file chips it shows."""


RECEIPT_JS = """() => { const bar = document.querySelector('[data-testid="stSidebar"]');
    const m = bar && bar.innerText.match(/Upload (\\d+): (\\d+) files? checked/);
    return m ? [Number(m[1]), Number(m[2])] : [0, 0]; }"""
"""``[number, files]`` of the last upload receipt the sidebar shows (``[0, 0]``: none yet)."""


def _choose_and_wait(page: Any, files: list[dict[str, Any]], timeout_ms: int, tries: int) -> None:
    """Choose ``files`` in the sidebar uploader and wait until each shows as uploaded.

    Streamlit uploads a chosen file in the background (a chip with a spinner); a submit before that ends sends the
    form without the file. On a loaded machine a choice made while the page re-renders can be dropped (no chip
    appears): it is made again, at most ``tries`` times."""
    chooser = page.locator('[data-testid="stSidebar"] [data-testid="stFileUploader"] input[type="file"]')
    chooser.set_input_files(files=files)
    start = time.monotonic()
    chosen = 1
    while (state := page.evaluate(UPLOADED_JS, len(files))) != "done":
        waited = time.monotonic() - start
        assert waited < timeout_ms / 1000, f"{state} of {len(files)} files shown, {chosen} choice(s), {waited:.0f} s"
        if state == 0 and chosen < tries and waited > chosen * timeout_ms / 1000 / tries:
            chooser.set_input_files(files=files)  # the choice was dropped: no chip at all
            chosen += 1
        page.wait_for_timeout(250)


def submit_uploads(page: Any, files: list[dict[str, Any]], *, timeout_ms: int = 90_000, tries: int = 2) -> None:
    """Choose ``files`` in the sidebar uploader of ``page``, submit the form, and wait for the app's receipt.

    The app numbers each upload it received ("Upload 2: 3 files checked"). A submit whose receipt does not come, or
    whose receipt counts no file, is made again (choosing the files again: the form clears on submit), at most
    ``tries`` times, each waiting ``timeout_ms`` (long: a repeat of a submit that was only slow would show "already
    stored"). Ingest is idempotent, so a repeat stores nothing twice. On failure the assertion quotes the sidebar, so
    a CI log shows what the app did."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    before = page.evaluate(RECEIPT_JS)[0]
    for _ in range(tries):
        if page.evaluate(UPLOADED_JS, len(files)) != "done":  # a lost submit may leave the files chosen
            _choose_and_wait(page, files, timeout_ms, tries=3)
        page.get_by_role("button", name="Add to the map").click()
        try:
            page.wait_for_function(f"() => ({RECEIPT_JS})()[0] > {before}", timeout=timeout_ms)
        except PlaywrightTimeout:  # the submit was not received: make it again (the warning shows in the CI log)
            warnings.warn(f"no upload receipt after {timeout_ms / 1000:.0f} s: submitting again", stacklevel=2)
            continue
        before, checked = page.evaluate(RECEIPT_JS)
        if checked == len(files):
            return
        warnings.warn(f"upload {before} checked {checked} of {len(files)} files: choosing them again", stacklevel=2)
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    errors = page.locator('[data-testid="stException"]').all_inner_texts()
    raise AssertionError(f"no receipt for {len(files)} files after {tries} submits; sidebar: {sidebar!r}; "
                         f"exceptions: {errors!r}")


IDLE_JS = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
"""True while the app runs no script (Streamlit shows its status widget during a run)."""


def wait_idle(page: Any, *, timeout_ms: int = 90_000, settle_ms: int = 1000) -> None:
    """Wait until the app has run no script for ``settle_ms`` (e.g. the rerun the map asks for once drawn)."""
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        page.wait_for_function(IDLE_JS, timeout=timeout_ms)
        page.wait_for_timeout(settle_ms)
        if page.evaluate(IDLE_JS):
            return
    raise AssertionError(f"the app was still running scripts after {timeout_ms / 1000:.0f} s")


def download(page: Any, button: str, *, timeout_ms: int = 90_000, tries: int = 3) -> Any:
    """Click the download button named ``button`` once the app is idle and return the Download.

    A download button's file is built on the click, by the script run that drew the button: a click that lands while
    a new run replaces it (the map's report of its view, a filter) starts no download, so the click is made again,
    at most ``tries`` times, each after the app has gone idle."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(1, tries + 1):
        wait_idle(page, timeout_ms=timeout_ms)
        try:
            with page.expect_download(timeout=timeout_ms / tries) as info:
                page.get_by_role("button", name=button).click()
            return info.value
        except PlaywrightTimeout:
            if attempt == tries:
                raise
    raise AssertionError("unreachable")


# ---------------------------------------------------------------- Dask: a real scheduler and 2 workers (processes)
DASK_PLACES = Path(__file__).resolve().parent / "data" / "geoparse_places.yaml"
DASK_GEODATA = Path(__file__).resolve().parent / "data" / "geoparse_geodata"
"""The small test gazetteer: workers load it in a fraction of a second."""


def dask_missing_reason() -> str | None:
    """Why the Dask tests cannot run here, or None; with THREATMAP_REQUIRE_DASK=1 they fail instead."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        return "dask[distributed] is not installed (pip install -r requirements.txt)"
    return None


def require_dask() -> None:
    """Skip (or, with THREATMAP_REQUIRE_DASK=1 as in CI, fail) when dask[distributed] is missing."""
    reason = dask_missing_reason()
    if reason:
        if os.environ.get("THREATMAP_REQUIRE_DASK") == "1":
            pytest.fail(f"THREATMAP_REQUIRE_DASK=1 but {reason}")
        pytest.skip(reason)


def start_dask_worker(scheduler_file: Path, name: str) -> subprocess.Popen[bytes]:
    """A ``dask worker`` process (no nanny: a SIGKILL really kills it) with one thread, on 127.0.0.1."""
    return subprocess.Popen(
        [sys.executable, "-m", "dask", "worker", "--scheduler-file", str(scheduler_file), "--name", name,
         "--nthreads", "1", "--no-nanny", "--host", "127.0.0.1", "--no-dashboard"],
        cwd=str(ROOT), env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)


def wait_for_file(path: Path, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    """Wait until ``path`` exists (RuntimeError when ``process`` exits or the time is up)."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"no {path} from {process.args} (exit {process.poll()})")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def dask_scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The scheduler file of a real ``dask scheduler`` with 2 ``dask worker`` processes, all on 127.0.0.1."""
    require_dask()
    folder = tmp_path_factory.mktemp("dask")
    scheduler_file = folder / "scheduler.json"
    processes = [subprocess.Popen(  # in the checkout: the scheduler unpickles tasks, it needs threatmap too
        [sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1", "--port", "0",
         "--dashboard-address", "127.0.0.1:0", "--scheduler-file", str(scheduler_file)],
        cwd=str(ROOT), env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)]
    try:
        wait_for_file(scheduler_file, processes[0])
        processes += [start_dask_worker(scheduler_file, f"worker-{n}") for n in (1, 2)]
        from distributed import Client

        with Client(scheduler_file=str(scheduler_file), timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
        yield scheduler_file
    finally:
        for process in reversed(processes):
            stop_app(process)
