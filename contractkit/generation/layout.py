"""Which parts a document has, in which order, and what they are called.

From the request and the frame (``document.yaml``): the parties and which of them is 甲方,
the articles (frame and catalogue) with their numbers, the schedules with their labels
(附件一 … or 附表一 …), and the names every template may use to refer to them. Nothing is
rendered here; ``render.py`` renders what the layout lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from contractkit.catalogue import Catalogue, Pair, Requirement
from contractkit.generation.frame import SECURITY_SLOT, Frame, FrameArticle, ScheduleSpec
from contractkit.generation.writers.numbering import article_label, chinese_number

PARTY_LABELS = ("甲方", "乙方")
PERIODS = {"monthly": "月", "quarterly": "季度"}
DELIVERING_ROLES = {"software", "hardware"}


class LayoutError(ValueError):
    """A request the frame cannot lay out (甲方 given as a party the pair does not have)."""


@dataclass(frozen=True)
class Layout:
    kinds: tuple[str, str]  # the two parties' kinds, 甲方 first: ("provider", "partner")
    labels: dict[str, str]  # kind -> 甲方/乙方
    counterpart_roles: frozenset[str]  # the partner's roles, or {"customer"}
    frame_articles: list[FrameArticle]  # in order, the security slot included
    security_ids: list[str]  # the catalogue articles that have items, in order
    schedules: list[ScheduleSpec]
    article_numbers: dict[str, str] = field(default_factory=dict)  # article id -> 第N条
    schedule_labels: dict[str, str] = field(default_factory=dict)  # schedule id -> 附件N

    def article_order(self) -> list[str]:
        order: list[str] = []
        for article in self.frame_articles:
            order += self.security_ids if article.id == SECURITY_SLOT else [article.id]
        return order


def lay_out(
    frame: Frame,
    catalogue: Catalogue,
    pairs: list[Pair],
    requirements: list[Requirement],
    kind: str,
    options,
    values: Mapping,
) -> Layout:
    customer_side = pairs[0].partner_role == "customer"
    natural = ("customer", "provider") if customer_side else ("provider", "partner")
    first = values.get("party_a", "auto")
    if first in (None, "auto"):
        first = natural[0]
    if first not in natural:
        raise LayoutError(
            f"party_a {first!r} is not a party of {pairs[0].id}; choose {' or '.join(natural)} (or auto)"
        )
    kinds = (first, next(k for k in natural if k != first))
    labels = dict(zip(kinds, PARTY_LABELS, strict=True))
    roles = frozenset({"customer"} if customer_side else {p.partner_role for p in pairs})
    pair, options = pairs[0].id, set(options)
    articles = [a for a in frame.articles if a.applies(kind, pair, set(roles), options, values)]
    present = {r.article for r in requirements}
    security_ids = [a.id for a in catalogue.articles if a.id in present]
    schedules = [s for s in frame.schedules if s.applies(kind, pair, set(roles), options, values)]
    layout = Layout(kinds, labels, roles, articles, security_ids, schedules)
    layout.article_numbers.update({a: article_label(n) for n, a in enumerate(layout.article_order(), 1)})
    word = frame.schedule_word[kind]  # type: ignore[index]
    layout.schedule_labels.update({s.id: f"{word}{chinese_number(n)}" for n, s in enumerate(schedules, 1)})
    return layout


def frame_context(layout: Layout, frame: Frame, kind: str, values: Mapping) -> dict:
    """The names the frame gives every template: references to articles and schedules, the parties'
    commercial sides, and the figures derived from parameters (payment plan, periods)."""
    roles = layout.counterpart_roles
    customer_side = "customer" in roles
    buyer, supplier = ("customer", "provider") if customer_side else ("provider", "partner")
    numbers = dict(layout.article_numbers)
    if layout.security_ids:
        numbers["security-first"] = numbers[layout.security_ids[0]]
        numbers["security-last"] = numbers[layout.security_ids[-1]]
    delivers = bool(roles & DELIVERING_ROLES)
    plan = values.get("payment_plan", "auto")
    if plan in (None, "auto"):
        plan = "milestones" if delivers else "periodic"
    word = frame.schedule_word[kind]  # type: ignore[index]
    return {
        "ref": numbers,
        "schedule": dict(layout.schedule_labels),
        "schedule_word": word,
        "schedule_list": [f"{layout.schedule_labels[s.id]}　{s.title}" for s in layout.schedules],
        "customer_side": customer_side,
        "buyer": layout.labels[buyer],
        "supplier": layout.labels[supplier],
        "delivers": delivers,
        "serves": customer_side or bool(roles - DELIVERING_ROLES),
        "plan": plan,
        "period": PERIODS.get(str(values.get("payment_period")), "季度"),
        "report_period": "每" + PERIODS.get(str(values.get("report_frequency")), "月"),
        "parties": [
            {
                "label": layout.labels[who],
                **{field: values.get(f"{who}_{field}", "") for field in ("address", "contact", "phone", "email")},
            }
            for who in layout.kinds
        ],
    }
