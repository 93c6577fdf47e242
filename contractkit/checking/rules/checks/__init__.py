"""The checks a requirement's ``detect.checks`` can name; importing this package registers them all.

Each module here defines checks with ``@register("name")`` (``../registry.py``).
A check that serves a single requirement is a module here too: the catalogue
names it next to the requirement's data, as presidio keeps a custom recognizer
beside the predefined ones. Every module of the package is imported, so a new
one needs no other change.
"""

import importlib
import pkgutil

for _module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    importlib.import_module(f"{__name__}.{_module.name}")
