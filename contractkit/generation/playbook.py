"""Generating from a playbook (``generate --playbook``): its positions' preferred values become the
defaults of the parameters they name, and the clauses it wants are added to the agreement.

A position whose preferred value the rendered clauses do not already state (a wording the standard's
clause does not use, a number the clauses do not carry, the firm's own requirements) gets its
preferred clause, rendered with the document's own party labels and names, under the article of the
requirement it refines (the firm's own requirements: the extra's ``article``, else 问责机制, else the
last security article). Judging the rendered text uses the playbook's own reader, never jieba.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from contractkit.generation.document import Article, Inline, Item

if TYPE_CHECKING:
    from contractkit.catalogue import Catalogue
    from contractkit.playbooks.model import Playbook, Position

DEFAULT_ARTICLE = "accountability"


def parameter_defaults(playbook: Playbook, pair_ids: Iterable[str], parameters: Any) -> dict[str, Any]:
    """The parameters the playbook's positions (for these pairs) name, with their preferred values."""
    from contractkit.playbooks.loader import parameter_value

    defaults: dict[str, Any] = {}
    for position in playbook.positions_for(list(pair_ids)):
        if position.parameter and position.measure and position.parameter not in defaults:
            kind = parameters[position.parameter].type
            defaults[position.parameter] = parameter_value(position.measure.preferred, kind)
    return defaults


def add_positions(playbook: Playbook, articles: Sequence[Article], pair_ids: Sequence[str],
                  context: Mapping[str, Any], catalogue: Catalogue) -> tuple[Article, ...]:
    """``articles`` with the clauses of the positions they do not yet meet, and of the extras, added."""
    from contractkit.playbooks.clauses import proposal

    parties = _parties(context)
    missing = _unmet(playbook, articles, pair_ids, parties)
    present = [a.id for a in articles]
    security = [a for a in present if any(a == c.id for c in catalogue.articles)]
    added: dict[str, list[Item]] = {}
    for position in missing:
        text = proposal(playbook, position, parties, "preferred")
        target = _article(playbook, position, catalogue, security)
        if target is not None:
            added.setdefault(target, []).append(Item(Inline((text,))))
    return tuple(Article(a.id, a.title, (*a.items, *added.get(a.id, ())), a.explain) for a in articles)


def _unmet(playbook: Playbook, articles: Sequence[Article], pair_ids: Sequence[str], parties) -> list[Position]:
    from contractkit.playbooks.evaluate import Context, judge_position, passages
    from contractkit.reading.model import Location, TextBlock

    lines = [item.text.plain() for article in articles for item in article.items]
    lines += [sub.plain() for article in articles for item in article.items for sub in item.subitems]
    blocks = [TextBlock(line, Location("paragraph", i)) for i, line in enumerate(lines)]
    judged = Context(playbook, blocks, passages(blocks), {}, parties, lambda _id: None)
    unmet = []
    for position in playbook.positions_for(pair_ids):
        if position.kind == "requirement" or judge_position(position, judged).status != "meets":
            unmet.append(position)
    return unmet


def _article(playbook: Playbook, position: Position, catalogue: Catalogue, present: list[str]) -> str | None:
    if not present:
        return None
    requirement = position.requirement or ""
    extra = playbook.extra(requirement) if requirement.startswith("x-") else None
    wanted = extra.article if extra is not None else None
    if wanted is None and requirement and not requirement.startswith("x-"):
        wanted = catalogue.requirement(requirement).article
    for choice in (wanted, DEFAULT_ARTICLE):
        if choice in present:
            return choice
    return present[-1]


def _parties(context: Mapping[str, Any]):
    """How the generated document names its parties (甲方/乙方 and the names set; an unset name is a Blank,
    left out: the clause then uses the label)."""
    from contractkit.playbooks.clauses import Parties

    labels = {kind: context[kind] for kind in ("provider", "partner", "customer") if isinstance(context.get(kind), str)}
    names = {kind: context[f"{kind}_name"] for kind in labels
             if isinstance(context.get(f"{kind}_name"), str)}
    aliases = {kind: (labels[kind], *((names[kind],) if kind in names else ())) for kind in labels}
    return Parties(labels, names, aliases, str(context.get("this", "本协议")))
