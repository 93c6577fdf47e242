"""Typed, immutable objects for the requirement catalogue.

The catalogue file (``corpora/requirements/*.yaml``) is the single source of
truth: the generator picks templates from it, the checker reads its detection
specs, the docs and the tests are driven by it. Validation happens here, at
load time, so a malformed catalogue never reaches a user.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

if TYPE_CHECKING:
    from contractkit.checking.rules.registry import Pipeline

REQUIREMENT_ID = re.compile(r"^[0-9]+[a-z0-9]*(-[a-z0-9]+)+$")
PAIR_ID = re.compile(r"^[a-z]+-[a-z]+$")

RoleKind = Literal["customer", "provider", "partner"]
ActorKind = Literal["customer", "provider", "partner", "any"]


class Strength(StrEnum):
    """How strongly the standard words a requirement (应 / 宜 / 可)."""

    MUST = "must"
    SHOULD = "should"
    MAY = "may"

    @property
    def label_zh(self) -> str:
        """The standard's own word (应/宜/可), from its vocabulary."""
        from contractkit.standard import default_standard

        return default_standard().vocabulary.zh("strengths", self.value)


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Role(Frozen):
    id: str
    name: str = Field(description="Chinese name as the standard writes it")
    kind: RoleKind
    description: str


class Pair(Frozen):
    """Two roles that sign an agreement with each other, e.g. provider-om."""

    id: str
    name: str
    roles: tuple[str, str]

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not PAIR_ID.match(value):
            raise ValueError(f"pair id {value!r} must look like 'provider-om'")
        return value

    @property
    def partner_role(self) -> str:
        """The role on the non-provider side (customer or a partner role)."""
        first, second = self.roles
        return first if second == "provider" else second


class Condition(Frozen):
    """A generation option that switches extra requirements on (关基, 多云统管)."""

    id: str
    name: str
    description: str
    # Words that, found in a contract, switch the option on for checking it.
    triggers: tuple[str, ...] = ()


Marking = Literal["implement", "supervise", "approve", "cooperate", "responsible"]


class CheckUse(Frozen):
    """One named check a requirement uses, with its parameters.

    The catalogue writes a bare name (``deferral``) or a one-key mapping
    (``over_limit: {pattern: …, max: 2, reason: …}``, ``partial_element: [data]``).
    Names and parameters are validated against the checker's registry
    (``contractkit/checking/rules/``) when the catalogue loads.
    """

    name: str
    params: Any = None

    @model_validator(mode="before")
    @classmethod
    def _name_or_one_key_mapping(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"name": value}
        if isinstance(value, dict) and len(value) == 1 and "name" not in value:
            ((name, params),) = value.items()
            return {"name": name, "params": params}
        return value


class Detection(Frozen):
    """What a contract must say for the checker to count a requirement as met, and how it is judged.

    ``all_of`` is a list of concept groups; a sentence holds every element when
    it mentions at least one concept of every group. The ``actor`` is whose
    right or duty the sentence must state, ``modality`` which kind. ``checks``
    are the named checks that judge each sentence, tried in the order listed
    (the first with a verdict decides the sentence), then any fallback; each
    check's own data (the contrary groups, the partial elements, a limit) are
    its parameters. ``contractkit rules ID`` shows them in words.
    """

    all_of: tuple[tuple[str, ...], ...] = Field(min_length=1)
    actor: ActorKind | None = None
    # right / duty / prohibition; "any" accepts each (乙方应持续维护 or 乙方不得终止维护);
    # unset accepts a right or a duty.
    modality: Literal["duty", "right", "prohibition", "any"] | None = None
    checks: tuple[CheckUse, ...] = Field(min_length=1)
    # The further elements the standard names (漏洞修复的时限及提供者的确认): a requirement met in every
    # other respect is only partly met until each group is said in a sentence that meets it or part of it.
    complete: tuple[tuple[str, ...], ...] = ()
    # Whose responsibility (what ``all_of``'s first group names) a clause meeting the requirement must
    # keep: where the contract has a party of each of these kinds, keeping only one's is half of it
    # (供应商的安全责任不转给采购人, with nothing on the 采购人's own).
    holders: tuple[RoleKind, ...] = ()

    def uses(self, name: str) -> CheckUse | None:
        return next((use for use in self.checks if use.name == name), None)

    @cached_property
    def pipeline(self) -> Pipeline:
        """The checks built (once per detection: every contract's sentences are judged with them)."""
        from contractkit.checking.rules.registry import build_pipeline

        return build_pipeline(self)

    @property
    def mentions(self) -> RoleKind | None:
        """The role kind a party check names: the party ``names_party`` wants named in the sentence
        (接受甲方的监督), or whose failure ``breach_by`` wants sanctioned (乙方未按约定…的).

        The checker resolves it to the contract's parties before judging.
        """
        use = self.uses("names_party") or self.uses("breach_by")
        if use is None:
            return None
        return use.params.get("party") if isinstance(use.params, dict) else use.params


class Requirement(Frozen):
    id: str
    clause: str = Field(description="where in the standard, e.g. '5 b) 2)'")
    summary: str = Field(min_length=4, description="one line, our own words")
    strength: Strength
    wording: str = Field(description="the modal word the standard uses, e.g. 应, 不应, 宜")
    pairs: tuple[str, ...] = Field(min_length=1)
    condition: str | None = None
    article: str = Field(description="id of the agreement article the clause goes in")
    work_item: str = Field(description="row name in the responsibility matrix")
    division: dict[RoleKind, Marking] = Field(default_factory=dict)
    consequence: str | None = Field(
        default=None, description="what the standard says follows when the item is missing"
    )
    detect: Detection

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not REQUIREMENT_ID.match(value):
            raise ValueError(f"requirement id {value!r} must look like '5b1-transfer-depth'")
        return value

    @model_validator(mode="after")
    def _strength_matches_wording(self) -> Requirement:
        # 应/不应/不得/需 read as must, 宜 as should, 可 as may: keep the two fields honest.
        expected = (
            Strength.SHOULD
            if "宜" in self.wording
            else Strength.MAY
            if self.wording.startswith("可")
            else Strength.MUST
        )
        if expected is not self.strength:
            raise ValueError(
                f"strength {self.strength.value!r} does not match the standard's wording "
                f"{self.wording!r} (expected {expected.value!r})"
            )
        return self

    @property
    def template(self) -> str:
        """Its clause template under the standard's templates folder: a requirement of one pair
        lives in that pair's folder, one shared by several pairs in ``general``."""
        scope = self.pairs[0] if len(self.pairs) == 1 else "general"
        return f"clauses/{scope}/{self.id}.j2"

    def applies_to(self, pair_ids: set[str], conditions: set[str]) -> bool:
        return bool(pair_ids.intersection(self.pairs)) and (
            self.condition is None or self.condition in conditions
        )


class Article(Frozen):
    """A 第X条 of a generated agreement: requirements are grouped under these."""

    id: str
    title: str


class Catalogue(Frozen):
    roles: tuple[Role, ...]
    pairs: tuple[Pair, ...]
    conditions: tuple[Condition, ...]
    articles: tuple[Article, ...]
    requirements: tuple[Requirement, ...]

    def role(self, role_id: str) -> Role:
        return _by_id(self.roles, role_id, "role")

    def pair(self, pair_id: str) -> Pair:
        return _by_id(self.pairs, pair_id, "pair")

    def pair_of(self, first: str, second: str) -> Pair:
        """The pair two roles sign as, in either order: (provider, om) and (om, provider) -> provider-om."""
        for pair in self.pairs:
            if set(pair.roles) == {first, second}:
                return pair
        raise UnknownName("pair", f"{first} + {second}", [p.id for p in self.pairs])

    def requirement(self, requirement_id: str) -> Requirement:
        return _by_id(self.requirements, requirement_id, "requirement")

    def condition(self, condition_id: str) -> Condition:
        return _by_id(self.conditions, condition_id, "option")

    def select(self, pair_ids: AbstractSet[str], conditions: AbstractSet[str] = frozenset()) -> list[Requirement]:
        """Requirements that apply to any of the pairs, in catalogue order, each once."""
        return [r for r in self.requirements if r.applies_to(set(pair_ids), set(conditions))]

    def for_pair(self, pair_id: str) -> list[Requirement]:
        """Everything a pair can ever need, whatever the options."""
        return [r for r in self.requirements if pair_id in r.pairs]


class UnknownName(LookupError):
    """A pair, role, requirement or option id that the catalogue does not have."""

    def __init__(self, kind: str, name: str, known: list[str]):
        self.kind, self.name, self.known = kind, name, known
        super().__init__(f"unknown {kind} {name!r}; known: {', '.join(known)}")


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


_Item = TypeVar("_Item", bound=_Identified)


def _by_id(items: Sequence[_Item], item_id: str, kind: str) -> _Item:
    for item in items:
        if item.id == item_id:
            return item
    raise UnknownName(kind, item_id, [i.id for i in items])
