"""The party lexicon (``corpora/lexicons/roles.yaml``), validated once and compiled.

It holds what the party and role analysis knows about the language: labels and
the side each stands on, the word parts that give the side of an unknown
label, party-block field names, click-through vocabulary, and for each role
the words that name it and the subject matter that shows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from contractkit.catalogue.loader import read_model

ENTRUSTING, PERFORMING, THIRD_PARTY = "entrusting", "performing", "third_party"
SIDES = (ENTRUSTING, PERFORMING)

Terms = list[str]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Labels(_Strict):
    entrusting: Terms
    performing: Terms
    ordinal: list[Terms]  # series, each in order: 甲方, 乙方 …; A方, B方 …
    neutral: Terms = []
    third_party: Terms = []

    @field_validator("ordinal", mode="before")
    @classmethod
    def _one_series(cls, value: object) -> object:
        """A flat list (甲方, 乙方 …) is one series."""
        if isinstance(value, list) and value and all(isinstance(label, str) for label in value):
            return [value]
        return value

    @model_validator(mode="after")
    def _each_label_once(self):
        seen: dict[str, str] = {}
        for group, labels in self.model_dump().items():
            if group == "ordinal":
                labels = [label for series in labels for label in series]
            for label in labels:
                if label in seen:
                    raise ValueError(f"label {label!r} is listed in {seen[label]!r} and {group!r}")
                seen[label] = group
        return self


class _Morphemes(_Strict):
    entrusting: Terms
    performing: Terms
    third_party: Terms = []


class _CloudTerms(_Strict):
    addressee: str
    customer_labels: Terms
    provider_verbs: Terms
    with_words: Terms
    provider_labels: Terms = []


class _NotASecondRole(_Strict):
    beside: Terms = Field(min_length=1)  # main roles beside which …
    terms: Terms = Field(min_length=1)  # … these subject terms are the main role's own work


class _Role(_Strict):
    names: Terms
    subject: Terms = []
    objects: Terms = []
    not_a_second_role: list[_NotASecondRole] = []

    @model_validator(mode="after")
    def _shared_terms_are_subject_terms(self) -> _Role:
        for entry in self.not_a_second_role:
            unknown = set(entry.terms) - set(self.subject)
            if unknown:
                raise ValueError(f"not_a_second_role terms not in subject: {sorted(unknown)}")
        return self


class _RolesFile(_Strict):
    labels: _Labels
    side_morphemes: _Morphemes
    block_fields: Terms
    non_parties: Terms
    outsiders: Terms = []
    side_patterns: Terms
    both: Terms
    cloud_terms: _CloudTerms
    roles: dict[str, _Role] = Field(min_length=1)

    @model_validator(mode="after")
    def _beside_known_roles(self) -> _RolesFile:
        for role, entry in self.roles.items():
            for shared in entry.not_a_second_role:
                unknown = set(shared.beside) - (set(self.roles) - {role})
                if unknown:
                    raise ValueError(f"roles.{role}.not_a_second_role.beside: unknown roles {sorted(unknown)}")
        return self

    @field_validator("block_fields", "both", "non_parties", "side_patterns")
    @classmethod
    def _not_empty(cls, value: Terms) -> Terms:
        if not value:
            raise ValueError("must not be empty")
        return value

    @field_validator("side_patterns")
    @classmethod
    def _patterns_compile(cls, value: Terms) -> Terms:
        for pattern in value:
            if "{e}" not in pattern or "{p}" not in pattern:
                raise ValueError(f"{pattern!r} needs both {{e}} and {{p}}")
            try:
                re.compile(pattern.replace("{e}", "(?P<e>甲方)").replace("{p}", "(?P<p>乙方)"))
            except re.error as exc:
                raise ValueError(f"{pattern!r} is not a regular expression: {exc}") from None
        return value


def alternation(terms) -> re.Pattern:
    """One regex matching any of ``terms``, longest first."""
    return re.compile("|".join(alternation_terms(terms)))


def alternation_terms(terms) -> list[str]:
    """``alternation``'s alternatives, in its order: each term escaped, longest first."""
    return [re.escape(t) for t in sorted(set(terms), key=len, reverse=True)]


@dataclass(frozen=True)
class RoleWords:
    role: str
    names: re.Pattern  # words that name the role (云服务提供者)
    name_terms: tuple[str, ...]
    subject_terms: tuple[str, ...]  # subject matter that shows the role (运维, 渗透测试)
    object_terms: tuple[str, ...]  # what such work is done on (服务器): counts as the head of a title only
    # main role -> subject terms that, beside it, are its own work (维保 beside a product): they do
    # not make this role a second one.
    shared_with: dict[str, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class PartyLexicon:
    label_side: dict[str, str]  # known label -> entrusting | performing | third_party | ordinal | neutral
    ordinals: tuple[str, ...]  # 甲方, 乙方 …, A方, B方 …: every ordinal label
    ordinal_rank: dict[str, int]  # ordinal label -> its place in its series (甲方 and A方: 0)
    morphemes: dict[str, tuple[str, ...]]  # side -> word parts
    block_fields: frozenset[str]
    non_parties: frozenset[str]
    outsiders: tuple[str, ...]  # who does not sign but may be given work (第三方, 分包商)
    side_patterns: tuple[str, ...]  # with {e} and {p} for the entrusting and performing mentions
    both: tuple[str, ...]
    addressee: str
    customer_labels: tuple[str, ...]
    provider_verbs: tuple[str, ...]
    with_words: tuple[str, ...]
    provider_labels: tuple[str, ...]
    roles: dict[str, RoleWords]

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.label_side)

    def side_of_label(self, label: str) -> str | None:
        """The side a label's own words give: the known label, else its longest side word part."""
        side = self.label_side.get(label)
        if side in SIDES or side == THIRD_PARTY:
            return side
        if side is not None:  # ordinal or neutral: the structure decides
            return None
        longest = {
            kind: max((len(part) for part in parts if part in label), default=0)
            for kind, parts in self.morphemes.items()
        }
        top = max(longest.values())
        winners = [kind for kind, length in longest.items() if length == top]
        return winners[0] if top and len(winners) == 1 else None  # a tie says nothing


def load_party_lexicon(path: Path) -> PartyLexicon:
    data = read_model(path, _RolesFile)
    label_side = {}
    ordinal_rank = {label: rank for series in data.labels.ordinal for rank, label in enumerate(series)}
    for group in ("entrusting", "performing", "third_party", "ordinal", "neutral"):
        for label in ordinal_rank if group == "ordinal" else getattr(data.labels, group):
            label_side[label] = group
    return PartyLexicon(
        label_side=label_side,
        ordinals=tuple(ordinal_rank),
        ordinal_rank=ordinal_rank,
        morphemes={
            ENTRUSTING: tuple(data.side_morphemes.entrusting),
            PERFORMING: tuple(data.side_morphemes.performing),
            THIRD_PARTY: tuple(data.side_morphemes.third_party),
        },
        block_fields=frozenset(data.block_fields),
        non_parties=frozenset(data.non_parties),
        outsiders=tuple(data.outsiders),
        side_patterns=tuple(data.side_patterns),
        both=tuple(data.both),
        addressee=data.cloud_terms.addressee,
        customer_labels=tuple(data.cloud_terms.customer_labels),
        provider_verbs=tuple(data.cloud_terms.provider_verbs),
        with_words=tuple(data.cloud_terms.with_words),
        provider_labels=tuple(data.cloud_terms.provider_labels),
        roles={
            role: RoleWords(
                role, alternation(entry.names), tuple(entry.names), tuple(entry.subject), tuple(entry.objects),
                _shared_with(entry.not_a_second_role),
            )
            for role, entry in data.roles.items()
        },
    )


def _shared_with(entries: list[_NotASecondRole]) -> dict[str, frozenset[str]]:
    shared: dict[str, set[str]] = {}
    for entry in entries:
        for role in entry.beside:
            shared.setdefault(role, set()).update(entry.terms)
    return {role: frozenset(terms) for role, terms in shared.items()}
