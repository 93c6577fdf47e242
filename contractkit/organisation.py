"""Whose side the user is on: their organisation's names and its role.

A lawyer at a cloud provider knows which party is their company. Said once
(in a configuration file, ``--as NAME`` or the web settings), it decides that
party's role; the other side's role then follows from the subject matter.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_ROLE = "provider"


@dataclass(frozen=True)
class Organisation:
    """Our organisation: its full and short names, and the role it holds in our contracts."""

    names: tuple[str, ...]
    role: str = DEFAULT_ROLE

    def __post_init__(self) -> None:
        cleaned = tuple(dict.fromkeys(n.strip() for n in self.names if n and n.strip()))
        if not cleaned:
            raise ValueError("an organisation needs at least one name")
        object.__setattr__(self, "names", cleaned)

    @property
    def display_name(self) -> str:
        return self.names[0]
