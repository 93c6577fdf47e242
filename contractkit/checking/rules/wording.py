"""How checks and the ``rules`` command put a requirement's terms into words for a reviewer."""

from __future__ import annotations

from contractkit.checking.rules.model import ConceptGroups
from contractkit.checking.rules.registry import Labeller
from contractkit.standard import default_standard

MODALITY_ZH: dict[str | None, str] = {"right": "有权（权利）", "duty": "应当（义务）", "prohibition": "不得（禁止）"}


def groups_zh(groups: ConceptGroups, label: Labeller) -> str:
    """（再委托或转包） 且 （经同意或层级限制）"""
    return " 且 ".join("（" + "或".join(label(c) for c in group) + "）" for group in groups)


def kind_zh(modality: str | None) -> str:
    """权利, 义务, 禁止性义务 or 约定: the standard's words for what a clause states."""
    return default_standard().vocabulary.zh("modalities", modality or "any")


def actor_zh(actor: str | None) -> str:
    role_kinds = default_standard().vocabulary.role_kinds
    return role_kinds[actor].zh if actor in role_kinds else "任一当事人"


def duty_zh(actor: str | None, modality: str | None) -> str:
    """合作者的不得（禁止）"""
    return f"{actor_zh(actor)}的{MODALITY_ZH.get(modality, '约定')}"
