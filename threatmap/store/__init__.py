"""Documents in, mentions stored: reading files (``documents``, ``dates``), ``ingest``, the stores (SQLite, the
default; PostgreSQL + PostGIS) behind one interface, and filters."""

from threatmap.store.backend import Store
from threatmap.store.base import Counts, Facets
from threatmap.store.filters import Filters

__all__ = ["Counts", "Facets", "Filters", "Store"]
