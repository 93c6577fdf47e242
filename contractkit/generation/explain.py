"""The explanation sheet (``generate --explain``): each clause, the standard's clause it implements, and why.

For the lawyer's file and for negotiation: one row per clause of the security articles (the
requirement's clause, strength and summary), one per article of the commercial frame and one per
schedule (their ``explain`` in ``document.yaml``). A separate document, never part of the contract.
"""

from __future__ import annotations

from dataclasses import dataclass

from contractkit.generation.document import Document
from contractkit.generation.frame import load_frame
from contractkit.generation.writers.numbering import article_label, item_label
from contractkit.standard import Standard, default_standard

EXCERPT = 36  # characters of a clause shown in the sheet


@dataclass(frozen=True)
class Sheet:
    """A titled table: the explanation sheet in a format-neutral form."""

    title: str
    subtitle: str
    intro: tuple[str, ...]
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...]  # relative column widths


def explanation_sheet(document: Document, standard: Standard | None = None) -> Sheet:
    standard = standard or default_standard()
    catalogue, vocabulary = standard.catalogue, standard.vocabulary
    frame = load_frame(standard.templates_dir)
    schedules = {s.id: s for s in frame.schedules}
    rows: list[tuple[str, ...]] = []
    for number, article in enumerate(document.articles, 1):
        label = article_label(number)
        if article.explain or not any(item.requirement_id for item in article.items):
            rows.append((f"{label}　{article.title}", "—", "合同框架", article.explain or "—"))
            continue
        for position, item in enumerate(article.items, 1):
            if not item.requirement_id:
                continue
            req = catalogue.requirement(item.requirement_id)
            text = item.text.plain("____")
            excerpt = text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"
            word = vocabulary.zh("strengths", req.strength.value)
            strength = word if req.wording == word else f"{word}（{req.wording}）"
            rows.append((f"{label}{item_label(position)}　{excerpt}", req.clause, strength, req.summary))
    matrix_spec = schedules.get("matrix")
    entries = [(document.matrix.title, matrix_spec)] + [
        (f"{s.label}　{s.title}", schedules.get(s.id)) for s in document.schedules
    ]
    for title, spec in entries:
        clauses = "；".join(dict.fromkeys(catalogue.requirement(r).clause for r in spec.supports)) if spec else "—"
        rows.append((title, clauses or "—", "附件", spec.explain if spec else "—"))
    kind = "附件" if document.kind == "annex" else "协议"
    return Sheet(
        title=f"{document.title}条款说明",
        subtitle=f"（依据 {standard.full_title}）",
        intro=(
            f"本说明列出{kind}的每一条款、其落实的{standard.code}条款及理由，供律师存档和谈判时参考，"
            f"不构成{kind}的组成部分。“强度”依标准用语：应为必须，宜为建议，可为可选。",
        ),
        header=("条款", "标准条款", "强度", "理由"),
        rows=tuple(rows),
        widths=(5, 2, 2, 6),
    )
