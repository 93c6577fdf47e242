"""The matrix schedule (附件一): the task rows of ``tasks.py`` with each party's marks in words."""

from __future__ import annotations

from contractkit.generation.document import Matrix, MatrixRow, Party
from contractkit.generation.layout import Layout
from contractkit.generation.settings import GenerationSettings
from contractkit.generation.tasks import load_tasks, select_rows
from contractkit.standard import Standard


def build_matrix(
    standard: Standard, layout: Layout, settings: GenerationSettings, parties: tuple[Party, ...], title: str,
    context: dict,
) -> Matrix:
    markings = standard.vocabulary.markings
    tasks = load_tasks(standard.templates_dir, tuple(markings))
    words = {**{key: word.zh for key, word in markings.items()}, **{w.zh: w.zh for w in markings.values()}}
    rows = select_rows(tasks, layout.counterpart_roles, settings.options, layout.kinds, settings.matrix)
    used: list[str] = []
    matrix_rows = []
    for category, task, clause, marks, task_id in rows:
        cells = []
        for kind in layout.kinds:
            shown = [words[m] for m in marks.get(kind, ())]
            used += shown
            cells.append("、".join(dict.fromkeys(shown)))
        matrix_rows.append(MatrixRow(category, task, clause, tuple(cells), task_id))
    legend_words = [w for w in markings.values() if w.zh in used]
    legend = "说明：" + "；".join(f"“{w.zh}”指{w.meaning}" for w in legend_words) + "。"
    this = context["this"]
    intro = (
        f"双方按下表分工落实各项安全责任实施工作。下表所列“标准条款”指{standard.code}的相应条款；"
        f"表中未列明的实施工作，依{this}{_division_ref(layout, context)}的约定确定实施方。"
    )
    columns = tuple(f"{p.label}（{p.role_names}）" for p in parties)
    return Matrix(title=title, columns=columns, rows=tuple(matrix_rows), legend=legend, intro=intro)


def _division_ref(layout: Layout, context: dict) -> str:
    return context["ref"].get("responsibility", "相关条款") if "responsibility" in layout.security_ids else "相关条款"
