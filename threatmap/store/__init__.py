"""Documents in, mentions stored: reading files (``documents``, ``dates``), ``ingest``, the SQLite store and filters."""

from threatmap.store.filters import Filters
from threatmap.store.sqlite import Store

__all__ = ["Filters", "Store"]
