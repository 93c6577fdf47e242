"""Drafting lints over every generated variant, as a lawyer reads a draft before sending it.

5 pairs and two role merges × agreement/annex × options × draft/filled: no dangling annex or
article references, defined terms defined before use, no sentence twice, nothing left to a later
agreement, the commercial frame complete in a full agreement, no forum or effectiveness clause of
the annex's own, continuous numbering, one deadline per duty.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from generation_support import COMPLETE, PAIRS

import contractkit
from contractkit.generation.writers import writer_for

VARIANTS = [
    pytest.param(pair, roles, kind, options, filled, id="-".join(
        ("+".join((pair, *roles)), kind, "+".join(options) or "plain", "filled" if filled else "draft")))
    for pair, roles in PAIRS
    for kind in ("agreement", "annex")
    for options in ((), ("cii", "multi-cloud"))
    for filled in (False, True)
] + [  # generated from the strict sample playbook: its preferred values and added clauses pass the lints too
    pytest.param(pair, roles, "agreement", (), "playbook", id="+".join((pair, *roles)) + "-agreement-strict-playbook")
    for pair, roles in PAIRS if pair != "customer-provider"
]
STRICT = Path(__file__).resolve().parent.parent / "samples" / "playbooks" / "strict-provider.yaml"
NUMERALS = "一二三四五六七八九十"
# Words that leave an obligation to a later agreement (the checker's DEFERRED, and the generator's old habits).
DEFERRALS = re.compile(
    r"另行(协商|约定|商定|签订|确定|签署)|协商确定|届时(协商|确定)|以双方(另行)?确认的为准|双方(书面)?约定为准"
    r"|双方商定|由双方以?书面(形式)?确定|毫不迟延"
)


@cache
def _render(pair, roles, kind, options, filled):
    document = contractkit.render_document(
        pair, extra_roles=roles, options=options, kind=kind, parameters=COMPLETE if filled else {},
        playbook=STRICT if filled == "playbook" else None)
    text = writer_for("txt").write(document).decode("utf-8").split("【生成信息】")[0]
    return document, text


def _chinese(n: int) -> str:
    from contractkit.generation.writers.numbering import chinese_number

    return chinese_number(n)


@pytest.mark.parametrize("pair, roles, kind, options, filled", VARIANTS)
def test_every_reference_exists(pair, roles, kind, options, filled):
    document, text = _render(pair, roles, kind, options, filled)
    word = "附表" if kind == "annex" else "附件"
    labels = {document.matrix.title.split("\u3000")[0], *(s.label for s in document.schedules)}
    mentioned = set(re.findall(f"{word}[{NUMERALS}]+", text))
    assert mentioned <= labels, f"dangling: {sorted(mentioned - labels)}"
    assert labels <= mentioned  # every schedule is listed (the annex list) and so referred to
    articles = len(document.articles)
    for number in re.findall(f"第([{NUMERALS}]+)条", text):
        assert number in {_chinese(n) for n in range(1, articles + 1)}, f"第{number}条 does not exist"
    # No reference to an annex without its number ("本协议附件所列…").
    assert not re.search(r"(本协议|本附件)(附件|附表)(?![一二三四五六七八九十如])", text)


def _definitions(text: str) -> dict[str, int]:
    """Defined term -> where its definition starts: “X”指…, X：指… (a definitions list), （以下简称“X”）."""
    found: dict[str, int] = {}
    pattern = r"(?:以下(?:简|统)称)?“([^”]{1,12})”(?:指|）)|^\s*\d+\. ([^：\n]{1,12})：指"
    for match in re.finditer(pattern, text, flags=re.M):
        found.setdefault(match.group(1) or match.group(2), match.start())
    return found


@pytest.mark.parametrize("pair, roles, kind, options, filled", VARIANTS)
def test_defined_terms_are_defined_before_use(pair, roles, kind, options, filled):
    _, text = _render(pair, roles, kind, options, filled)
    # The body without its title block and article headings (a heading names a subject, it uses no term).
    body = re.sub(rf"^第[{NUMERALS}]+条\u3000.*$", "", text.split("（以下无正文）")[0], flags=re.M)
    body = body[body.index("鉴于"):]
    definitions = _definitions(body)
    required = {"本平台", "重大安全事件", "严重违约"} | ({"主合同"} if kind == "annex" else set())
    assert required <= set(definitions), f"not defined: {sorted(required - set(definitions))}"
    # Coined names (严重违约, 本平台, （以下简称“保密信息”）) must not appear before their definition; words
    # of ordinary language the definitions article sharpens (安全责任, 监督) may, as in any contract's recitals.
    coined = required | set(re.findall(r"以下(?:简|统)称“([^”]{1,12})”", body))
    for term, at in ((t, a) for t, a in definitions.items() if t in coined):
        first = body.find(term)
        assert first >= at - 8, f"“{term}” is used before its definition: {body[max(0, first - 30):first + 20]}"


@pytest.mark.parametrize("pair, roles, kind, options, filled", VARIANTS)
def test_no_sentence_twice(pair, roles, kind, options, filled):
    document, _ = _render(pair, roles, kind, options, filled)
    texts = [i.text.plain() for a in document.articles for i in a.items]
    texts += [s.plain() for a in document.articles for i in a.items for s in i.subitems]
    sentences = [s.strip() for t in texts for s in re.split(r"[。；]", t) if len(s.strip()) >= 12]
    twice = {s for s in sentences if sentences.count(s) > 1}
    assert not twice, twice
    tasks = [row.work_item for row in document.matrix.rows]
    assert len(tasks) == len(set(tasks)), "a task twice in the matrix"


@pytest.mark.parametrize("pair, roles, kind, options, filled", VARIANTS)
def test_no_obligation_is_left_to_a_later_agreement(pair, roles, kind, options, filled):
    _, text = _render(pair, roles, kind, options, filled)
    found = [text[max(0, m.start() - 30):m.end() + 10] for m in DEFERRALS.finditer(text)]
    assert not found, found


FRAME = (
    "定义与解释", "协议期限", "价款与支付", "交付、验收与服务确认", "保密", "个人信息保护与数据合规", "知识产权",
    "赔偿责任的限制", "协议的解除与终止", "不可抗力与法律变更", "通知与送达", "法律适用与争议解决", "协议的效力及其他",
)
# What section 1 of issue 12 asks of a full agreement, by the words that carry it.
FRAME_WORDS = ("总价款", "增值税", "付款", "续展", "验收", "过渡期", "移交", "赔偿责任累计不超过", "不受前款限额的限制",
               "保密义务在本协议终止后继续有效", "受托人", "知识产权", "不可抗力", "监管要求发生变化",
               "送达地址", "适用中华人民共和国法律", "以本协议为准", "一式", "（以下无正文）")


@pytest.mark.parametrize("pair, roles, kind, options, filled", [v for v in VARIANTS if "agreement" in v.values])
def test_a_full_agreement_has_the_whole_commercial_frame(pair, roles, kind, options, filled):
    document, text = _render(pair, roles, kind, options, filled)
    titles = [a.title for a in document.articles]
    assert [t for t in FRAME if t in titles] == list(FRAME), f"missing: {[t for t in FRAME if t not in titles]}"
    missing = [w for w in FRAME_WORDS if w not in text]
    assert not missing, missing
    assert re.search(r"向.{1,30}人民法院提起诉讼|仲裁委员会|仲裁中心", text)


def test_arbitration_names_its_commission():
    _, text = _render("provider-om", (), "agreement", (), True)
    arbitration = contractkit.generate(
        "provider-om", format="txt", parameters={**COMPLETE, "dispute_method": "arbitration"}).decode()
    assert "提起诉讼" in text and "仲裁规则" not in text
    assert "提交上海国际仲裁中心，按照申请仲裁时该会现行有效的仲裁规则进行仲裁" in arbitration
    assert "人民法院提起诉讼" not in arbitration


@pytest.mark.parametrize("pair, roles, kind, options, filled", [v for v in VARIANTS if "annex" in v.values])
def test_an_annex_has_no_forum_or_effectiveness_of_its_own(pair, roles, kind, options, filled):
    document, text = _render(pair, roles, kind, options, filled)
    for words in ("人民法院", "仲裁委员会", "提起诉讼", "提交仲裁", "之日起生效", "一式", "价款为", "协议期限"):
        assert words not in text, words
    assert "生效、变更、解除和终止，以及法律适用和争议解决，均适用主合同的约定" in text
    # precedence: security matters only
    assert "就安全责任及其实施工作的约定不一致的，以本附件为准" in text
    if filled:
        assert f"《{COMPLETE['main_contract_name']}》（合同编号：{COMPLETE['main_contract_number']}" in text
        assert "2025年3月1日" in text
    assert document.reference is None


@pytest.mark.parametrize("pair, roles, kind, options, filled", VARIANTS)
def test_numbering_is_continuous(pair, roles, kind, options, filled):
    document, text = _render(pair, roles, kind, options, filled)
    articles = re.findall(rf"^第([{NUMERALS}]+)条\u3000", text, flags=re.M)
    assert articles == [_chinese(n) for n in range(1, len(document.articles) + 1)]
    for block in re.split(rf"^第[{NUMERALS}]+条\u3000.*$", text.split("（以下无正文）")[0], flags=re.M)[1:]:
        items = re.findall(rf"^（([{NUMERALS}]+)）", block, flags=re.M)
        assert items == [_chinese(n) for n in range(1, len(items) + 1)]
    word = "附表" if kind == "annex" else "附件"
    schedules = re.findall(rf"^{word}([{NUMERALS}]+)\u3000", text, flags=re.M)
    assert schedules == [_chinese(n) for n in range(1, len(document.schedules) + 2)]
    for schedule in document.schedules:
        headings = [b.label for b in schedule.blocks if b.kind == "heading"]
        assert headings == [f"{_chinese(n)}、" for n in range(1, len(headings) + 1)]


def test_one_deadline_per_duty():
    """With distinct figures, each notice duty carries its own figure, and only that one."""
    figures = {"vulnerability_notice_hours": 17, "incident_report_hours": 3, "emergency_arrival_hours": 5,
               "critical_fix_days": 9, "change_request_hours": 47}
    for pair, roles in PAIRS[1:]:
        text = contractkit.generate(pair, extra_roles=roles, format="txt",
                                    parameters={**COMPLETE, **figures}).decode().split("【生成信息】")[0]
        hours = {int(h) for h in re.findall(r"(\d+)小时", text)}
        assert hours & {17, 3, 5, 47} <= {17, 3, 5, 47}
        # The notice of a vulnerability: only its own figure, wherever it is stated.
        vulnerability = [s for s in re.split(r"[。；\n]", text) if "漏洞" in s and re.search(r"\d+小时", s)]
        assert {int(h) for s in vulnerability for h in re.findall(r"(\d+)小时", s)} <= {17}, vulnerability
        incident = [s for s in re.split(r"[。；\n]", text)
                    if "安全事件" in s and "报告" in s and re.search(r"\d+小时", s)]
        assert {int(h) for s in incident for h in re.findall(r"(\d+)小时", s)} <= {3, 5}, incident
        assert "毫不迟延" not in text


def test_one_partner_with_two_roles_gets_each_duty_once():
    document, text = _render("provider-om", ("security",), "agreement", (), True)
    assert text.count("服务内容：") == 2  # the O&M and the security services, each described once
    assert text.count(f"至少提前{document.metadata.parameters['change_request_hours']}小时") == 1
    # The arrival after a major incident is the emergency-response clause's (8.2.3 c) 2)), not also the incident one's.
    assert text.count("派员到达现场或者开始远程响应") == 1 and "重大安全事件发生后应在" not in text
    assert len([r for r in document.matrix.rows if r.work_item.startswith("漏洞修复")]) == 1


def test_the_customer_keeps_its_own_security_responsibility_in_the_matrix():
    document, _ = _render("customer-provider", (), "agreement", (), False)
    customer_column = 0 if document.parties[0].role_names == "云服务客户" else 1
    responsible = [r.work_item for r in document.matrix.rows if "负责" in r.marks[customer_column]]
    assert len(responsible) >= 8
    both = [r for r in document.matrix.rows if all("负责" in m for m in r.marks)]
    assert both, "each side keeps its own security organisation"


def test_party_a_can_be_the_partner():
    document = contractkit.render_document("provider-om", parameters={**COMPLETE, "party_a": "partner"})
    assert [p.label for p in document.parties] == ["甲方", "乙方"]
    assert document.parties[0].role_names == "运维服务提供者"
    assert document.matrix.columns[0].startswith("甲方（运维服务提供者")


def test_blanks_are_long_enough_to_write_by_hand(parameter_set):
    for name in ("provider_name", "partner_name", "customer_name", "provider_address", "contract_price"):
        assert parameter_set[name].blank().width >= 16, name
    assert parameter_set["penalty_percent"].blank().width >= 3


def test_the_matrix_is_edited_through_the_request():
    from contractkit.generation.tasks import MatrixEdits

    edits = MatrixEdits.model_validate({
        "drop": ["physical-access"],
        "set": {"changes": {"provider": ["approve", "supervise"]}},
        "add": [{"id": "log-review", "category": "平台层", "task": "每月审阅运维日志", "clause": "8.2.5",
                 "marks": {"provider": "supervise", "partner": "实施"}}],
    })
    request = contractkit.requests.GenerateRequest.parse({"pair": "provider-om", "matrix": edits.model_dump()})
    from contractkit.generation.render import build_document

    rows = {r.task_id: r for r in build_document(request.settings()).matrix.rows}
    assert "physical-access" not in rows
    assert rows["changes"].marks[0] == "审批、监督"
    assert rows["log-review"].marks == ("监督", "实施") and rows["log-review"].category == "平台层"


def test_the_matrix_clause_column_never_wraps_to_three_lines():
    """The standard-clause cell (1560 twips, 10.5 pt) holds about 12 full-width characters a line."""
    from contractkit.generation.tasks import load_tasks
    from contractkit.standard import default_standard

    standard = default_standard()
    tasks = load_tasks(standard.templates_dir, tuple(standard.vocabulary.markings))
    for task in tasks.tasks:
        units = sum(2 if ord(c) > 0x2000 else 1 for c in task.clause)  # half-width units
        assert units <= 24, f"{task.id}: {task.clause}"


@pytest.mark.parametrize("pair, roles", PAIRS)
def test_the_explanation_sheet_lists_every_clause_and_schedule(pair, roles):
    from contractkit.generation.explain import explanation_sheet
    from contractkit.standard import default_standard

    document, _ = _render(pair, roles, "agreement", ("cii", "multi-cloud"), True)
    sheet = explanation_sheet(document)
    firsts = [row[0] for row in sheet.rows]
    for requirement_id in document.metadata.requirement_ids:
        clause = default_standard().catalogue.requirement(requirement_id).clause
        assert any(row[1] == clause for row in sheet.rows), requirement_id
    assert sum(1 for f in firsts if f.startswith("附件")) == 1 + len(document.schedules)
    assert all(row[3] and row[3] != "—" for row in sheet.rows)
    for fmt in ("docx", "md", "txt"):
        assert writer_for(fmt).write_sheet(sheet)
