"""Division-of-work tables read as sentences: a row is an obligation like any clause.

Contracts often divide the work in a table (工作事项 | 实施方 | 时限 | 甲方职责).
Cell by cell, nothing in it is a sentence with a party and a modal word, so
the rules would see none of it. A table whose header has a work column and a
responsible-party column is read row by row as "<实施方>负责<工作事项>，时限为
<时限>；<甲方>负责<甲方职责>": the rules judge that like a written clause, and
the evidence quoted is the row's work cell, where it stands in the document.
A table without a doer column is read with the one party its caption names
(乙方…按下表执行：) or the line below it hands it to (以上由乙方落实), and a table of
sanctions (未落实情形 | 责任后果) row by row as "<情形>的，<后果>". Forms are read
too: a 是/否 checklist as the undertakings of the party it names, a ticked list
(√ …) under its caption, and a line of inline boxes (☑ 由供方清除 □ 由需方清除)
with only the option ticked.

Word tables arrive as one block per cell (``Location.table/row/cell``);
Markdown and plain-text tables as one block per row, cells separated by tabs.
The column words are data: ``corpora/lexicons/tables.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from types import MappingProxyType

from pydantic import BaseModel, ConfigDict, Field, field_validator

from contractkit.catalogue.loader import CatalogueError, read_yaml
from contractkit.checking.understanding.references import item_number_end
from contractkit.reading.model import TextBlock

_SENTENCE_MARKS = re.compile(r"[。；;！？!?\n\t]+")


class TableWords(BaseModel):
    """The header words of each column kind, as regular expressions over a whole header cell."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    work: tuple[str, ...] = Field(min_length=1)
    responsible: tuple[str, ...] = Field(min_length=1)
    deadline: tuple[str, ...] = ()
    party_duty: tuple[str, ...] = ()
    commercial: tuple[str, ...] = ()  # work cells about money, not work (matched anywhere in the cell)
    payment: tuple[str, ...] = ()  # header cells of money: the table is a payment schedule
    # A table of sanctions: what goes wrong (未落实情形) and what follows (责任后果).
    situation: tuple[str, ...] = ()
    consequence: tuple[str, ...] = ()
    # Words of a consequence header naming the sanction its cells only measure (服务积分 | 当月服务费的10%),
    # matched anywhere in the header.
    sanction: tuple[str, ...] = ()
    # A responsibility matrix's columns of parties with a lesser part (工作项 | 主责 | 配合 | 知悉): the party a
    # cell names supports the row's work, or is only told of it.
    support: tuple[str, ...] = ()
    informed: tuple[str, ...] = ()

    @field_validator("work", "responsible", "deadline", "party_duty", "commercial", "payment", "situation",
                     "consequence", "sanction", "support", "informed")
    @classmethod
    def _compiles(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"bad pattern {pattern!r}: {exc}") from None
        return patterns

    def kind_of(self, header: str) -> str | None:
        text = re.sub(r"\s+", "", header)
        for kind in ("responsible", "deadline", "work", "situation", "consequence", "support", "informed"):
            if any(re.fullmatch(p, text) for p in getattr(self, kind)):
                return kind
        return None

    def sanction_in(self, header: str) -> str:
        """The sanction a consequence header names (未达标情形 | 服务积分 → 服务积分), or ""."""
        return next((m.group() for p in self.sanction if (m := re.search(p, header))), "")

    def duty_party(self, header: str) -> str | None:
        """The party whose duties a column lists (甲方职责 → 甲方), if the header says so."""
        text = re.sub(r"\s+", "", header)
        for pattern in self.party_duty:
            match = re.fullmatch(pattern, text)
            if match and match.groupdict().get("party"):
                return match.group("party")
        return None

    def divides_business(self, headers: Sequence[str], work_cells: Sequence[str]) -> bool:
        """A payment schedule (a header column of money) or a table whose every work cell is commerce
        (开具发票, 支付服务费): it divides no security work."""
        if any(re.fullmatch(p, re.sub(r"\s+", "", header)) for header in headers for p in self.payment):
            return True
        return bool(self.commercial) and all(any(re.search(p, cell) for p in self.commercial) for cell in work_cells)


@cache
def load_table_words(path: Path) -> TableWords:
    try:
        return TableWords.model_validate(read_yaml(path))
    except ValueError as exc:
        raise CatalogueError(path, str(exc)) from None


@dataclass(frozen=True)
class Cell:
    block: int  # the block holding the cell
    start: int  # the cell's offsets within the block text
    end: int
    text: str


@dataclass(frozen=True)
class RowSentence:
    """A table row said as a sentence; the evidence is its work cell (``anchor``)."""

    text: str
    anchor: Cell
    blocks: frozenset[int] = frozenset()  # the blocks its cells stand in: the row sentence speaks for them
    undecided: bool = False  # the row names no one yet (待定, 由双方另行商定): the table divides only part


# 对象存储 | 99.9% | 待定 → …恢复时间目标为待定。: a cell of the row still to be settled.
_OPEN_CELL = re.compile(r"(?:为|：)\s*(?P<cell>待(?:定|补充|确定|确认)|另行(?:约定|商定|协商)|TBD|TBC)(?=[，。；,;]|$)")


def open_cell(row: RowSentence) -> str:
    """Why what the row settles is still open: a cell of it left 待定 ("" if none, or if the row's doer
    itself is undecided, which the checks read)."""
    found = None if row.undecided else _OPEN_CELL.search(row.text)
    return f"该表格行的部分内容为“{found['cell']}”" if found else ""


Tables = list[list[list[Cell]]]  # a document's tables, each a list of rows of cells


def table_rows(blocks: Sequence[TextBlock]) -> Tables:
    """The document's tables, each a list of rows of cells, in document order."""
    tables: list[list[list[Cell]]] = []
    word_rows: dict[tuple[int, int], list[Cell]] = {}
    tab_table: list[list[Cell]] = []
    barred = [_ONE_BAR.search(block.text) is not None for block in blocks]
    for index, block in enumerate(blocks):
        where = block.location
        if where.kind == "table-cell" and where.table is not None and where.row is not None:
            word_rows.setdefault((where.table, where.row), []).append(Cell(index, 0, len(block.text), block.text))
            continue
        # (事项 | 责任方 with 日志审计 | 乙方 below it: two columns, one bar a row, rows in a run.)
        if "\t" in block.text or _BAR_ROW.search(block.text) or barred[index] and (
                index > 0 and barred[index - 1] or index + 1 < len(blocks) and barred[index + 1]):
            tab_table.append(_tab_cells(index, block.text))
            continue
        if tab_table:
            tables.append(tab_table)
            tab_table = []
    if tab_table:
        tables.append(tab_table)
    tables = [_aligned(table) for table in tables]
    by_table: dict[int, list[list[Cell]]] = {}
    for (table, _row), cells in sorted(word_rows.items()):
        by_table.setdefault(table, []).append(cells)
    return list(by_table.values()) + tables


def cell_blocks(tables: Tables) -> frozenset[int]:
    """The blocks that are the tables' cells or typed rows."""
    return frozenset(cell.block for rows in tables for row in rows for cell in row)


# "严重 | 乙方 | 24小时": a row typed in plain text, three or more cells between bars.
_BAR_ROW = re.compile(r"^[^|｜\t]*[|｜][^|｜\t]+[|｜]")
_SEPARATOR = re.compile(r"[\t|｜]")
# "日志审计 | 乙方": two cells, one bar; a table row only among other such lines.
_ONE_BAR = re.compile(r"^[^|｜\t]+[|｜][^|｜\t]+$")


def _aligned(rows: list[list[Cell]]) -> list[list[Cell]]:
    """A typed table's rows with their empty cells in place, unless the typist aligned the columns with
    extra separators (a header 工作事项\t\t实施方 has an empty cell no column can have): then, and in a
    row longer than its header, the empty cells are only spacing."""
    if not rows or any(not cell.text for cell in rows[0]):
        return [[cell for cell in row if cell.text] for row in rows]
    return [row if len(row) <= len(rows[0]) else [cell for cell in row if cell.text] for row in rows]


def _tab_cells(index: int, text: str) -> list[Cell]:
    """A row's cells (tab- or bar-separated), at their offsets in the paragraph, spaces trimmed. A cell
    left empty between two separators keeps its place (| 主机加固 |  | ✓ |: the tick is the third
    column's); the empty text before the first separator or after the last one is no cell."""
    bounds = [0, *(i for m in _SEPARATOR.finditer(text) for i in (m.start(), m.end())), len(text)]
    cells = []
    for start, end in zip(bounds[::2], bounds[1::2], strict=True):
        raw = text[start:end]
        start, end = start + len(raw) - len(raw.lstrip()), end - len(raw) + len(raw.rstrip())
        cells.append(Cell(index, start, max(start, end), text[start:max(start, end)]))
    if cells and not cells[0].text:
        cells.pop(0)
    if cells and not cells[-1].text:
        cells.pop()
    return cells if any(cell.text for cell in cells) else []


def row_sentences(
    blocks: Sequence[TextBlock], words: TableWords, names_a_party: Callable[[str], bool]
) -> list[RowSentence]:
    """Every row of every division-of-work table, as a sentence. ``names_a_party`` tells whether a
    header's words name a party of the contract (甲方职责 is a duty column; 工作职责 is not)."""
    return read_tables(blocks, words, names_a_party).rows


@dataclass(frozen=True)
class TableReading:
    rows: list[RowSentence]  # the rows of the division-of-work tables, as sentences
    # The header blocks (with any title row above) of the tables that divide only business (开具发票,
    # 支付服务费) or are a payment schedule: neither the header (事项 | 责任方) nor the rows are read as
    # sentences.
    business_headers: frozenset[int]
    # The header blocks of the other division tables: whatever their words (委托事项 | 实施方), a header
    # over rows that each name who does the work is where the contract divides it.
    division_headers: frozenset[int]
    # The header blocks of division tables with a row nobody does yet (待定): the header (工作 | 承担方)
    # says nothing the rows do not, and is not read as a sentence.
    undecided_headers: frozenset[int] = frozenset()


def read_tables(
    blocks: Sequence[TextBlock], words: TableWords, names_a_party: Callable[[str], bool],
    tables: Tables | None = None,
) -> TableReading:
    """The document's division-of-work tables: their rows as sentences, and their headers. ``tables``:
    the document's ``table_rows``, when the caller has them already."""
    found: list[RowSentence] = []
    business: set[int] = set()
    division: set[int] = set()
    undecided: set[int] = set()
    for rows in table_rows(blocks) if tables is None else tables:
        doer = _caption_party(blocks, rows, names_a_party)
        footer = None if doer else _footer(blocks, rows, names_a_party)
        if footer:
            doer = footer[0]
        # The header is one of the first rows (a title row may come first).
        header = next(
            ((i, columns) for i, row in enumerate(rows[:3])
             if (columns := _columns(row, words, names_a_party, doer))),
            None,
        )
        if header is None:
            found += _checklist(rows, doer, names_a_party)
            continue
        header_at, columns = header
        if columns.doer and (act := footer[1] if footer else _caption_act(blocks, rows)):
            columns = replace(columns, doer_act=act)
        if columns.duties and (legend := _legend(blocks, rows)):
            columns = replace(columns, legend=legend)
        said = [sentence for row in rows[header_at + 1:]
                if not _RULE_ROW.fullmatch("".join(cell.text for cell in row))
                and (sentence := _say(row, columns, names_a_party)) is not None]
        header_blocks = {cell.block for row in rows[:header_at + 1] for cell in row} | _title_above(blocks, rows)
        if said and words.divides_business(columns.headers, [s.anchor.text for s in said]):
            business |= header_blocks  # its rows (甲方负责签署验收单) are steps to payment, no work
            continue
        if any(s.undecided for s in said):
            undecided |= header_blocks
        elif said:  # every row names who does its work
            division |= header_blocks
        found += said
    found += _ticked_lines(blocks, names_a_party) + _boxed_lines(blocks)
    return TableReading(found, frozenset(business), frozenset(division), frozenset(undecided))


# A form's checklist: "√ 建立并执行供应链风险管理制度" / "□ 超级管理员", one line each.
_TICKED = re.compile(r"\s*[√✓✔☑■]\s*")
_UNTICKED = re.compile(r"\s*[□☐×✗]\s*")


def _ticked_lines(blocks: Sequence[TextBlock], names_a_party: Callable[[str], bool]) -> list[RowSentence]:
    """The ticked lines of a checklist under a caption that a party opens (供应商安全承诺（√为已承诺）): each
    is what that party undertakes (供应商承诺建立…); an unticked line says nothing."""
    found: list[RowSentence] = []
    marked = [bool(_TICKED.match(b.text) or _UNTICKED.match(b.text)) and len(_BOX.findall(b.text)) < 2 for b in blocks]
    index = 0
    while index < len(blocks):
        if not marked[index]:
            index += 1
            continue
        end = next((j for j in range(index, len(blocks)) if not marked[j]), len(blocks))
        caption = blocks[index - 1].text.strip() if index else ""
        caption = caption[item_number_end(caption):].strip()
        holder = _opening_party(caption, names_a_party)
        # 安全控制要求（☑ 适用 □ 不适用）: a caption naming no party is the topic of each ticked line.
        topic = _LEGEND.sub("", caption).strip("：: ")
        if (holder or topic) and end - index >= 2:  # a list of two or more lines, not one stray mark
            for line in range(index, end):
                text = blocks[line].text
                if (tick := _TICKED.match(text)) is not None and _plain(text[tick.end():]):
                    item = Cell(line, tick.end(), len(text), text[tick.end():])
                    said = (f"{caption[:holder]}承诺{_plain(item.text)}。" if holder
                            else f"{topic}：{_plain(item.text)}。")
                    found.append(RowSentence(said, item, frozenset({line})))
        index = end
    return found


# A checklist table's answer column: 是/否, 是否落实, √/×, 确认.
_ANSWER_HEADER = re.compile(r"是/?否|是否[^|｜]{0,6}|[√✓✔]\s*/?\s*[×✗]?|确认(?:情况|结果)?|落实情况|勾选")
_PARENTHESES = re.compile(r"[（(]([^）)]+)[）)]")
_PARTY_ANSWERS = re.compile(r"(?P<party>[^|｜]{1,8}?)(?:承诺|确认|响应|是否承诺|是否满足|是否响应|落实情况)")


def _checklist(rows: list[list[Cell]], doer: str | None, names_a_party: Callable[[str], bool]
               ) -> list[RowSentence]:
    """A table of items each answered 是/否 (驻场人员要求（乙方逐项落实） | 是/否): the rows answered 是 or
    ticked are what the party its header, caption or footer names undertakes; 否 says nothing."""
    header = [_plain(cell.text) for cell in rows[0]] if rows else []
    # (承诺项目 | 卖方承诺: the answer column headed by the party who answers.)
    answering = _PARTY_ANSWERS.fullmatch(header[-1]) if len(header) >= 2 else None
    if answering and names_a_party(answering["party"]):
        doer = doer or answering["party"]
    elif len(header) < 2 or not _ANSWER_HEADER.fullmatch(header[-1]):
        return []
    topic, party = header[0], doer
    if party is None:  # the party named in the item header itself, as its opening or in brackets
        for text in (topic, *_PARENTHESES.findall(topic)):
            if end := _opening_party(text, names_a_party):
                party = text[:end]
                break
    if party is None:
        return []
    topic = _PARENTHESES.sub("", topic).replace(party, "").strip()
    found = []
    for row in rows[1:]:
        if len(row) < 2 or not _plain(row[0].text) or not _TICK.fullmatch(_plain(row[-1].text)):
            continue
        item = _plain(row[0].text)
        said = f"{party}承诺落实{topic}：{item}。" if len(topic) > 2 else f"{party}承诺{item}。"
        found.append(RowSentence(said, row[0], frozenset(cell.block for cell in row)))
    return found


# The boxes of a form, ticked or not; a caption's legend of them (（☑ 适用 □ 不适用）).
_BOX = re.compile(r"[☑☐□■]")
_LEGEND = re.compile(r"[（(][^（）()]*[☑☐□■][^（）()]*[）)]")
# An option left unticked (□ 由需方自行清除): the box and its short words, up to the next mark or stop.
_UNTICKED_OPTION = re.compile(r"[□☐]\s*[^☑☐□■√✓✔\s：:，,；;。]*\s*")
# An option ticked that says the line does not apply (□ 适用 ☑ 不适用：…).
_NOT_APPLICABLE = re.compile(r"[☑■]\s*(?:不适用|否|无|不涉及)")


def _boxed_lines(blocks: Sequence[TextBlock]) -> list[RowSentence]:
    """The lines of a form with boxes to tick inline (退役介质处理：☑ 由供方清除数据 □ 由需方自行清除): each
    read with only what is ticked (退役介质处理：由供方清除数据); a line ticked 不适用 says nothing."""
    found = []
    for index, block in enumerate(blocks):
        text = block.text
        # (the legend of a caption, （☑ 适用 □ 不适用）, ticks nothing: only a line with boxes of its own)
        if len(_BOX.findall(text)) < 2 or block.location.kind == "table-cell" or len(
                _BOX.findall(_LEGEND.sub("", text))) < 2:
            continue
        said = "" if _NOT_APPLICABLE.search(text) else _plain(_BOX.sub("", _UNTICKED_OPTION.sub("", text)))
        found.append(RowSentence(f"{said}。" if said else "", Cell(index, 0, len(text), text), frozenset({index})))
    return found


@dataclass(frozen=True)
class Columns:
    kinds: dict[str, int]  # work / responsible / deadline -> column index
    duties: dict[int, str]  # column index -> the party whose duties it lists
    headers: tuple[str, ...] = ()  # every header cell, as plain text
    doer: str | None = None  # the party the table's caption names as answering for every row
    doer_act: str = "负责"  # what the caption says that party does with each row (作如下说明: 说明)
    sanction: str = ""  # what the consequence column's header says its cells measure (服务积分)
    described: tuple[int, ...] = ()  # a table of cases: the columns saying what holds in each (数据保留期 | 期满处理)
    legend: Mapping[str, str] = field(default_factory=dict)  # what the table's marks mean (A＝监督方, ○为配合方)

    def said(self, kind: str, cell: str, done: bool = False) -> str:
        """A cell said with what its header adds: (修复实施方, 乙方) → the act 修复; (漏洞等级, 严重) →
        漏洞等级为严重的; a work column headed 工作事项 adds nothing. ``done``: the work said as what a
        party does, where a header of security work (安全工作) makes it that party's security duty."""
        header = self.headers[self.kinds[kind]] if kind in self.kinds else ""
        if kind == "responsible":
            return _ROLE_WORDS.sub("", header)
        if kind == "work" and _GRADE.search(header):
            return f"{header}为{cell}的事项"
        if kind == "work" and _CONTROL.search(header):  # (控制项, 身份鉴别) → 控制项身份鉴别: a security control
            return f"{header}{cell}"
        if kind == "work" and (duty := _DUTY_HEADER.fullmatch(header)) and duty["duty"] not in cell:
            return f"{cell}的{duty['duty']}"  # (安全责任事项, 虚拟化层防护) → 虚拟化层防护的安全责任
        if done and kind == "work" and _SECURITY_WORK_HEADER.fullmatch(header) and "安全" not in cell:
            return f"{cell}的安全责任"  # (安全工作, 数据备份): the party doing the row answers for its security
        return cell


# A work column headed by the kind of responsibility its rows are (安全责任事项, 数据安全职责): the
# header names the topic every row shares, which the row's own words may leave out.
_DUTY_HEADER = re.compile(r"(?P<duty>(?!违约).{1,6}(?:责任|职责))(?:内容|事项|范围)?")
# A work column headed as security work (安全工作, 网络安全事项): every row is a piece of the security.
_SECURITY_WORK_HEADER = re.compile(r"(?:网络|信息|数据|云)?安全(?:工作|事项|任务)(?:内容|事项|项|名称)?")


# A header short enough to be a label alone (甲方, 采购人, 星河云, 您); longer headers say more than who.
_A_LABEL = re.compile(r"[^\s|｜，。；：]{1,6}")
# How a row whose responsible cell names no one yet is read: its work is left to a later agreement.
UNDECIDED_DOER = "的实施方由双方另行确定。"
# A responsible cell naming no one yet: 待定 / 另行商定 / 协商确定 / TBD.
_UNDECIDED = re.compile(r"^(?:待定|未定|暂定|暂无|TBD|tbd|待(?:确认|明确|协商|商定))|另行|协商|商定|视情况")
# 考核项 | 达标线 | 未达标处理: a row's situation is its metric falling short.
_METRIC = re.compile(r"考核项|指标|考核内容")
# A Markdown table's rule under its header (|---|:---:|): no row at all.
_RULE_ROW = re.compile(r"[-:：—\s]+")
# A cell that says nothing: —— / - / 无 / ／.
_EMPTY = re.compile(r"[—\-－/／无\s]*")
# A party's column marked by a sign, not words: a tick (✓) or 实施 says the party does the row's work, a
# cross (×, 否) that it has no part; a responsibility matrix's letters (RACI) say which part it has.
_TICK = re.compile(r"[✓✔√☑●■★]|是|[Yy]|实施|执行|负责|负责实施|主责|承担|牵头")
_CROSS = re.compile(r"[×✗✘xX]|否|[Nn]|不涉及|不适用")
# ● 主责 / ○ 配合: the hollow mark is a part in support, not none.
_SUPPORT = re.compile(r"[○◎△]|配合|协助")
_RACI = {"A": "审批", "S": "配合实施", "C": "提供意见", "I": "知悉"}  # R: the work itself
_RACI_CELL = re.compile(r"[RASCI](?:\s*[/、,，]?\s*[RASCI])*")


def _marked(cell: str, legend: Mapping[str, str] = MappingProxyType({})) -> tuple[str, bool] | None:
    """A party column's cell: what it says the party does beyond the row's work, and whether the party
    does that work (✓ → ("", True); R/A → ("审批", True); C → ("提供意见", False); words as they stand);
    None when the party has no part (×, 否). The table's own legend, when it has one, says what its marks
    mean (A＝监督方，有权随时检查 → ("监督，有权随时检查", False))."""
    marks = _MARK.findall(cell) if legend and _MARKS.fullmatch(cell) else []
    if marks and all(mark in legend for mark in marks):
        return _by_legend(marks, legend)
    if _TICK.fullmatch(cell):
        return "", True
    if _CROSS.fullmatch(cell):
        return None
    if _SUPPORT.fullmatch(cell):
        return "配合实施", False
    if _RACI_CELL.fullmatch(cell):
        letters = re.findall(r"[RASCI]", cell)
        return "、".join(dict.fromkeys(_RACI[x] for x in letters if x != "R")), "R" in letters
    return cell, False


# A responsibility matrix's marks (R/A/C/I, ●/○) and a cell of them (R/A, ●、○).
_MARK = re.compile(r"(?<![A-Za-z])[RASCI](?![A-Za-z])|[●○◎△✓✔√★■◆◇]")
_MARKS = re.compile(rf"(?:{_MARK.pattern})(?:\s*[/、,，+＋]?\s*(?:{_MARK.pattern}))*")
# A legend line: R＝实施方；A＝监督方，对…；C：咨询 / ●为主责方，○为配合方 / ●表示负责.
_LEGEND_KEY = re.compile(rf"({_MARK.pattern})\s*(?:[＝=：:]|为|表示|代表|指)\s*")
# The role a meaning opens with, without its 方 (监督方 → 监督, 主责单位 → 主责).
_MEANING_HEAD = re.compile(r"[^，,（(；;。]+")
_PARTY_SUFFIX = re.compile(r"(?:方|单位|人|者|部门)$")


def _legend(blocks: Sequence[TextBlock], rows: list[list[Cell]]) -> dict[str, str]:
    """What the marks of a table mean, from a legend in its caption above or in the two lines below it
    (注：●为主责方，○为配合方): each mark and its words up to the next mark. A legend names two marks at
    least (A为… alone is a sentence, not a legend)."""
    below = _block_below(rows)
    near = [i for i in (_block_above(rows), below, below + 1) if i is not None and 0 <= i < len(blocks)]
    for index in near:
        text = blocks[index].text
        keys = list(_LEGEND_KEY.finditer(text))
        if len(keys) < 2:
            continue
        return {key.group(1): text[key.end():after.start() if after else len(text)].strip("，,；;、。）)：: ")
                for key, after in zip(keys, [*keys[1:], None], strict=True)}
    return {}


def _by_legend(marks: list[str], legend: Mapping[str, str]) -> tuple[str, bool] | None:
    """A cell of marks read by the legend: whether they say the party does the row's work (R＝实施方,
    ●为主责方), and what else they give it (A＝监督方，有权随时检查 → 监督，有权随时检查; ○为配合方 → 配合实施)."""
    does, said = False, []
    for mark in marks:
        meaning = legend[mark]
        head = _MEANING_HEAD.match(meaning)
        role = _PARTY_SUFFIX.sub("", head.group()) if head else meaning
        rest = meaning[head.end():] if head else ""
        if _TICK.fullmatch(role):
            does = True
            if rest.strip("，, "):
                said.append(rest.strip("，, "))
        elif _CROSS.fullmatch(role) or re.fullmatch(r"不参与|无", role):
            continue
        elif _SUPPORT.fullmatch(role):
            said.append("配合实施" + rest)
        else:
            said.append(role + rest)
    if not does and not said:
        return None
    return "，".join(said), does


# (不定期巡检 and 应急响应 name work, not a modal word.)
_OWN_MODAL = re.compile(r"(?:不(?!定期|限于|间断)|无需|无须|免于|负责|应(?![用急答对变])|须|必须|可以"
                        r"|可(?=单方|随时|要求|解除|终止)|有权|仅)")

# 修复实施方 → 修复; 责任单位 → (nothing); 处置分工 → 处置
_ROLE_WORDS = re.compile(
    r"(?:实施|责任|负责|执行|承担|承办|落实)?(?:方|单位|主体|人|部门|责任人)$|^(?:实施|责任)主体$|(?:分工|责任)$"
    r"|^由?谁来?(?:负责|实施|执行)?"  # (由谁负责 → nothing; 谁修 → 修)
    r"|^(?:主责|牵头)(?:方|单位|部门)?$"  # (主责 | 配合: the lead column names who does the work)
)
# A responsible cell that says who does what (乙方先行处置，甲方统一决策), not a party's name alone.
_ACTING = re.compile(r"[，,、]|处置|处理|决策|指挥|负责|执行|实施|配合|协助|审批|确认")
_GRADE = re.compile(r"等级|级别|类别|类型|分类|分级")
# A cell that says an act (本公司彻底删除, 由乙方协助导出), not a value (15日): read after a colon.
_ACTS = re.compile(r"[\u4e00-\u9fff]{2,}(?:删除|销毁|清除|导出|迁出|返还|通知|处理|处置|协助|提供|保留)")
_CONTROL = re.compile(r"控制项|控制域|控制措施|安全控制|防护措施")


def _columns(header: list[Cell], words: TableWords, names_a_party: Callable[[str], bool], doer: str | None = None
             ) -> Columns | None:
    """The columns of a division-of-work table's header, or None when the row is no such header."""
    kinds: dict[str, int] = {}
    duties: dict[int, str] = {}
    for i, cell in enumerate(header):
        party = words.duty_party(cell.text)
        # 采购人 | 供应商: a header that is a party's label alone names its column of duties, but
        # 乙方报告甲方时限 only holds one.
        alone = party == re.sub(r"\s+", "", cell.text)
        if party and names_a_party(party) and (
            not alone or words.kind_of(cell.text) is None and _A_LABEL.fullmatch(party)
        ):
            duties[i] = party
            continue
        kind = words.kind_of(cell.text)
        if kind and kind not in kinds:
            kinds[kind] = i
    headers = tuple(_plain(cell.text) for cell in header)
    # 未落实情形 | 责任后果: each row a condition and what follows it; 违约情形 | 责任方 | 处理方式: the
    # party whose failure each row names in a column of its own.
    if {"situation", "consequence"} <= set(kinds) and "work" not in kinds and not duties:
        return Columns({k: kinds[k] for k in ("situation", "consequence", "responsible") if k in kinds}, {}, headers,
                       sanction=words.sanction_in(headers[kinds["consequence"]]))
    # 未达标情形 | 供方责任: the same, what follows borne by the party the column names.
    if "situation" in kinds and not {"responsible", "work", "consequence"} & set(kinds) and len(duties) == 1:
        (column, party), = duties.items()
        return Columns({"situation": kinds["situation"], "consequence": column}, {}, headers, party,
                       sanction=words.sanction_in(headers[column]))
    # 情形 | 数据保留期 | 期满处理: each row a case, and what holds in it column by column.
    if kinds.get("situation") == 0 and len(header) > 2 and set(kinds) <= {"situation", "deadline"} and not duties:
        # (保留期满后我们的处理: a header naming a party says whose act its cells are.)
        named = {i: party for i in range(1, len(header)) if (party := _party_in(headers[i], names_a_party))}
        return Columns({"situation": 0}, named, headers, described=tuple(range(1, len(header))))
    # 工作事项 | 甲方职责 | 乙方职责: each party's column says its part, with no single doer column.
    if "work" not in kinds or ("responsible" not in kinds and not duties and doer is None):
        return None
    return Columns(kinds, duties, headers,
                   doer if "responsible" not in kinds and not duties else None)


def _party_in(header: str, names_a_party: Callable[[str], bool]) -> str | None:
    """The party label a header holds (保留期满后我们的处理 → 我们), if any: the shortest part naming one."""
    return next((header[i:i + size] for size in range(1, min(len(header), 12) + 1)
                 for i in range(len(header) - size + 1) if names_a_party(header[i:i + size])), None)


def _say(row: list[Cell], columns: Columns, names_a_party: Callable[[str], bool]) -> RowSentence | None:
    kinds = columns.kinds
    if max([*kinds.values(), *columns.duties]) >= len(row):
        return None  # a merged or short row: not one obligation
    if columns.described:  # 欠费停机 | 7日 | 本公司彻底删除 → 欠费停机的，数据保留期为7日，期满处理：本公司彻底删除。
        case = row[kinds["situation"]]
        # (a party's column is said as that party's act; its header's own words, 您可进行的操作, would
        # govern the clauses after it)
        cells = {i: plain for i in columns.described if (plain := _plain(row[i].text))}
        held = [cell if _opening_party(cell, names_a_party)
                else f"{columns.duties[i]}{cell}" if i in columns.duties
                else f"{columns.headers[i]}{'：' if _ACTS.search(cell) else '为'}{cell}"
                for i, cell in cells.items()]
        if not _plain(case.text) or not held:
            return None
        return RowSentence(f"{_plain(case.text)}的，{'，'.join(held)}。", case, frozenset(cell.block for cell in row))
    if "work" not in kinds:  # 未按时提交报告 | 扣减服务费5% → 未按时提交报告的，应扣减服务费5%。
        situation, consequence = row[kinds["situation"]], _plain(row[kinds["consequence"]].text)
        if not _plain(situation.text) or not consequence:
            return None
        falls_short = "未达标" if _METRIC.search(columns.headers[kinds["situation"]]) else ""
        # 未达标情形 | 服务积分 with 当月服务费的10%: the header names the sanction its cells measure.
        if columns.sanction and columns.sanction not in consequence:
            consequence = f"给予{columns.sanction}：{consequence}"
        bearer = columns.doer if columns.doer and not _opening_party(consequence, names_a_party) else ""
        # (未在时限内修复漏洞 | 受托方 | 扣减服务费: the party in its column is the one who fails.)
        failing = _plain(row[kinds["responsible"]].text) if "responsible" in kinds else ""
        failing = failing if failing and names_a_party(failing) else ""
        said = f"{failing}{_plain(situation.text)}{falls_short}的，{bearer}{_binding(consequence, names_a_party)}。"
        return RowSentence(said, situation, frozenset(cell.block for cell in row))
    work = row[kinds["work"]]
    if not _plain(work.text):
        return None
    if "responsible" in kinds:
        party = _plain(row[kinds["responsible"]].text)
        if not party:
            return None
        # 待定 / 由甲方与乙方另行商定 (not 乙方负责，细节另行商定: a party named, the details left).
        if _UNDECIDED.search(party) and (not names_a_party(party) or party.startswith(("由", "待", "双方", "各方"))):
            return RowSentence(f"{columns.said('work', _plain(work.text))}{UNDECIDED_DOER}", work,
                               frozenset(cell.block for cell in row), undecided=True)
        if not _ACTING.search(party):  # 乙方 / 运维服务商: who, and nothing more
            parts = [f"{party}负责{columns.said('responsible', party)}{columns.said('work', _plain(work.text), True)}"]
        else:  # 乙方先行处置，甲方统一决策: the cell says who does what, each party's part its duty
            parts = [f"就{columns.said('work', _plain(work.text))}", _each_answers(party, names_a_party)]
    elif columns.doer and not _another_opens(row, columns, names_a_party):  # 乙方…按下表执行： then 漏洞等级 | …
        parts = [f"{columns.doer}{columns.doer_act}{columns.said('work', _plain(work.text), True)}"]
    else:  # only the parties' own columns: "就<work>，甲方负责…，乙方负责…"
        parts = [f"就{columns.said('work', _plain(work.text))}"]
    if "deadline" in kinds and _plain(row[kinds["deadline"]].text):
        parts.append(f"时限为{_plain(row[kinds['deadline']].text)}")
    # 配合 | 受托方: the party named supports the row's work (知悉 | 甲方: is only told of it, and owes nothing).
    if "support" in kinds and (helper := _plain(row[kinds["support"]].text)) and names_a_party(helper):
        parts.append(f"{helper}负责配合{columns.said('work', _plain(work.text))}")
    for i, duty_party in columns.duties.items():
        if i < len(row) and not _EMPTY.fullmatch(_plain(row[i].text)):
            marked = _marked(_plain(row[i].text), columns.legend)
            if marked is None:  # × / 否: the party has no part in this row
                continue
            cell, does_it = marked
            if does_it:  # ✓ / R / 实施: the party does the row's work (and any part the cell adds)
                parts.append(f"{duty_party}负责{columns.said('work', _plain(work.text), True)}")
                if cell:
                    parts.append(f"{duty_party}负责{cell}")
                continue
            # 不参与 / 负责 / 无需配合: a cell that says its own modal word is read as it stands.
            parts.append(f"{duty_party}{'' if _OWN_MODAL.match(cell) else '负责'}{cell}")
    # Any other column (确认方式 | 甲方验证后关闭) as "<header>为<cell>"; a cell that opens with a party
    # (需方每半年…考核，并有权抽查…) is that party's clause, read as it stands.
    # (a consequence column beside the work, 场景 | 处理方式, says how the work is done: read as any other)
    others = {i for kind, i in kinds.items() if kind not in ("situation", "consequence")} | set(columns.duties)
    for i, header in enumerate(columns.headers):
        cell = _plain(row[i].text) if i not in others and i < len(row) and header else ""
        if cell:
            parts.append(cell if _own_clause(cell, names_a_party) else f"{header}为{cell}")
    return RowSentence("，".join(parts) + "。", work, frozenset(cell.block for cell in row))


# 乙方对其软件产品漏洞的通知和响应按下表执行：: a caption naming the one party who answers for each row.
# 乙方就所供软件作如下说明，甲方据此验收：: the same, with a clause after 如下 before the colon.
# 供应商就所供设备作出如下承诺： / 乙方为甲方提供以下安全服务：: what follows is that party's.
_CAPTION = re.compile(r"(?:按|依|依照|按照|见|详见|如)(?:下表|以下表格|下列表格)|下表"
                      r"|如下(?:说明|约定|承诺|保证|声明)?[：:]?\s*$"
                      r"|如下(?:说明|约定|承诺|保证|声明)?[，,][^。；]{0,16}[：:]\s*$"
                      r"|(?:提供|承担|负责|完成)(?:以下|下列)[^，。；：:]{0,12}[：:]\s*$")
_EVERY_PARTY = re.compile(r"双方|各方|三方|任何一方")


def _caption_party(blocks: Sequence[TextBlock], rows: list[list[Cell]], names_a_party: Callable[[str], bool]
                   ) -> str | None:
    """The party opening the line just above the table, when that line introduces the table."""
    above = _block_above(rows)
    if above is None:
        return None
    caption = blocks[above].text.strip()
    caption = caption[item_number_end(caption):].strip()  # 5.2 供方应…按下表提供服务：
    if not _CAPTION.search(caption) or _EVERY_PARTY.match(caption):
        return None
    end = _opening_party(caption, names_a_party)
    return caption[:end] if end else None


# 以上由服务商落实，采购人按表验收。 / 注：上表所列措施均由乙方负责实施: the line just below a table handing
# every row to one party, as a caption above it does; what it says that party does with the rows.
# (上表为甲方（软件供应商）向乙方通报漏洞的方式: the table is what that party does.)
_FOOTER = re.compile(r"(?:(?:注|备注|说明)[一二三1-9]?[：:]\s*)?(?:以上|上述|上表|表中|前述)"
                     r"(?:表格|表|各项|所列|列明|的|内容|事项|工作|要求|措施|产品|设备|项目)*"
                     r"(?:[^，,。；;由为系]{1,8}?(?:工作|事项|措施|任务|内容))?"  # (上表各项数据清除工作均由供方实施)
                     r"(?:均|全部|统一|一律)?(?:由|为|系)(?P<rest>.+)")
_FOOTER_ACTS = {"说明": "说明", "承诺": "承诺", "保证": "保证", "提供": "提供",
                "通报": "通知", "通知": "通知", "告知": "通知"}
_FOOTER_ACT = re.compile(r"(?:[（(][^）)]{1,16}[）)])?(?:向[^，。；]{1,8}?)?(?:负责)?"
                         r"(?P<act>落实|执行|负责|承担|实施|完成|提供|说明|承诺|保证|办理|通报|通知|告知)")


def _footer(blocks: Sequence[TextBlock], rows: list[list[Cell]], names_a_party: Callable[[str], bool]
            ) -> tuple[str, str] | None:
    """The party and act of a line just below the table that hands it every row (以上由乙方执行)."""
    below = _block_below(rows)
    if not 0 <= below < len(blocks):
        return None
    line = blocks[below].text.strip()
    footer = _FOOTER.match(line[item_number_end(line):].strip())
    if footer is None or _EVERY_PARTY.match(footer["rest"]):
        return None
    end = _opening_party(footer["rest"], names_a_party)
    act = _FOOTER_ACT.match(footer["rest"], end) if end else None
    return (footer["rest"][:end], _FOOTER_ACTS.get(act["act"], "负责")) if act else None


# A bare title over the table (安全实施工作分工表): no sentence, only the name of what the table holds.
_BARE_TITLE = re.compile(r"[^，。；：,;:！？!?]{2,30}")


def _block_above(rows: list[list[Cell]]) -> int | None:
    """The block just above the table (its caption or title), if any."""
    first = min(cell.block for cell in rows[0]) if rows and rows[0] else 0
    return first - 1 if first else None


def _block_below(rows: list[list[Cell]]) -> int:
    """The block just below the table (a footer or a note), -1 when the table has no rows."""
    return max((cell.block for cell in rows[-1]), default=-2) + 1 if rows else -1


def _title_above(blocks: Sequence[TextBlock], rows: list[list[Cell]]) -> set[int]:
    """The block of a bare title just above the table: it speaks for the table as its header does."""
    above = _block_above(rows)
    return {above} if above is not None and _BARE_TITLE.fullmatch(blocks[above].text.strip()) else set()


# 乙方就所供软件作如下说明： the rows are what the party states (说明产品功能为…), not work it does.
_CAPTION_ACT = re.compile(r"作出?如下(说明|承诺|保证|声明)")


def _caption_act(blocks: Sequence[TextBlock], rows: list[list[Cell]]) -> str | None:
    above = _block_above(rows)
    act = _CAPTION_ACT.search(blocks[above].text) if above is not None else None
    return act.group(1) if act else None


def _binding(consequence: str, names_a_party: Callable[[str], bool]) -> str:
    """扣减服务费5% → 应扣减服务费5%; 乙方赔偿全部损失 → 乙方应赔偿全部损失: what a table of sanctions
    says follows is the rule, unless the cell says its own modal word (甲方可解除合同)."""
    end = _opening_party(consequence, names_a_party)
    return consequence if _OWN_MODAL.match(consequence, end) else f"{consequence[:end]}应{consequence[end:]}"


def _each_answers(cell: str, names_a_party: Callable[[str], bool]) -> str:
    """乙方先行处置，甲方统一决策 → 乙方负责先行处置，甲方负责统一决策: in a cell of who does what, each
    part a party opens is that party's duty (a part with its own modal word stays as it is)."""
    said = []
    for part in re.split(r"([，,、；;])", cell):
        end = _opening_party(part, names_a_party)
        if end and not _OWN_MODAL.match(part, end):
            part = f"{part[:end]}负责{part[end:]}"
        said.append(part)
    return "".join(said)


def _another_opens(row: list[Cell], columns: Columns, names_a_party: Callable[[str], bool]) -> bool:
    """A cell of the row is a clause of a party other than the caption's (服务考核 | 需方每半年…考核): that row
    is the other party's part, not the captioned party's."""
    texts = (_plain(cell.text) for cell in row)
    return any((end := _own_clause(text, names_a_party)) and text[:end] != columns.doer for text in texts)


def _own_clause(text: str, names_a_party: Callable[[str], bool]) -> int:
    """Where the party opening a cell that is a clause of its own ends (需方每半年…考核，并有权抽查…), or 0;
    a party column's cell (审批人 | 甲方运维主管, 确认方 | 甲方) names who, and says nothing itself."""
    end = _opening_party(text, names_a_party)
    return end if end and _CLAUSE_OF_ITS_OWN.search(text, end) else 0


# 需方每半年…进行考核评估，并有权抽查…: what follows the party is a clause with a modal word or an act.
_CLAUSE_OF_ITS_OWN = re.compile(r"应|须|有权|可以|负责|进行|开展|组织|对[^，。；]{1,20}(?:考核|检查|审计|评估)")


def _opening_party(text: str, names_a_party: Callable[[str], bool]) -> int:
    """Where the party opening ``text`` ends (乙方 in 乙方先行处置), or 0 when no party starts it: the
    shortest opening that holds a party, which must not hold it from its second character on."""
    end = next((n for n in range(2, min(len(text), 12) + 1) if names_a_party(text[:n])), 0)
    return end if end and not names_a_party(text[1:end]) else 0


def _plain(text: str) -> str:
    """A cell's text as part of one sentence: its own sentence marks become commas."""
    return _SENTENCE_MARKS.sub("，", text).strip("， ")
