"""A review against a playbook in a real headless Chromium (the set-up of test_service_browser.py): the
upload form offers the folder's playbooks and refuses a bad upload beside its field; the document page
shows each position (status, value read against the playbook's values, evidence, proposed clause)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from service_support import start_serve, stop_serve
from test_service_browser import (  # noqa: F401 (fixture)
    CHECK_TIMEOUT_MS,
    REPO,
    REVIEW_URL,
    SAMPLES,
    SCREENSHOTS,
    browser,
    expect,
)

PLAYBOOKS = REPO / "samples" / "playbooks"


@pytest.fixture(scope="module")
def playbook_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("playbook-service")
    folder = root / "playbooks"
    folder.mkdir()
    for name in ("strict-provider.yaml", "balanced.yaml"):
        shutil.copy(PLAYBOOKS / name, folder / name)
    process, base, _ = start_serve(root / "data", "--jobs", "1", "--playbooks-dir", str(folder))
    try:
        yield base
    finally:
        stop_serve(process)


@pytest.fixture
def pb_page(browser, playbook_server):  # noqa: F811 (fixture)
    context = browser.new_context(base_url=playbook_server, accept_downloads=True, locale="zh-CN",
                                  viewport={"width": 1366, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"uncaught script errors in the pages: {errors}"


def test_choose_a_playbook_then_see_each_position_on_the_document_page(pb_page, tmp_path):
    page = pb_page
    page.goto("/")
    # a bad upload first: refused beside its field, in Chinese
    bad = tmp_path / "坏的.yaml"
    bad.write_text("playbook: 1\nname: 坏\npairs: [provider-om]\n", encoding="utf-8")
    page.set_input_files("#file-input", [str(SAMPLES / "om-platform-maintenance.docx")])
    page.set_input_files("#playbook-file", [str(bad)])
    page.get_by_role("button", name="开始审查").click()
    expect(page.locator('[data-error-for="playbook_file"]')).to_contain_text("立场手册“坏的.yaml”无效")
    expect(page.locator('label[data-field="playbook_file"]')).to_have_class(re.compile(r"\binvalid\b"))

    page.set_input_files("#playbook-file", [])
    page.select_option("#playbook", "strict-provider.yaml")
    page.get_by_role("button", name="开始审查").click()
    page.wait_for_url(REVIEW_URL)
    expect(page.locator("#review-progress-text")).to_have_text("全部检查完成", timeout=CHECK_TIMEOUT_MS)
    page.locator("a[href^='/documents/']").first.click()
    positions = page.locator("#positions")
    expect(positions).to_contain_text("本所立场")
    expect(positions).to_contain_text("云服务提供者采购安全条款（严格立场）")
    card = positions.locator("#p-incident-report-hours")
    expect(card).to_contain_text("安全事件报告时限")
    expect(card).to_contain_text("立场：优选 2小时；可接受 4小时；底线 24小时")
    expect(positions.locator("article.position-card .pill").first).to_be_visible()
    expect(positions.locator("pre").first).not_to_be_empty()  # a proposed clause
    folder = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    positions.screenshot(path=str(folder / "document-positions.png"))
    page.screenshot(path=str(folder / "document-positions-page.png"))
