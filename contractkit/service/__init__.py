"""The review service: contract checking and generation in a browser, with a history.

``contractkit serve`` runs ``create_app`` under uvicorn. The service is a web
layer over the library and holds no checking logic of its own:

* ``settings``  – one frozen ServiceSettings, the only place defaults live;
* ``database`` / ``migrations`` – the review history (SQLite or PostgreSQL), schema by Alembic;
* ``history``   – reading and writing review records;
* ``storage``   – uploaded files under the data folder, with generated names, and .zip unpacking;
* ``reviews``   – a review's life: store, queue in the worker pool, record the result;
* ``app`` (``api`` JSON routes, ``pages`` HTML routes, ``security`` auth and limits).
"""
