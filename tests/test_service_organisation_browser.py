"""组织设置 and the upload form's 我方名称 in a real headless Chromium (the set-up of test_service_browser.py)."""

from __future__ import annotations

import re

from test_service_browser import REVIEW_URL, SAMPLES, browser, expect, page, server  # noqa: F401 (fixtures)


def test_the_team_settings_fill_the_upload_form_and_each_review_keeps_its_own(page):  # noqa: F811 (fixture)
    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name="组织设置").click()
    page.fill("#names", "华云数智科技有限公司\n华云")
    page.select_option("#role", "om")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("p[role=status]")).to_have_text("已保存。")

    page.goto("/")
    expect(page.locator("#as-names")).to_have_value("华云数智科技有限公司\n华云")
    expect(page.locator("#as-role")).to_have_value("om")
    page.set_input_files("#file-input", [str(SAMPLES / "it-outsourcing-generic.txt")])
    page.fill("#as-names", "\n".join(f"公司{n}" for n in range(21)))  # a slip: shown next to the field
    page.get_by_role("button", name="开始审查").click()
    expect(page.locator('[data-error-for="as_names"]')).to_contain_text("最多填写 20 个名称")
    expect(page.locator('label[data-field="as_names"]')).to_have_class(re.compile(r"\binvalid\b"))

    page.fill("#as-names", "云帆")
    page.select_option("#as-role", "provider")
    page.get_by_role("button", name="开始审查").click()
    page.wait_for_url(REVIEW_URL)
    expect(page.locator("#review-organisation")).to_have_text("我方：云帆（云服务提供者）")
