"""Connecting to a Dask cluster (or starting a local one) with the geoparser loaded once per worker.

The geoparser lives in a Dask *worker plugin* (:class:`GeoparserPlugin`): the scheduler hands it to every worker,
present and future (a worker restarted after a crash too), and the worker calls its ``setup`` once, which loads
the gazetteer and builds the parser. Tasks find it with :func:`worker_geoparser`. There is no module-level state: the
parser is an attribute of the plugin object that Dask keeps on each worker.
"""

from __future__ import annotations

import hashlib
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from threatmap.errors import ThreatmapError

if TYPE_CHECKING:
    from threatmap.geoparse.parser import Geoparser

try:  # the plugin's base class; without dask installed the module still imports (and says why it cannot run)
    from distributed import WorkerPlugin
except ImportError:  # pragma: no cover - exercised where dask is missing
    WorkerPlugin = object  # type: ignore[misc,assignment]

PLUGIN_NAME = "threatmap-geoparser"
CONNECT_TIMEOUT = "20s"
LOCAL_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.scheduler.work-stealing": False,
}
"""Dask settings of a local cluster (``--workers N``; a cluster of the user's keeps its own). Its sampling profiler
costs the workers ~10 % CPU; the event-loop tick every 20 ms, the system monitor every 0.5 s and work stealing
(nothing to steal: the client submits a few tasks per worker at a time) cost an idle client with its scheduler
4 % of a core and each worker 2 %, 1.6 % and 0.7 % with these. The dashboard works without them (its system
plots update every 5 s)."""


class ClusterError(ThreatmapError, RuntimeError):
    """The Dask cluster cannot be used: dask is not installed, the scheduler is unreachable, workers differ."""


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise ClusterError("--scheduler and --workers need dask[distributed], which is not installed; "
                           "fix: pip install -r requirements.txt") from None
    return distributed


def gazetteer_digest(places: Path | str, geodata: Path | str) -> str:
    """SHA-256 of ``places.yaml`` and every file of ``geodata/``: workers must load the gazetteer the client names."""
    digest = hashlib.sha256()
    geodata = Path(geodata)
    for path in [Path(places), *sorted(p for p in geodata.rglob("*") if p.is_file())]:
        digest.update(str(path.relative_to(geodata) if path.is_relative_to(geodata) else path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


class GeoparserPlugin(WorkerPlugin):
    """Loads the gazetteer and geoparser once per worker (its ``setup``), checking it is the client's gazetteer."""

    name = PLUGIN_NAME

    def __init__(self, places: str, geodata: str, digest: str) -> None:
        self.places = places
        self.geodata = geodata
        self.digest = digest
        self.geoparser: Geoparser | None = None

    def setup(self, worker: Any) -> None:
        """Build the parser (on the worker); ClusterError when this worker's gazetteer files differ."""
        from threatmap.gazetteer import default_gazetteer
        from threatmap.geoparse.parser import Geoparser
        from threatmap.longlived import freeze_loaded

        try:
            found = gazetteer_digest(self.places, self.geodata)
        except OSError as exc:
            raise ClusterError(f"worker {worker.address}: cannot read the gazetteer ({exc}); fix: give every worker "
                               f"the same places.yaml and geodata/ at {self.places} and {self.geodata}") from None
        if found != self.digest:
            raise ClusterError(f"worker {worker.address}: its {self.places} or {self.geodata} differs from the "
                               f"client's; fix: give every worker the same gazetteer files")
        self.geoparser = Geoparser.from_gazetteer(default_gazetteer(self.places, self.geodata))
        freeze_loaded()  # the worker lives for the batch: its gazetteer leaves the full GC passes


def geoparser_plugin(places: Path | str, geodata: Path | str) -> GeoparserPlugin:
    """The plugin for ``places``/``geodata`` (absolute paths: workers may run in another folder)."""
    places, geodata = str(Path(places).resolve()), str(Path(geodata).resolve())
    return GeoparserPlugin(places, geodata, gazetteer_digest(places, geodata))


def worker_geoparser() -> Geoparser:
    """The geoparser of the worker running the current task (loaded once by :class:`GeoparserPlugin`)."""
    from distributed import get_worker

    plugin = get_worker().plugins.get(PLUGIN_NAME)
    geoparser = plugin.geoparser if isinstance(plugin, GeoparserPlugin) else None
    if geoparser is None:
        raise ClusterError(f"the worker has no geoparser (plugin {PLUGIN_NAME!r} missing or failed); "
                           f"fix: see the worker's log")
    return geoparser


@contextmanager
def cluster_client(scheduler: str | None, workers: int | None, places: Path | str, geodata: Path | str
                   ) -> Iterator[Any]:
    """A ``distributed.Client`` on the scheduler at ``scheduler``, or on a local cluster of ``workers`` processes.

    The local cluster listens on 127.0.0.1 only (one thread per worker process: geoparsing holds the GIL). The
    geoparser plugin is registered before anything runs; the dashboard link is printed to stderr.
    """
    distributed = _distributed()
    plugin = geoparser_plugin(places, geodata)  # before any process starts: a missing file is said at once
    cluster = None
    try:
        if scheduler:
            client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT)
        else:
            import dask

            with dask.config.set(LOCAL_CONFIG):
                cluster = distributed.LocalCluster(n_workers=workers or 1, threads_per_worker=1, processes=True,
                                                   host="127.0.0.1", dashboard_address="127.0.0.1:0",
                                                   silence_logs=logging.ERROR)
            client = distributed.Client(cluster)
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        raise ClusterError(f"cannot reach the Dask scheduler at {scheduler}: {exc}; fix: start one with "
                           f"'dask scheduler' (see README), or check the address") from None
    try:
        client.register_plugin(plugin, name=PLUGIN_NAME)
        print(f"dask: {dashboard_line(client)}", file=sys.stderr)
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def dashboard_line(client: Any) -> str:
    """Workers and the dashboard link (or why there is no dashboard)."""
    workers = len(client.scheduler_info().get("workers", {}))
    if "dashboard" in client.scheduler_info().get("services", {}):
        return f"{workers} worker(s), dashboard {client.dashboard_link}"
    return f"{workers} worker(s), no dashboard (the scheduler runs without bokeh)"
