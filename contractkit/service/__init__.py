"""The review service: contract checking and generation in a browser, with a history.

``contractkit serve`` runs ``create_app`` under uvicorn. The service is a web
layer over the library and holds no checking logic of its own: it uses the
library only through ``contractkit.api``. Its modules, each importing only from
those listed after it (tests/test_service_structure.py checks both rules):

* ``run``       – ``contractkit serve``: settings from the command line, then uvicorn;
* ``app``       – wiring only: settings → database → storage → worker pool → routes, errors as responses;
* ``api`` (JSON routes under /api) and ``pages`` (HTML routes) – a request in, a response out;
* ``actions``   – what a request does whichever of the two it came to (start a review, check again);
* ``dependencies`` (the services, the caller and what they may see), ``downloads`` (reports and files
  handed back), ``generating``, ``highlight``, ``schemas``, ``apidocs`` – what the routes share;
* ``core``      – Services (what the routes use, built at start-up) and ServiceError (a request refused);
* ``reviews``   – a review's life: store, queue in the worker pool, record the result;
* ``history``   – reading and writing review records; ``organisation`` – the team's organisation settings;
* ``storage``   – uploaded files under the data folder, with generated names, and .zip unpacking;
* ``database`` / ``migrations`` – the review history (SQLite or PostgreSQL), schema by Alembic;
* ``wording``   – what users read, in their terms (Chinese error messages, no command-line advice);
* ``security``  – allowed hosts, security headers, request limits, sign-in sessions and login limits;
  ``users`` – the users file (Argon2 hashes, roles); ``settings`` – one frozen ServiceSettings, the only
  place defaults live.
"""
