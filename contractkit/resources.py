"""Where the shipped data lives: inside the installed package, or in the checkout.

A wheel carries ``corpora/`` and ``clause_templates/`` under
``contractkit/_data/`` (see pyproject.toml); an editable install or a plain
checkout reads them from the top of the repository.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_root() -> Path:
    for root in (PACKAGE_DIR / "_data", PACKAGE_DIR.parent):
        if (root / "corpora").is_dir() and (root / "clause_templates").is_dir():
            return root
    raise FileNotFoundError(
        f"contractkit data not found: neither {PACKAGE_DIR / '_data'} nor {PACKAGE_DIR.parent} "
        "holds corpora/ and clause_templates/; reinstall the package"
    )


def corpora_dir() -> Path:
    return data_root() / "corpora"


def templates_dir() -> Path:
    return data_root() / "clause_templates"


def cache_dir() -> Path:
    """A folder the project owns for caches (jieba's dictionary, compiled templates), not the shared /tmp."""
    configured = os.environ.get("CONTRACTKIT_CACHE_DIR")
    base = Path(configured) if configured else Path(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    ) / "contractkit"
    base.mkdir(parents=True, exist_ok=True)
    return base


def cache_file(name: str) -> Path | None:
    """Where a cache file of that name lives, or None when our cache folder cannot be made (a cache
    that cannot be kept is only slower)."""
    try:
        return cache_dir() / name
    except OSError:
        return None


def write_cache(path: Path, data: bytes, keep: int) -> None:
    """Write a cache file atomically, and keep only the ``keep`` newest of its kind (the files whose
    names share its prefix up to the last "-": each lexicon change makes a new one). A cache that
    cannot be written is only slower next time."""
    import tempfile

    prefix = path.name.rsplit("-", 1)[0] + "-"
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix="." + prefix)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
        kept = sorted(path.parent.glob(f"{prefix}*{path.suffix}"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in kept[keep:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass
