"""The names a request may use (pairs, roles, options, document kinds, formats) and the one message
for a name that is not among them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from .errors import RequestError, preview

if TYPE_CHECKING:
    from contractkit.catalogue.model import Condition, Pair, Role

# what -> (English, Chinese) for "unknown <what> …" / "未知<what> …"
_WHAT = {
    "pair": ("pair", "当事人组合"), "role": ("role", "角色"), "option": ("option", "选项"),
    "kind": ("document kind", "文件类型"), "format": ("format", "格式"),
}


def known(what: str) -> list[tuple[str, str]]:
    """(id, Chinese name) of every pair, role or option in the catalogue."""
    from contractkit.catalogue import default_catalogue

    catalogue = default_catalogue()
    items: dict[str, Sequence[Pair | Role | Condition]] = {
        "pair": catalogue.pairs, "role": catalogue.roles, "option": catalogue.conditions,
    }
    return [(item.id, item.name) for item in items[what]]


def listed(choices: Sequence[tuple[str, str]], language: str) -> str:
    if language == "en":
        return ", ".join(id_ for id_, _ in choices)
    return "、".join(f"{id_}（{name}）" if name else id_ for id_, name in choices)


def unknown(what: str, values: Iterable[str], field: str,
            choices: Sequence[tuple[str, str]] | None = None) -> list[RequestError]:
    """One ``unknown-<what>`` error for each value not among ``choices`` (default: the catalogue's)."""
    choices = known(what) if choices is None else choices
    ids = {id_ for id_, _ in choices}
    en, zh = _WHAT[what]
    return [
        RequestError(
            f"unknown-{what}", field,
            f"unknown {en} {preview(value)!r}; valid {en}s: {listed(choices, 'en')}",
            f"未知{zh} {preview(value)}；可选：{listed(choices, 'zh')}",
        )
        for value in dict.fromkeys(values) if value not in ids
    ]
