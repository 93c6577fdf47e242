"""A schedule's rendered text → blocks (headings 一、, paragraphs, numbered items 1., tables).

Schedule templates write a small markup, one block a line:

    # 服务时间与服务渠道          a heading, numbered 一、二、… by this module
    - 服务时间：…                 an item, numbered 1. 2. … under its heading
    % widths 2 5 3                the relative column widths of the next table
    | 级别 | 响应时限 |            a table row; the first row of a table is its header
    any other line                a paragraph

Numbers are put in the model here, so every writer shows the same ones.
"""

from __future__ import annotations

from contractkit.generation.document import Block, Inline
from contractkit.generation.writers.numbering import chinese_number


def parse_blocks(text: str, labels: dict[str, str]) -> tuple[Block, ...]:
    blocks: list[Block] = []
    headings = items = 0
    widths: tuple[int, ...] = ()
    table: list[tuple[Inline, ...]] = []

    def close_table() -> None:
        nonlocal table, widths
        if table:
            columns = len(table[0])
            if any(len(row) != columns for row in table):
                raise ValueError(f"table rows of different lengths: {[len(r) for r in table]}")
            if widths and len(widths) != columns:
                raise ValueError(f"'% widths' gives {len(widths)} columns, the table has {columns}")
            blocks.append(Block("table", rows=tuple(table), widths=widths or (1,) * columns))
        table, widths = [], ()

    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("|") and line.endswith("|") and len(line) > 1:
            table.append(tuple(Inline.parse(cell.strip(), labels) for cell in line[1:-1].split("|")))
            continue
        close_table()
        if not line:
            continue
        if line.startswith("% widths"):
            widths = tuple(int(w) for w in line.split()[2:])
        elif line.startswith("# "):
            headings, items = headings + 1, 0
            blocks.append(Block("heading", Inline.parse(line[2:].strip(), labels), f"{chinese_number(headings)}、"))
        elif line.startswith("- "):
            items += 1
            blocks.append(Block("item", Inline.parse(line[2:].strip(), labels), f"{items}."))
        else:
            blocks.append(Block("paragraph", Inline.parse(line, labels)))
    close_table()
    return tuple(blocks)
