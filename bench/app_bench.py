"""Benchmark of the app at scale (100k mentions, 1,000 places) against the naive one-Marker-per-mention map.

Run: ``python bench/app_bench.py`` (``--mentions``/``--places`` to change the size, ``--naive`` for the subset drawn the
naive way). Needs Debian's ``/usr/bin/chromium`` for the browser figures (skipped with a note otherwise). Prints:

- time from ``streamlit run`` process start to the map drawn in Chromium, and from page open to drawn;
- the app's own work per filter change (the calls app.py makes, timed in-process), and the server time of the
  first run and of each filter change through AppTest (whole script, including AppTest's own overhead). The
  AppTest figures come from a fresh process (``--server-times STORE``): its first run is truly cold (nothing
  cached, the store's snapshot not loaded yet), and each filter change after it is that change alone;
- the map payload (script + header sent to the component) and all websocket bytes of the page load;
- the naive map (``folium.Marker`` + ``Popup`` per mention) for a subset, its build time, HTML size and browser
  time, with the linear extrapolation to all mentions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.server
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from threatmap.models import Document, Mention, Where  # noqa: E402
from threatmap.store import Store  # noqa: E402
from threatmap.store.filters import Filters  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
DRAWN_JS = """(n) => { if (!window.map) return false;
    const ids = new Set();  // features on the map, and towns held by a marker cluster
    Object.values(window.map._layers).forEach(l => {
        if (l.feature && l.feature.properties && l.feature.properties.place_id) ids.add(l._leaflet_id);
        if (l._topClusterLevel && l.getLayers) l.getLayers().forEach(m => ids.add(m._leaflet_id));
    });
    return ids.size >= n; }"""
JQUERY_SHIM = ("<script>window.$ = s => { const t = document.createElement('template'); t.innerHTML = s.trim();"
               " return [t.content.firstChild]; };</script>")
"""folium's Popup template parses its HTML with jQuery (a CDN script); offline, this one-liner stands in for it."""
TYPES = ("town", "village", "city", "camp", "mountain_range", "desert", "plain", "valley", "district", "region")
SOURCES = tuple(f"Outlet {i:02}" for i in range(12))
WARM_VISITS = 3


# ---------------------------------------------------------------- the synthetic store
def generate_store(path: Path, *, places: int, mentions: int, per_doc: int = 20, seed: int = 11) -> int:
    """Fill ``path`` with ``mentions`` mentions over ``places`` synthetic places (80 % points, 20 % areas).

    The places are not in the gazetteer: the export falls back to each mention's stored point or bounding box,
    exactly as for a place removed from ``places.yaml``. Returns the number of places actually mentioned.
    """
    rng = random.Random(seed)
    catalogue = []
    for i in range(places):
        lon, lat = 38.8 + rng.random() * 9.0, 30.0 + rng.random() * 7.0
        area = i % 5 == 0
        half = rng.uniform(0.1, 0.4) if area else 0.0
        kind = TYPES[4 + i % 6] if area else TYPES[i % 4]
        catalogue.append((f"syn_{i:04}", f"Place {i}", kind, lon, lat, (lon - half, lat - half, lon + half, lat + half),
                          "Polygon" if area else "Point", 5 if area else 1))
    start = dt.date(2015, 1, 1).toordinal()
    batch: list[tuple[Document, list[Mention], tuple[()]]] = []
    used: set[str] = set()
    with Store.open(path) as store:
        for d in range(mentions // per_doc):
            arabic = rng.random() < 0.35
            picked = [catalogue[rng.randrange(places)] for _ in range(per_doc)]
            sentences, spans = [], []
            pos = 0
            for _pid, name, *_ in picked:
                if arabic:
                    head, tail = "أفادت تقارير بنشاط خلايا داعش قرب ", " خلال الأسبوع الماضي."
                else:
                    head, tail = "Officials reported ISIS cells active near ", " during the past week."
                sentence = head + name + tail
                spans.append((pos, pos + len(head), pos + len(head) + len(name), pos + len(sentence)))
                sentences.append(sentence)
                pos += len(sentence) + 1
            text = " ".join(sentences)
            date = None if rng.random() < 0.03 else dt.date.fromordinal(start + rng.randrange(3650))
            doc = Document(id=f"bench{d:06}", text=text, lang="ar" if arabic else "en", source=rng.choice(SOURCES),
                           date=date, date_origin="metadata" if date else None, url=f"https://example.org/{d}",
                           title=f"Report {d}", path=f"bench/{d}.md")
            doc_mentions = []
            for place, (p0, s0, s1, p1) in zip(picked, spans, strict=True):
                pid, name, kind, lon, lat, bbox, gtype, precision = place
                threat = rng.random() < 0.4
                qualifier = "near" if rng.random() < 0.05 else None
                doc_mentions.append(Mention(
                    doc_id=doc.id, start=s0, end=s1, surface=name, place_id=pid, name=name, place_type=kind,
                    where=Where(lat, lon, bbox, gtype, precision), threat=threat, passage_start=p0, passage_end=p1,
                    cue="reported ISIS cells active" if threat else None, qualifier=qualifier))
                used.add(pid)
            batch.append((doc, doc_mentions, ()))
            if len(batch) == 500:
                store.add_batch(batch)
                batch = []
        if batch:
            store.add_batch(batch)
    return len(used)


# ---------------------------------------------------------------- server side (AppTest)
def server_times(store: Path) -> dict[str, Any]:
    """Seconds of the first run and of each filter change, and the map payload, measured with AppTest.

    Each figure is ``[wall, cpu]``: wall-clock seconds, and the CPU seconds of this process (AppTest runs the
    script in a thread of it), which other jobs on a shared machine do not inflate.
    """
    from streamlit.testing.v1 import AppTest

    from threatmap import settings

    settings.STORE_PATH = store
    out: dict[str, Any] = {}
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)

    def timed(label: str) -> None:
        t0, c0 = time.perf_counter(), time.process_time()
        at.run()
        out[label] = [time.perf_counter() - t0, time.process_time() - c0]
        if at.exception:
            raise RuntimeError(at.exception)

    timed("first run (fresh process: store load, cold caches)")
    out["_payload"] = _map_payload(at)
    timed("rerun, nothing changed")
    changes = [
        ("filter: threat only", lambda a: a.sidebar.toggle(key="threat_only").set_value(True)),
        ("filter: since 2020-01-01", lambda a: a.sidebar.date_input(key="since").set_value(dt.date(2020, 1, 1))),
        ("filter: language ar", lambda a: a.sidebar.multiselect(key="langs").set_value(["ar"])),
        ("filter: 3 sources", lambda a: a.sidebar.multiselect(key="sources").set_value(list(SOURCES[:3]))),
        ("filter: text 'Place 7'", lambda a: a.sidebar.text_input(key="text").set_value("Place 7")),
        ("filter: back to threat-only off", lambda a: a.sidebar.toggle(key="threat_only").set_value(False)),
    ]
    for label, change in changes:
        change(at)
        timed(label)
    return out


def server_times_fresh(store: Path) -> dict[str, Any]:
    """:func:`server_times` in a new Python process, so that nothing this process cached is reused.

    ``st.cache_resource`` keys leave out the store (``_store``): in this process, :func:`pipeline_times` would
    have filled them, the first AppTest run would be warm, and the first filter it had not seen (the date) would
    pay the AppTest store's snapshot load instead.
    """
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--server-times", str(store)],
                          cwd=str(ROOT), capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"the AppTest process failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def pipeline_times(store: Path) -> dict[str, float]:
    """Seconds of the app's own work per filter change, without Streamlit's overhead: the same calls as app.py
    (counts, aggregate, what is drawn, the layers' script, months, table page, the feed's first page), warm store;
    the base map is built once per process and not counted."""
    from layers import data_layers
    from ui import data, drawing, feed, mapview, views

    s = Store.open(store)
    data.shapes(s, 0)
    out = {}
    for label, filters in [
        ("threat only", Filters(threat_only=True)), ("since 2020-01-01", Filters(since=dt.date(2020, 1, 1))),
        ("language ar", Filters(langs=("ar",))), ("3 sources", Filters(sources=SOURCES[:3])),
        ("text 'Place 7'", Filters(text="Place 7")), ("everything", Filters()),
    ]:
        t0 = time.perf_counter()
        data.counts(s, filters, 0)
        rows = drawing.drawn(data.aggregate(s, filters, 0), drawing.Drawing())
        mapview.layers_script(data_layers(rows))
        views.monthly(data.monthly(s, filters, 0)[0])
        views.newest_first(data.newest(s, filters, 0, views.TABLE_ROWS), views.TABLE_ROWS)
        feed.page_of(lambda n, f=filters: data.newest(s, f, 0, n), 1)  # type: ignore[misc]
        out[f"filter: {label}"] = time.perf_counter() - t0
    return out


def _map_payload(at: Any) -> dict[str, int]:
    (element,) = [el for el in at.get("component_instance") if "st_folium" in el.proto.component_name]
    args = json.loads(element.proto.json_args)
    layers = args.get("feature_group") or ""
    return {"map script bytes": len(args["script"].encode()), "map layers bytes": len(layers.encode()),
            "map header+html bytes": len((args["header"] + args["html"]).encode()),
            "component args bytes": len(element.proto.json_args)}


# ---------------------------------------------------------------- browser side
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _chromium(playwright: Any, profile: str) -> Any:
    return playwright.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                                         viewport={"width": 1400, "height": 1000})


def _open_until_drawn(page: Any, url: str, features: int) -> None:
    """Open the app and wait until the map iframe has drawn ``features`` features."""
    page.goto(url)
    frame = page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]', state="attached",
                                   timeout=120_000).content_frame()
    frame.wait_for_function(DRAWN_JS, arg=features, timeout=120_000)


def _offline(page: Any, external: list[str]) -> None:
    def route(r: Any) -> None:
        if r.request.url.startswith("http://127.0.0.1:"):
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()
    page.route("**/*", route)


def websocket_bytes(page: Any) -> list[int]:
    """A one-item list that counts the bytes of every websocket frame ``page`` receives from now on."""
    received = [0]

    def frame(payload: str | bytes) -> None:
        received[0] += len(payload if isinstance(payload, bytes) else payload.encode())

    page.on("websocket", lambda ws: ws.on("framereceived", frame))
    return received


def wait_healthy(url: str, t_start: float, *, limit: float = 60) -> None:
    """Wait until the Streamlit server at ``url`` answers its health check (started at ``t_start``)."""
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):
                return
        except OSError:
            if time.perf_counter() - t_start > limit:
                raise RuntimeError(f"the app did not start within {limit:.0f} s") from None
            time.sleep(0.05)


def start_streamlit(root: Path, store: str, **env: str) -> tuple[subprocess.Popen[bytes], str]:
    """``streamlit run`` of ``root``'s ``app.py`` serving ``store`` on a free port of 127.0.0.1 (extra ``env``
    variables on top of this process's); the process and its URL, before it answers (see :func:`wait_healthy`)."""
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(root / "app.py"), "--server.port",
                                str(port), "--server.address", "127.0.0.1", "--server.headless", "true"],
                               cwd=str(root), env={**os.environ, "THREATMAP_STORE": store, **env},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return process, f"http://127.0.0.1:{port}"


def browser_times(store: Path, *, features: int) -> dict[str, Any]:
    """Process start → map drawn, page open → map drawn, and websocket bytes, in Chromium."""
    from playwright.sync_api import sync_playwright

    t_start = time.perf_counter()
    process, url = start_streamlit(ROOT, str(store))
    out: dict[str, Any] = {}
    try:
        wait_healthy(url, t_start)
        out["process start -> health ok"] = time.perf_counter() - t_start
        with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
            context = _chromium(playwright, profile)
            page = context.new_page()
            external: list[str] = []
            ws_bytes = websocket_bytes(page)
            _offline(page, external)
            t_open = time.perf_counter()
            _open_until_drawn(page, url, features)
            t_drawn = time.perf_counter()
            out["page open -> map drawn (first visit, cold caches)"] = t_drawn - t_open
            out["process start -> map drawn"] = t_drawn - t_start
            page.wait_for_timeout(1500)
            out["_websocket bytes (page load)"] = ws_bytes[0]
            page.close()
            warm = []
            for _ in range(WARM_VISITS):  # the median of a few: one visit varies with the machine's load
                page2 = context.new_page()
                _offline(page2, external)
                t_open = time.perf_counter()
                _open_until_drawn(page2, url, features)
                warm.append(time.perf_counter() - t_open)
                page2.close()
            out[f"page open -> map drawn (warm caches, median of {WARM_VISITS})"] = statistics.median(warm)
            out["page open -> map drawn (warm caches, fastest)"] = min(warm)
            out["_external requests"] = len(external)
            context.close()
    finally:
        process.terminate()
        process.wait(timeout=20)
    return out


# ---------------------------------------------------------------- the naive approach
def naive(store: Path, *, n: int) -> dict[str, Any]:
    """One ``folium.Marker`` with a ``Popup`` per mention for the first ``n`` mentions; build, size, browser."""
    import branca.element
    import folium
    import jinja2

    import layers.offline
    from layers.offline import install_assets, offline_map

    df = Store.open(store).query(Filters(), limit=n)
    # Stock folium: without the app's template shortcut (layers.offline.cache_templates), as a naive app would be.
    patched = getattr(layers.offline, "cache_templates", None)
    layers.offline.cache_templates = lambda: None
    setattr(branca.element, "Template", jinja2.Template)  # noqa: B010 - undo the app's patch of branca
    try:
        t0 = time.perf_counter()
        m = offline_map((34.8, 41.5), 6)
        for row in df.itertuples():
            folium.Marker([row.lat, row.lon], popup=folium.Popup(f"{row.name}: {row.passage}", parse_html=True),
                          tooltip=str(row.name)).add_to(m)
        html = m.get_root().render()
    finally:
        if patched is not None:
            layers.offline.cache_templates = patched
    out: dict[str, Any] = {"n": len(df), "build + render (s)": time.perf_counter() - t0,
                           "HTML bytes": len(html.encode())}
    if not Path(CHROMIUM).exists():
        return out
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        install_assets(site / "vendor")
        page_html = html.replace("../../app/static/vendor", "vendor").replace("<head>", "<head>" + JQUERY_SHIM, 1)
        (site / "naive.html").write_text(page_html, encoding="utf-8")
        (site / "favicon.ico").write_bytes(b"")
        handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
        handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
                context = _chromium(playwright, profile)
                page = context.new_page()
                _offline(page, [])
                t0 = time.perf_counter()
                page.goto(f"http://127.0.0.1:{server.server_port}/naive.html", timeout=600_000, wait_until="commit")
                page.wait_for_function(f"() => document.querySelectorAll('.leaflet-marker-icon').length >= {len(df)}",
                                       timeout=600_000)
                out["page open -> drawn (s)"] = time.perf_counter() - t0
                context.close()
        finally:
            server.shutdown()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=100_000)
    parser.add_argument("--places", type=int, default=1000)
    parser.add_argument("--naive", type=int, default=2000, help="mentions drawn the naive way (default 2000)")
    parser.add_argument("--server-times", metavar="STORE", help="only the AppTest figures of STORE, as JSON (the "
                        "fresh process this benchmark starts for them)")
    parser.add_argument("--baseline", type=Path, help="another checkout (e.g. `git worktree add /tmp/base main`): "
                        "its own bench/app_bench.py (or bench/app.py) runs first, with the same arguments, in this "
                        "same run")
    args = parser.parse_args()
    if args.server_times:
        print(json.dumps(server_times(Path(args.server_times))))
        return
    if args.baseline:
        script = args.baseline / "bench" / "app_bench.py"
        script = script if script.exists() else args.baseline / "bench" / "app.py"
        print(f"==================== baseline: {args.baseline}", flush=True)
        subprocess.run([sys.executable, str(script), "--mentions", str(args.mentions), "--places",
                        str(args.places), "--naive", str(args.naive)], cwd=str(args.baseline), check=True)
        print(f"==================== this checkout: {ROOT}", flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="threatmap-bench-"))
    try:
        store = tmp / "bench.sqlite"
        t0 = time.perf_counter()
        used = generate_store(store, places=args.places, mentions=args.mentions)
        total = Store.open(store).facets().mentions
        print(f"store: {total:,} mentions, {used:,} places mentioned, built in {time.perf_counter() - t0:.1f} s")
        with Store.open(store) as s:
            from threatmap.export import aggregate_places

            features = len(aggregate_places(s.query(Filters()), None))
        print(f"features on the map (place x qualifier): {features:,}\n")

        server = server_times_fresh(store)
        pipeline = pipeline_times(store)
        print("app work per filter change (same calls as app.py, no Streamlit runtime), s")
        for label, seconds in pipeline.items():
            print(f"  {label:<40} {seconds:6.3f}")
        payload = server.pop("_payload")
        print("server time per run (AppTest: whole script + AppTest's own parsing of the 1 MB map element), "
              "wall s / CPU s")
        for label, (wall, cpu) in server.items():
            print(f"  {label:<50} {wall:6.3f} / {cpu:6.3f}")
        print("map payload sent to the browser")
        for label, size in payload.items():
            print(f"  {label:<40} {size / 1e6:6.2f} MB")

        if Path(CHROMIUM).exists():
            browser = browser_times(store, features=features)
            print("browser (headless Chromium, network closed), s")
            for label, value in browser.items():
                if label.startswith("_"):
                    print(f"  {label[1:]:<50} {value:,}")
                else:
                    print(f"  {label:<50} {value:6.2f}")
        else:
            print(f"browser figures skipped: {CHROMIUM} is missing")

        result = naive(store, n=args.naive)
        scale = total / max(result["n"], 1)
        print(f"\nnaive: one folium.Marker + Popup per mention, {result['n']:,} mentions")
        print(f"  build + render          {result['build + render (s)']:7.2f} s  -> x{scale:.0f} = "
              f"{result['build + render (s)'] * scale:,.0f} s for {total:,} (linear)")
        print(f"  HTML                    {result['HTML bytes'] / 1e6:7.2f} MB -> "
              f"{result['HTML bytes'] * scale / 1e6:,.0f} MB for {total:,}")
        if "page open -> drawn (s)" in result:
            print(f"  page open -> drawn      {result['page open -> drawn (s)']:7.2f} s  -> "
                  f">= {result['page open -> drawn (s)'] * scale:,.0f} s for {total:,} (at best linear)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
