"""Realistic benchmark inputs, built on the spot (nothing binary is committed).

A contract here is one of the vendor-style samples (its party block and its
security clauses, ``samples/contracts/src``) grown to the size of a real
contract with the commercial clauses that fill most of one
(``benchmarks/filler.txt``): ~30,000 Chinese characters in ~300 paragraphs,
with a price table, a service-level table and a contacts table.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

from docx import Document
from docx.shared import Pt

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SOURCES = REPO / "samples" / "contracts" / "src"
NUMERALS = "零一二三四五六七八九十"


def filler_sentences() -> list[str]:
    lines = (HERE / "filler.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def source_lines(name: str) -> list[str]:
    return [line for line in (SOURCES / f"{name}.txt").read_text(encoding="utf-8").splitlines() if line.strip()]


def sample_names() -> list[str]:
    return sorted(p.stem for p in SOURCES.glob("*.txt"))


def _article(n: int) -> str:
    """Chinese article numbers up to 999: 一, 十二, 二十, 一百零五, 三百一十。"""
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    text = f"{NUMERALS[hundreds]}百" if hundreds else ""
    if tens:
        text += ("一" if hundreds and tens == 1 else "" if tens == 1 else NUMERALS[tens]) + "十"
    elif hundreds and ones:
        text += "零"
    return text + (NUMERALS[ones] if ones else "")


def contract_lines(name: str, target_chars: int, seed: int) -> list[str]:
    """The sample's lines with commercial articles and tables added until ``target_chars``."""
    rng = random.Random(seed)
    sentences = filler_sentences()
    core = source_lines(name)
    head, body = core[:10], core[10:]  # the party block stays first, as in a real contract
    lines = list(head)
    size = sum(map(len, lines + body))
    article = 21  # after the sample's own articles
    extra: list[list[str]] = []
    while size < target_chars:
        title = rng.choice(['价款与支付', '交付与验收', '项目管理', '质量保证', '知识产权', '保密', '人员管理',
                            '服务考核', '不可抗力', '合同变更', '通知与送达', '其他约定'])
        block = [f"第{_article(article)}条　{title}"]
        for _ in range(rng.randint(2, 5)):
            text = "".join(rng.sample(sentences, rng.randint(1, 2)))
            text = text.format(amount=f"{rng.randint(10, 900) * 10000:,}", amount_zh="壹佰贰拾万元整",
                               years=rng.randint(1, 5), months=rng.randint(3, 18))
            block.append(text)
        extra.append(block)
        size += sum(map(len, block))
        article += 1
    # Spread the commercial articles around the security clauses.
    for block in extra:
        position = rng.randint(0, len(body))
        body[position:position] = block
    tables = [_price_table(rng), _sla_table(rng), _contacts_table()]
    for table in tables:
        position = rng.randint(len(body) // 3, len(body))
        body[position:position] = table
    return lines + body


def _price_table(rng: random.Random) -> list[str]:
    rows = ["|序号|项目名称|规格型号|数量|单价（元）|金额（元）|"]
    for i in range(1, 16):
        quantity, price = rng.randint(1, 40), rng.randint(1, 99) * 1000
        version = f"V{rng.randint(1, 9)}.{rng.randint(0, 9)}"
        rows.append(f"|{i}|云平台服务模块{i}|标准版 {version}|{quantity}|{price}|{quantity * price}|")
    return rows


def _sla_table(rng: random.Random) -> list[str]:
    rows = ["|服务指标|目标值|计量周期|未达标处理|"]
    for metric in ("服务可用性", "故障响应时间", "故障恢复时间", "工单按时关闭率", "客户满意度"):
        rows.append(f"|{metric}|{rng.choice(['99.9%', '30分钟', '4小时', '95%', '90分'])}|月度|按附件扣减服务费|")
    return rows


def _contacts_table() -> list[str]:
    return ["|角色|姓名|电话|电子邮箱|", "|甲方项目负责人|周启明|025-83610000|zhou@example.cn|",
            "|乙方项目经理|郑凯|025-52880000|zheng@example.cn|", "|乙方安全负责人|刘安澜|025-52880001|liu@example.cn|"]


def to_docx(lines: list[str]) -> bytes:
    document = Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = "宋体", Pt(10.5)
    table_rows: list[list[str]] = []

    def flush_table():
        if table_rows:
            table = document.add_table(rows=len(table_rows), cols=max(map(len, table_rows)))
            for r, row in enumerate(table_rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
            table_rows.clear()

    for line in lines:
        if line.startswith("|"):
            table_rows.append(line.strip("|").split("|"))
            continue
        flush_table()
        document.add_paragraph(line)
    flush_table()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def to_text(lines: list[str]) -> str:
    return "\n".join(line if not line.startswith("|") else line.strip("|").replace("|", "\t") for line in lines) + "\n"


def to_markdown(lines: list[str]) -> str:
    out, in_table = [], False
    for line in lines:
        if line.startswith("|"):
            if not in_table:
                out.append(line)
                out.append("|" + "---|" * (line.count("|") - 1))
                in_table = True
            else:
                out.append(line)
            continue
        in_table = False
        out.append(("## " if line.startswith("第") and "条" in line[:6] else "") + line)
        out.append("")
    return "\n".join(out) + "\n"


def large_contract(seed: int = 0, name: str = "om-platform-maintenance", chars: int = 30_000) -> bytes:
    return to_docx(contract_lines(name, chars, seed))


def build_folder(folder: Path, count: int = 1000, seed: int = 0) -> dict[str, int]:
    """A folder of ``count`` mixed contracts: mostly .docx of 3k–30k characters, some .txt/.md, a few broken.

    60 distinct contracts are built and copied under different names, so
    building the folder takes seconds, not minutes; the checker keeps no cache
    keyed on content, so a copy costs it as much as an original.
    """
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    names = sample_names()
    distinct: list[tuple[str, bytes]] = []
    for i in range(60):
        lines = contract_lines(names[i % len(names)], rng.choice([3_000, 8_000, 15_000, 30_000]), seed * 1000 + i)
        kind = rng.choices(["docx", "txt", "md"], weights=[80, 10, 10])[0]
        data = {"docx": to_docx, "txt": lambda ls: to_text(ls).encode("utf-8"),
                "md": lambda ls: to_markdown(ls).encode("utf-8")}[kind](lines)
        distinct.append((kind, data))
    broken = [("docx", b"PK\x03\x04broken"), ("docx", b""), ("doc", bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 512)]
    kinds: dict[str, int] = {}
    for i in range(count):
        kind, data = broken[i % len(broken)] if i % 20 == 19 else distinct[i % len(distinct)]  # 5% broken
        (folder / f"contract-{i:04d}.{kind}").write_bytes(data)
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds
