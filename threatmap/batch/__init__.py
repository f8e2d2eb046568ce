"""Batch geoparsing on a Dask cluster: ``ingest``/``reindex`` with ``--scheduler`` or ``--workers`` (README).

``partitions`` cuts the input into tasks, ``cluster`` connects (the geoparser loads once per worker through a worker
plugin), ``run`` runs the tasks and writes their results to the store on the client. Importing this package does not
need dask; using it does (``dask[distributed]``, in requirements.txt).
"""
