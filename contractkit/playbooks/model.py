"""A playbook: the firm's own positions on top of the standard (typed, validated when loaded).

A playbook says, for the contracts of some party pairs, read from one side (usually the cloud
service provider's), what the firm wants where the standard leaves a value open or says nothing:

* a **number** position (``measure``): a deadline, a period, a count, a percentage or an amount,
  with a preferred value, the worst value still acceptable and the walk-away value, and the words
  that find it in a contract (``topic``: the sentence's subject; ``near``: words beside the number);
* a **wording** position (``wording``): patterns of wording graded meets / acceptable / deviates /
  walk-away (``乙方不得分包`` meets; ``未经甲方书面同意不得分包`` acceptable; ``乙方可以分包`` walk-away);
* a **requirement** position: the firm's own requirement (``extras``, in the form of the catalogue's
  entries: summary, strength, detection, clause template) judged by the checker itself.

Each position carries the clause to propose (``preferred``) and a fallback (``fallback``), Jinja
templates rendered with the contract's own party labels and names. ``docs/playbooks.md``-style
documentation is in the README; ``contractkit playbook explain FILE`` shows a playbook in words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from contractkit.catalogue.model import Detection, Strength
from contractkit.playbooks.quantities import UNIT_TEXT, describe, dimension_of, unit_key

PLAYBOOK_FORMAT = 1  # the ``playbook:`` key of the file: the version of this layout
POSITION_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
EXTRA_ID = re.compile(r"^x-[a-z0-9]+(-[a-z0-9]+)*$")  # the firm's own requirements: never a catalogue id

Direction = Literal["at-most", "at-least"]
Side = Literal["customer", "provider", "software", "hardware", "om", "security"]
Proposal = Literal["preferred", "fallback"]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# Parties in a pattern, replaced by how the contract names them (label, name, short names).
PLACEHOLDERS = ("{partner}", "{provider}", "{customer}", "{us}", "{them}")


def expand(pattern: str, parties: dict[str, str]) -> str:
    """``{partner}可以分包`` with ``{partner}`` replaced by ``parties["partner"]`` (a regular expression)."""
    for placeholder in PLACEHOLDERS:
        if placeholder in pattern:
            pattern = pattern.replace(placeholder, f"(?:{parties.get(placeholder[1:-1], '(?!)')})")
    return pattern


def _patterns(values: tuple[str, ...]) -> tuple[str, ...]:
    example = {name[1:-1]: "甲方" for name in PLACEHOLDERS}
    for value in values:
        if not value:
            raise ValueError("a pattern must not be empty")
        try:
            re.compile(expand(value, example))
        except re.error as exc:
            raise ValueError(f"bad pattern {value!r}: {exc}") from None
    return values


Words = tuple[str, ...]


def _topic_groups(groups: tuple[Words, ...]) -> tuple[Words, ...]:
    """Topic groups (a measure's or a wording's): each non-empty, each word a valid pattern."""
    for group in groups:
        if not group:
            raise ValueError("every topic group needs at least one word")
        _patterns(group)
    return groups


class Phrase(_Strict):
    """Wording that states the value without a number (``不超过已支付的服务费总额``: 100% of the fees)."""

    pattern: str
    value: float

    @field_validator("pattern")
    @classmethod
    def _pattern(cls, value: str) -> str:
        _patterns((value,))
        return value


class Measure(_Strict):
    """A number the contract states, and the firm's values for it."""

    unit: str = Field(description="unit of the values: 分钟, 小时, 日, 工作日, 个月, 年, 层, 次, %, 元, 万元")
    direction: Direction = Field(description="at-most: lower is better for us (a deadline); at-least: higher is "
                                             "better (a liability cap, a maintenance period)")
    preferred: float
    acceptable: float = Field(description="the worst value still accepted without escalation")
    walk_away: float | None = Field(default=None, description="at or beyond this value we do not sign")
    topic: tuple[Words, ...] = Field(min_length=1, description="groups of words (regular expressions): the sentence "
                                                               "must hold one word of every group")
    near: Words = Field(default=(), description="one of these must be in the number's own phrase")
    unless: Words = Field(default=(), description="a number whose phrase holds one of these is not this one")
    phrases: tuple[Phrase, ...] = Field(default=(), description="wording that states a value without a number")
    assume_unit: bool = Field(default=True, description="read a number written without a unit in `unit` (the "
                                                        "position then deviates at best: the contract must say it)")

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, value: str) -> str:
        unit_key(value)
        return value

    @field_validator("topic")
    @classmethod
    def _topic_patterns(cls, value: tuple[Words, ...]) -> tuple[Words, ...]:
        return _topic_groups(value)

    @field_validator("near", "unless")
    @classmethod
    def _word_patterns(cls, value: Words) -> Words:
        return _patterns(value)

    @model_validator(mode="after")
    def _ordered(self) -> Measure:
        better = (lambda a, b: a <= b) if self.direction == "at-most" else (lambda a, b: a >= b)
        if not better(self.preferred, self.acceptable):
            raise ValueError(f"preferred {self.preferred:g} must be at least as good as acceptable "
                             f"{self.acceptable:g} ({self.direction})")
        if self.walk_away is not None and not better(self.acceptable, self.walk_away):
            raise ValueError(f"acceptable {self.acceptable:g} must be at least as good as walk_away "
                             f"{self.walk_away:g} ({self.direction})")
        if self.walk_away is not None and self.walk_away == self.acceptable:
            raise ValueError("walk_away must differ from acceptable")
        return self

    @property
    def unit_key(self) -> str:
        return unit_key(self.unit)

    @property
    def dimension(self) -> str:
        return dimension_of(self.unit_key)

    def text(self, value: float) -> str:
        """``2`` -> ``2小时`` (the value with its unit, as a clause writes it)."""
        return describe(value, value, self.unit_key)

    @property
    def unit_text(self) -> str:
        return UNIT_TEXT[self.unit_key]


class Wording(_Strict):
    """Wording the contract uses, graded. A sentence gets the first level, from walk-away to meets, one of
    whose patterns it holds; the worst level over the contract counts."""

    topic: tuple[Words, ...] = Field(default=(), description="as for a measure: the sentences considered")
    meets: Words = ()
    acceptable: Words = ()
    deviates: Words = ()
    walk_away: Words = ()

    @field_validator("meets", "acceptable", "deviates", "walk_away")
    @classmethod
    def _level_patterns(cls, value: Words) -> Words:
        return _patterns(value)

    @field_validator("topic")
    @classmethod
    def _topic_patterns(cls, value: tuple[Words, ...]) -> tuple[Words, ...]:
        return _topic_groups(value)

    @model_validator(mode="after")
    def _something(self) -> Wording:
        if not self.meets:
            raise ValueError("a wording position needs `meets` patterns (what the preferred clause says)")
        return self


class Position(_Strict):
    """One position of the firm: on a requirement of the catalogue, or on one of the playbook's extras."""

    id: str
    title: str = Field(min_length=2)
    requirement: str | None = Field(default=None, description="the catalogue requirement (or extra) it refines")
    pairs: tuple[str, ...] = Field(default=(), description="the pairs it applies to (default: the playbook's)")
    why: str = Field(default="", description="the firm's reason, quoted in the comments of a redline")
    measure: Measure | None = None
    wording: Wording | None = None
    preferred: str = Field(min_length=2, description="the clause to propose (Jinja)")
    fallback: str | None = Field(default=None, description="the clause to concede to (Jinja)")
    place_after: Words = Field(default=(), description="where a missing clause goes: after the last paragraph "
                                                       "holding one of these words (default: beside the requirement)")
    parameter: str | None = Field(default=None, description="the generator's parameter (clause_templates/"
                                                            "parameters.yaml) the preferred value becomes the "
                                                            "default of in `generate --playbook`")

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not POSITION_ID.match(value):
            raise ValueError(f"position id {value!r} must look like 'incident-report-hours'")
        return value

    @field_validator("place_after")
    @classmethod
    def _anchors(cls, value: Words) -> Words:
        return _patterns(value)

    @model_validator(mode="after")
    def _one_kind(self) -> Position:
        if self.measure is not None and self.wording is not None:
            raise ValueError("a position has a measure or a wording, not both")
        if self.measure is None and self.wording is None and not (self.requirement or "").startswith("x-"):
            raise ValueError("a position needs a measure, a wording, or an extra requirement (x-…) to judge it")
        if self.parameter is not None and self.measure is None:
            raise ValueError("only a position with a measure names a parameter (its preferred value is the default)")
        return self

    @property
    def kind(self) -> Literal["number", "wording", "requirement"]:
        return "number" if self.measure is not None else "wording" if self.wording is not None else "requirement"


class Extra(_Strict):
    """The firm's own requirement, not in the standard, in the form of the catalogue's entries."""

    id: str = Field(description="x-…, never a catalogue id")
    title: str | None = Field(default=None, description="a few words for reports (default: the summary)")
    clause: str = Field(default="本所立场", description="what reports show where the standard's clause would be")
    summary: str = Field(min_length=4)
    strength: Strength = Strength.MUST
    pairs: tuple[str, ...] = Field(default=(), description="default: the playbook's")
    detect: Detection
    template: str = Field(min_length=2, description="the clause to propose (Jinja)")
    consequence: str | None = None
    article: str | None = Field(default=None, description="the catalogue article a generated agreement puts the "
                                                          "clause under (default: 问责机制, else the last one)")

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not EXTRA_ID.match(value):
            raise ValueError(f"extra requirement id {value!r} must look like 'x-background-checks'")
        return value


class Playbook(_Strict):
    """A firm's playbook (see the module docstring)."""

    playbook: Literal[1] = Field(description="the version of the playbook layout")
    name: str = Field(min_length=2)
    version: str = Field(default="1")
    description: str = ""
    side: Side = Field(default="provider", description="whose side the positions are written for")
    pairs: tuple[str, ...] = Field(min_length=1)
    propose: Proposal = Field(default="preferred", description="which value and clause a redline proposes for a "
                                                               "deviation: the preferred one or the fallback")
    positions: tuple[Position, ...] = ()
    extras: tuple[Extra, ...] = ()
    source: str | None = Field(default=None, description="the file it was read from (set by the loader)")

    @model_validator(mode="after")
    def _unique(self) -> Playbook:
        for kind, ids in (("position", [p.id for p in self.positions]), ("extra", [e.id for e in self.extras])):
            seen: set[str] = set()
            for item in ids:
                if item in seen:
                    raise ValueError(f"duplicate {kind} id {item!r}")
                seen.add(item)
        if not self.positions and not self.extras:
            raise ValueError("a playbook needs positions or extras")
        return self

    def position(self, position_id: str) -> Position:
        for position in self.positions:
            if position.id == position_id:
                return position
        raise KeyError(position_id)

    def extra(self, extra_id: str) -> Extra | None:
        return next((e for e in self.extras if e.id == extra_id), None)

    def positions_for(self, pairs: Iterable[str]) -> list[Position]:
        """The positions that apply to a contract of these pairs, the extras' own positions included."""
        wanted = set(pairs)
        chosen = [p for p in self.all_positions() if set(p.pairs or self.pairs) & wanted]
        return chosen

    def all_positions(self) -> list[Position]:
        """The positions, then one per extra that no position refines (judged by the checker)."""
        refined = {p.requirement for p in self.positions}
        own = [
            Position(id=extra.id, title=extra.title or extra.summary[:40], requirement=extra.id,
                     pairs=extra.pairs or self.pairs,
                     preferred=extra.template)
            for extra in self.extras if extra.id not in refined
        ]
        return [*self.positions, *own]

    def summary(self) -> dict[str, Any]:
        """What a report's ``playbook`` section says of it."""
        return {"name": self.name, "version": self.version, "side": self.side, "pairs": list(self.pairs),
                "source": self.source}
