"""Whose side we are on, in the service: the team's organisation settings (组织设置) and each review's own.

The team stores its organisation's names and role once (``/settings`` or
``PUT /api/settings/organisation``); the upload form starts from them, and
each review keeps the value it was checked with, so that a re-check and a
queue resumed after a restart use the same.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from contractkit.api import DEFAULT_ROLE, CheckRequest, Organisation

from .database import now, organisation_settings

_SEPARATORS = re.compile(r"[\n\r,，]+")
_ROW = 1  # the settings table holds one row
# The settings form's and PUT /api/settings/organisation's field for each CheckRequest field.
SETTINGS_FIELDS = {"organisation.names": "names", "organisation.role": "role"}


def split_names(text: str | list[str] | None) -> list[str]:
    """Names one per line or separated by commas (a list is taken as it is, item by item)."""
    if text is None:
        return []
    parts = text if isinstance(text, list) else _SEPARATORS.split(text)
    names = ("".join(c for c in str(p) if unicodedata.category(c)[0] != "C").strip() for p in parts)
    return list(dict.fromkeys(n for n in names if n))


def organisation_from(names: str | list[str] | None, role: str | None) -> Organisation | None:
    """Our organisation from user input (None when no name is given: the role is then moot).

    Validated as a CheckRequest's organisation; raises InvalidRequest (fields ``organisation.names``,
    ``organisation.role``: ``SETTINGS_FIELDS`` names them as the settings form does).
    """
    cleaned = split_names(names)
    role = (role or "").strip() or None
    request = CheckRequest.parse({"organisation_names": cleaned, "organisation_role": role if cleaned else None})
    return request.organisation


def as_dict(organisation: Organisation | None) -> dict | None:
    return {"names": list(organisation.names), "role": organisation.role} if organisation else None


def to_json(organisation: Organisation | None) -> str | None:
    return json.dumps(as_dict(organisation), ensure_ascii=False) if organisation else None


def from_json(text: str | None) -> Organisation | None:
    if not text:
        return None
    data = json.loads(text)
    return Organisation(tuple(data["names"]), data.get("role") or DEFAULT_ROLE)


@dataclass(frozen=True)
class StoredOrganisation:
    organisation: Organisation | None
    updated_at: datetime | None = None
    updated_by: str | None = None

    @property
    def role(self) -> str:
        return self.organisation.role if self.organisation else DEFAULT_ROLE

    @property
    def names(self) -> list[str]:
        return list(self.organisation.names) if self.organisation else []


class OrganisationSettings:
    """The team's organisation, kept in the ``organisation_settings`` table."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def get(self) -> StoredOrganisation:
        with self.engine.connect() as db:
            row = db.execute(sa.select(organisation_settings).where(organisation_settings.c.id == _ROW)).first()
        if row is None:
            return StoredOrganisation(None)
        names = json.loads(row.names)
        organisation = Organisation(tuple(names), row.role) if names else None
        return StoredOrganisation(organisation, row.updated_at, row.updated_by)

    def put(self, organisation: Organisation | None, updated_by: str) -> StoredOrganisation:
        """Store the team's organisation (None: no names, clearing it)."""
        values = dict(
            names=json.dumps(list(organisation.names) if organisation else [], ensure_ascii=False),
            role=organisation.role if organisation else DEFAULT_ROLE,
            updated_at=now(), updated_by=updated_by[:200],
        )
        update = organisation_settings.update().where(organisation_settings.c.id == _ROW).values(**values)
        try:
            with self.engine.begin() as db:
                if not db.execute(update).rowcount:
                    db.execute(organisation_settings.insert().values(id=_ROW, **values))
        except sa.exc.IntegrityError:  # another request inserted the row meanwhile: ours is the later word
            with self.engine.begin() as db:
                db.execute(update)
        return self.get()
