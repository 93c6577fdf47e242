"""End-to-end tests of the review service's pages in a real headless Chromium.

The service runs as a real ``contractkit serve`` subprocess; the browser is
Debian's ``/usr/bin/chromium`` driven by Playwright's sync API (no browser is
ever downloaded). Without chromium the module is skipped, unless
CONTRACTKIT_REQUIRE_SERVICES=1 (as in CI), where that is a failure.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from docx import Document
from lxml import etree
from openpyxl import load_workbook

from conftest import REPO
from service_support import start_serve, stop_serve

SAMPLES = REPO / "samples" / "contracts"
# Its expected.yaml lists many `missing` requirements (with suggestions) and a .docx to annotate.
MISSING_SAMPLE = "software-license-support.docx"
BATCH_SAMPLES = ("gov-cloud-service.docx", "om-platform-maintenance.docx", "hardware-server-supply.docx")
ZIPPED_SAMPLES = ("om-security-combined.docx", "security-pentest-soc.docx")

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
STARTUP_SECONDS = 60
MAX_UPLOAD_MB = 20
WIDTHS = {"desktop": (1366, 768), "phone": (390, 844)}
# Where the screenshots go (to look at them): $CONTRACTKIT_SCREENSHOTS, else the test's temporary folder.
SCREENSHOTS = os.environ.get("CONTRACTKIT_SCREENSHOTS")
CHECK_TIMEOUT_MS = 60_000  # a whole review, checked by one worker process

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
REVIEW_URL = re.compile(r"/reviews/([0-9a-f]{32})$")
LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through an http_proxy

# Shared across the module's tests: every URL the pages requested, and the
# reviews made (later tests use them when they ran, or make their own).
REQUESTS: list[str] = []
STATE: dict[str, str] = {}


def _chromium() -> str | None:
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


def _unavailable(reason: str):
    if os.environ.get("CONTRACTKIT_REQUIRE_SERVICES") == "1":  # .ci/run: the browser tests must run
        pytest.fail(f"{reason}; CONTRACTKIT_REQUIRE_SERVICES=1 says the browser tests must run", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


CHROMIUM = _chromium()
if CHROMIUM is None:
    _unavailable("chromium not found (apt-get install chromium): the browser tests use Debian's chromium")
try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:
    _unavailable("the playwright package is not installed (pip install -e '.[test]')")


# ---------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The base URL of a `contractkit serve` subprocess with its own data folder."""
    data_dir = tmp_path_factory.mktemp("service-data")
    log_path = data_dir.parent / f"{data_dir.name}.log"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "contractkit.cli", "serve", "--port", str(port),
               "--data-dir", str(data_dir), "--jobs", "1", "--max-upload-mb", str(MAX_UPLOAD_MB)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with open(log_path, "wb") as log:  # its own process group: the checking workers go with it
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=REPO, env=env,
                                   start_new_session=True)
    try:
        _wait_until_healthy(process, base, log_path)
        yield base
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)  # whatever of the group is left
    except ProcessLookupError:
        pass
    process.wait(timeout=5)


def _wait_until_healthy(process: subprocess.Popen, base: str, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    problem = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            problem = f"the service exited with status {process.returncode}"
            break
        try:
            with LOCAL.open(f"{base}/api/health", timeout=2) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code == 401:  # up, and asking who we are (a service with access control)
                return
            problem = str(exc)
        except (urllib.error.URLError, OSError) as exc:
            problem = str(exc)
        time.sleep(0.25)
    _stop(process)
    print(f"--- contractkit serve log ({log_path}) ---\n{log_path.read_text(errors='replace')}")
    pytest.fail(f"contractkit serve did not answer {base}/api/health (waited up to {STARTUP_SECONDS} s): "
                f"{problem}; its log is printed above")


@pytest.fixture
def page(browser, server):
    context = browser.new_context(base_url=server, accept_downloads=True, locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    context.set_default_timeout(15_000)
    context.on("request", lambda request: REQUESTS.append(request.url))
    page = context.new_page()
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    # The Content-Security-Policy refuses inline script: a violation is a console error.
    page.on("console", lambda message: script_errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text else None)
    try:
        yield page
    finally:
        context.close()
    assert not script_errors, f"uncaught script errors in the pages: {script_errors}"


def api_status(server: str, path: str) -> int:
    try:
        with LOCAL.open(f"{server}{path}", timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def upload(page, files: list[Path], uploader: str, dropped: list[Path] = ()) -> str:
    """Choose ``files`` with the file picker (and drop ``dropped`` on the drop zone), start the review,
    wait until it is checked; the review's id."""
    page.goto("/")
    page.set_input_files("#file-input", [str(f) for f in files])
    for path in dropped:
        drop_file(page, path)
    chosen = len(files) + len(dropped)
    expect(page.locator("#chosen li")).to_have_count(chosen)
    expect(page.locator("#upload-status")).to_contain_text(f"已选择 {chosen} 个文件")
    page.fill("#uploader", uploader)
    page.get_by_role("button", name="开始审查").click()
    page.wait_for_url(REVIEW_URL)
    expect(page.locator("#review-progress-text")).to_have_text("全部检查完成", timeout=CHECK_TIMEOUT_MS)
    expect(page.locator("#review")).to_have_attribute("data-finished", "true")
    return REVIEW_URL.search(page.url).group(1)


def drop_file(page, path: Path) -> None:
    """Drag ``path`` over the drop zone and drop it there (as the browser does for a file from the desktop)."""
    transfer = page.evaluate_handle(
        """([name, data]) => {
            const transfer = new DataTransfer();
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            transfer.items.add(new File([bytes], name));
            return transfer;
        }""",
        [path.name, base64.b64encode(path.read_bytes()).decode()],
    )
    zone = page.locator("#dropzone")
    zone.dispatch_event("dragenter", {"dataTransfer": transfer})
    expect(zone).to_have_class(re.compile(r"\bover\b"))  # highlighted while a file is over it
    zone.dispatch_event("drop", {"dataTransfer": transfer})
    expect(zone).not_to_have_class(re.compile(r"\bover\b"))
    expect(page.locator("#chosen li", has_text=path.name)).to_have_count(1)


# ---------------------------------------------------------------- tests
def test_review_one_contract_then_copy_filter_and_download_the_annotated_copy(page, server, tmp_path):
    review_id = upload(page, [SAMPLES / MISSING_SAMPLE], "张三")
    STATE["single"] = review_id
    assert page.locator("#review h1").inner_text() == MISSING_SAMPLE
    assert "上传人 张三" in page.locator("#review").inner_text()
    rows = page.locator("#documents tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-status", "done")
    expect(rows.first.locator(".state.problems")).to_be_visible()  # “应”要求未满足

    rows.first.get_by_role("link", name=MISSING_SAMPLE).click()
    page.wait_for_url(re.compile(r"/documents/[0-9a-f]{32}$"))
    expect(page.locator("#document")).to_have_attribute("data-status", "done")
    # The parties were recognised: the licensee is the provider, the licensor the software provider.
    licensee = page.locator("#roles-form tbody tr", has_text="华云数智科技有限公司")
    expect(licensee.get_by_role("checkbox", name="云服务提供者")).to_be_checked()
    licensor = page.locator("#roles-form tbody tr", has_text="北京磐石云原生软件有限公司")
    expect(licensor.get_by_role("checkbox", name="软件提供者")).to_be_checked()

    # A missing requirement, with the clause to add.
    missing = page.locator(".finding.missing").first
    expect(missing).to_be_visible()
    expect(missing).to_have_attribute("data-status", "missing")
    expect(missing.locator(".pill.missing")).to_have_text("缺失")
    suggestion = missing.locator(".suggestion pre")
    suggestion_text = suggestion.inner_text().strip()
    assert len(suggestion_text) > 10, suggestion_text
    copy = missing.locator("button.copy")
    expect(copy).to_have_text("复制")
    copy.click()
    expect(copy).to_have_text("已复制")
    assert page.evaluate("navigator.clipboard.readText()").strip() == suggestion_text
    expect(copy).to_have_text("复制", timeout=5_000)  # and back again

    # The status filters: satisfied findings start hidden; each box shows or hides its findings.
    findings = page.locator(".finding")
    total = findings.count()
    by_status = {s: page.locator(f".finding[data-status={s}]").count()
                 for s in ("satisfied", "partial", "missing", "contrary")}
    assert sum(by_status.values()) == total and by_status["missing"] > 0 and by_status["satisfied"] > 0
    visible = page.locator(".finding:visible")
    count_text = page.locator("#finding-count")
    shown = total - by_status["satisfied"]
    expect(visible).to_have_count(shown)
    expect(count_text).to_have_text(f"显示 {shown} / {total} 项")

    page.locator(".status-filter[value=missing]").uncheck()
    shown -= by_status["missing"]
    expect(visible).to_have_count(shown)
    expect(count_text).to_have_text(f"显示 {shown} / {total} 项")
    expect(page.locator(".finding.missing:visible")).to_have_count(0)

    page.locator(".status-filter[value=satisfied]").check()
    shown += by_status["satisfied"]
    expect(visible).to_have_count(shown)
    expect(count_text).to_have_text(f"显示 {shown} / {total} 项")

    page.locator(".status-filter[value=missing]").check()
    expect(visible).to_have_count(total)
    # The clause filter narrows to one clause of the standard.
    clause = page.locator("#clause-filter option").nth(1).get_attribute("value")
    page.select_option("#clause-filter", clause)
    in_clause = page.locator(f'.finding[data-clause="{clause}"]').count()
    assert 0 < in_clause < total
    expect(visible).to_have_count(in_clause)
    page.select_option("#clause-filter", "")
    expect(visible).to_have_count(total)

    # The annotated copy: comments and tracked insertions.
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("批注版 Word")).click()
    download = info.value
    assert download.failure() is None
    assert download.suggested_filename == "software-license-support.批注版.docx"
    path = tmp_path / "annotated.docx"
    download.save_as(path)
    assert len(Document(str(path)).comments) > 0
    with zipfile.ZipFile(path) as archive:
        body = archive.read("word/document.xml")
    insertions = etree.fromstring(body).findall(f".//{W}ins")
    assert insertions, "no tracked insertions (w:ins) in the annotated copy"


def test_review_several_files_and_a_folder_zip_then_download_the_excel_report(page, tmp_path):
    folder = tmp_path / "更多合同"
    folder.mkdir()
    archive_path = tmp_path / "更多合同.zip"
    with zipfile.ZipFile(archive_path, "w") as archive:
        for name in ZIPPED_SAMPLES:
            shutil.copy(SAMPLES / name, folder / name)
            archive.write(folder / name, f"{folder.name}/{name}")
    picked = [SAMPLES / name for name in BATCH_SAMPLES[:2]] + [archive_path]
    dropped = [SAMPLES / BATCH_SAMPLES[2]]

    review_id = upload(page, picked, "李四", dropped=dropped)
    STATE["batch"] = review_id
    # In the order chosen, the archive's contracts in its place.
    expected_names = (list(BATCH_SAMPLES[:2]) + [f"{archive_path.name}/{folder.name}/{n}" for n in ZIPPED_SAMPLES]
                      + [BATCH_SAMPLES[2]])
    rows = page.locator("#documents tbody tr")
    expect(rows).to_have_count(len(expected_names))
    assert [link.inner_text() for link in page.locator("#documents tbody tr td:nth-child(2) a").all()] \
        == expected_names
    for row in rows.all():
        expect(row).to_have_attribute("data-status", "done")
    assert f"{len(expected_names)} 份文件" in page.locator("#review").inner_text()
    expect(page.locator("#review-progress")).to_have_attribute("value", str(len(expected_names)))

    with page.expect_download() as info:
        page.get_by_role("link", name="Excel 表格").click()
    download = info.value
    assert download.failure() is None
    assert download.suggested_filename.endswith(".report.xlsx")
    path = tmp_path / "batch.xlsx"
    download.save_as(path)
    workbook = load_workbook(path, read_only=True)
    assert {"结果", "汇总"} <= set(workbook.sheetnames)
    names_in_summary = {row[0] for row in workbook["汇总"].iter_rows(min_row=3, max_col=1, values_only=True)}
    for name in expected_names:
        assert name in names_in_summary, (name, names_in_summary)
    results = list(workbook["结果"].iter_rows(values_only=True))
    assert len(results) > len(expected_names)  # a header and many findings per contract
    workbook.close()


def test_generate_an_agreement_and_see_field_errors(page, tmp_path):
    provider, partner = "华云数智科技有限公司", "恒安运维服务有限公司"
    page.goto("/generate")
    page.select_option("select[name=pair]", "provider-om")
    page.fill('input[name="p:provider_name"]', provider)
    page.fill('input[name="p:partner_name"]', partner)
    expect(page.locator('input[name=kind][value=agreement]')).to_be_checked()
    expect(page.locator("select[name=format]")).to_have_value("docx")
    with page.expect_download() as info:
        page.get_by_role("button", name="生成并下载").click()
    download = info.value
    assert download.failure() is None
    assert download.suggested_filename.endswith("安全责任协议.docx")
    path = tmp_path / "agreement.docx"
    download.save_as(path)
    document = Document(str(path))
    text = "\n".join([p.text for p in document.paragraphs]
                     + [cell.text for table in document.tables for row in table.rows for cell in row.cells])
    assert provider in text and partner in text

    # An out-of-range value: the form comes back (422) with the message next to the field, no file.
    downloads = []
    page.on("download", lambda download: downloads.append(download))
    page.fill('input[name="p:critical_fix_days"]', "999")
    with page.expect_response(lambda r: urlsplit(r.url).path == "/generate" and r.request.method == "POST") as sent:
        page.get_by_role("button", name="生成并下载").click()
    assert sent.value.status == 422
    page.wait_for_load_state()
    field = page.locator("label[data-param=critical_fix_days]")
    expect(field).to_have_class(re.compile(r"\binvalid\b"))
    expect(field.locator(".field-error")).to_be_visible()
    expect(field.locator(".field-error")).not_to_be_empty()
    expect(page.locator("p.field-error[role=alert]")).to_contain_text("1 处需要修改")
    expect(page.locator(".field-error")).to_have_count(2)  # the summary and this one field
    # What the user typed is kept.
    expect(page.locator("select[name=pair]")).to_have_value("provider-om")
    expect(page.locator('input[name="p:provider_name"]')).to_have_value(provider)
    expect(page.locator('input[name="p:critical_fix_days"]')).to_have_value("999")
    page.wait_for_timeout(300)  # a download, had there been one, would have started by now
    assert downloads == []


def test_history_lists_reviews_and_deletes_one_after_confirming(page, server):
    review_id = STATE.get("single") or upload(page, [SAMPLES / MISSING_SAMPLE], "张三")
    page.goto("/reviews")
    row = page.locator(f"#history tr[data-review='{review_id}']")
    expect(row).to_be_visible()
    expect(row).to_contain_text(MISSING_SAMPLE)
    expect(row).to_contain_text("张三")
    before = page.locator("#history tbody tr").count()

    dialogs: list[str] = []

    def answer(accept: bool):
        def handle(dialog):
            dialogs.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()
        return handle

    # Cancelling the confirmation keeps the review.
    page.once("dialog", answer(False))
    row.get_by_role("button", name="删除").click()
    page.wait_for_timeout(300)
    assert dialogs and "不可恢复" in dialogs[-1]
    expect(row).to_be_visible()
    assert api_status(server, f"/api/reviews/{review_id}") == 200

    page.once("dialog", answer(True))
    with page.expect_navigation(url=re.compile(r"/reviews$")):
        row.get_by_role("button", name="删除").click()
    assert len(dialogs) == 2
    expect(page.locator(f"#history tr[data-review='{review_id}']")).to_have_count(0)
    if before > 1:
        expect(page.locator("#history tbody tr")).to_have_count(before - 1)
    else:
        expect(page.get_by_text("还没有审查记录")).to_be_visible()
    assert api_status(server, f"/api/reviews/{review_id}") == 404
    if STATE.get("batch"):  # the other review is untouched
        expect(page.locator(f"#history tr[data-review='{STATE['batch']}']")).to_be_visible()
        assert api_status(server, f"/api/reviews/{STATE['batch']}") == 200
    STATE.pop("single", None)


def test_pages_load_nothing_from_other_hosts(page, server):
    pages = ["/", "/reviews", "/generate", "/api/docs"]
    if STATE.get("batch"):
        pages.append(f"/reviews/{STATE['batch']}")
    for path in pages:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        # The local stylesheet and script are in use: the top bar's colour, times shown in local time.
        expect(page.locator("header.topbar")).to_have_css("background-color", "rgb(16, 42, 67)")
        times = page.locator("time[data-local]")
        if times.count():
            expect(times.first).not_to_contain_text("UTC")
    png = page.screenshot(full_page=True)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 1000

    local = urlsplit(server).netloc
    assert any(url.endswith("/static/app.css") for url in REQUESTS)
    assert any(url.endswith("/static/app.js") for url in REQUESTS)
    foreign = sorted({url for url in REQUESTS if urlsplit(url).scheme not in ("http", "https")
                      or urlsplit(url).netloc != local})
    assert not foreign, f"the pages requested resources from elsewhere: {foreign}"


# ---------------------------------------------------------------- issue 13: the team's view
def _screenshot(page, folder: Path, name: str) -> Path:
    """A full-page screenshot; the page must not be wider than the window (nothing to scroll sideways)."""
    target = Path(SCREENSHOTS) if SCREENSHOTS else folder
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: the page is {overflow} px wider than the window"
    return path


def _distinct_contracts(folder: Path, count: int) -> list[Path]:
    text = (SAMPLES / "it-outsourcing-generic.txt").read_text(encoding="utf-8") * 12
    paths = []
    for n in range(count):
        path = folder / f"外包合同{n:02d}.txt"
        path.write_text(f"{text}\n合同编号：HT-{n:02d}\n", encoding="utf-8")
        paths.append(path)
    return paths


def test_the_rows_fill_in_one_by_one_while_the_batch_runs(page, tmp_path):
    files = _distinct_contracts(tmp_path, 30)
    page.set_viewport_size({"width": WIDTHS["desktop"][0], "height": WIDTHS["desktop"][1]})
    page.goto("/")
    page.set_input_files("#file-input", [str(f) for f in files])
    page.fill("#title", "三十份外包合同")
    page.get_by_role("button", name="开始审查").click()
    page.wait_for_url(REVIEW_URL)
    expect(page.locator("#review h1")).to_have_text("三十份外包合同")
    live = page.locator("#review-live")
    # Some rows show their results while others are still waiting: the table is not all-or-nothing.
    expect(page.locator("#documents tbody tr[data-status=done]").first).to_be_visible(timeout=CHECK_TIMEOUT_MS)
    expect(live).to_have_attribute("data-finished", "false")
    done_row = page.locator("#documents tbody tr[data-status=done]").first
    expect(done_row.locator(".pill.missing")).to_be_visible()
    expect(page.locator("#download-note")).to_contain_text("检查尚未完成")
    _screenshot(page, tmp_path, "review-running-1366")
    expect(page.locator("#review-progress-text")).to_have_text("全部检查完成", timeout=CHECK_TIMEOUT_MS)
    expect(page.locator("#documents tbody tr[data-status=done]")).to_have_count(len(files))
    STATE["many"] = REVIEW_URL.search(page.url).group(1)


def test_choosing_files_twice_removing_one_and_the_size_limit(page, tmp_path):
    contract = SAMPLES / MISSING_SAMPLE
    page.goto("/")
    page.set_input_files("#file-input", [str(contract)])
    page.set_input_files("#file-input", [str(contract), str(SAMPLES / BATCH_SAMPLES[0])])
    chosen = page.locator("#chosen li")
    expect(chosen).to_have_count(2)  # picked twice, added once
    expect(page.locator("#upload-status")).to_contain_text("重复选择的文件只算一次")
    chosen.filter(has_text=BATCH_SAMPLES[0]).get_by_role("button", name="移除").click()
    expect(chosen).to_have_count(1)
    expect(chosen.first).to_contain_text(MISSING_SAMPLE)

    big = tmp_path / "扫描件合集.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (MAX_UPLOAD_MB * 1024 * 1024))
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url) if request.method == "POST" else None)
    page.set_input_files("#file-input", [str(big)])
    expect(page.locator("#upload-status")).to_contain_text(f"超过单次上传 {MAX_UPLOAD_MB} MB 的上限")
    expect(page.get_by_role("button", name="开始审查")).to_be_disabled()
    chosen.filter(has_text=big.name).get_by_role("button", name="移除").click()
    expect(page.get_by_role("button", name="开始审查")).to_be_enabled()
    assert sent == []  # nothing was uploaded


def test_screens_at_desktop_and_phone_widths(page, server, tmp_path):
    review_id = STATE.get("batch") or upload(page, [SAMPLES / name for name in BATCH_SAMPLES], "李四")
    page.goto(f"/reviews/{review_id}")
    document_url = page.locator("#documents tbody tr td:nth-child(2) a").first.get_attribute("href")
    screens = {"upload": "/", "review": f"/reviews/{review_id}", "document": document_url, "history": "/reviews",
               "generate": "/generate"}
    shots = []
    for width, height in WIDTHS.values():
        page.set_viewport_size({"width": width, "height": height})
        for name, path in screens.items():
            page.goto(path)
            page.wait_for_load_state("networkidle")
            shots.append(_screenshot(page, tmp_path, f"{name}-{width}"))
            if name == "document":
                # The parties' names keep their width: no column squeezed to a character or two.
                for cell in page.locator("#roles-form tbody tr td:first-child").all()[:3]:
                    assert cell.bounding_box()["width"] >= 56, cell.bounding_box()
                label = page.locator("#roles-form tbody tr td:first-child strong").first
                assert label.bounding_box()["height"] < 60, "the party's label wraps a character per line"
    assert all(path.stat().st_size > 1000 for path in shots)


def test_the_clause_filter_offers_each_clause_once(page):
    review_id = STATE.get("single") or upload(page, [SAMPLES / MISSING_SAMPLE], "张三")
    page.goto(f"/reviews/{review_id}")
    page.locator("#documents tbody tr td:nth-child(2) a").first.click()
    options = page.locator("#clause-filter option").all_inner_texts()[1:]
    assert options and not [o for o in options if ";" in o or "；" in o], options
    several = page.locator(".finding[data-clauses*='|']").first
    if several.count():  # a finding citing two clauses shows under each
        for clause in several.get_attribute("data-clauses").split("|"):
            page.locator(".status-filter").evaluate_all("boxes => boxes.forEach(b => { b.checked = true; })")
            page.select_option("#clause-filter", clause)
            expect(several).to_be_visible()


@pytest.fixture(scope="module")
def team_server(tmp_path_factory):
    """A `contractkit serve` with named users (a users file made by `contractkit users add`)."""
    data_dir = tmp_path_factory.mktemp("team-data")
    users = data_dir.parent / f"{data_dir.name}.users"
    subprocess.run([sys.executable, "-m", "contractkit.cli", "users", "add", "张律师", "--users-file", str(users),
                    "--password-stdin"], input=b"lawyer-password\n", check=True, cwd=REPO)
    process, base, _ = start_serve(data_dir, "--jobs", "1", "--users-file", str(users))
    try:
        yield base
    finally:
        stop_serve(process)


def test_signing_in_and_out_with_a_named_user(browser, team_server, tmp_path):
    context = browser.new_context(base_url=team_server, locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        for width, height in WIDTHS.values():
            page.set_viewport_size({"width": width, "height": height})
            page.goto("/reviews")
            page.wait_for_url(re.compile(r"/login\?next=/reviews$"))
            # Someone not signed in sees the login form only: no menu, no 退出.
            expect(page.locator("header nav")).to_have_count(0)
            expect(page.get_by_role("button", name="退出")).to_have_count(0)
            _screenshot(page, tmp_path, f"login-{width}")
        page.fill("input[name=name]", "张律师")
        page.fill("input[name=password]", "wrong-password")
        page.get_by_role("button", name="登录").click()
        expect(page.locator("p.field-error")).to_have_text("用户名或密码不正确")
        page.fill("input[name=password]", "lawyer-password")
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(re.compile(r"/reviews$"))
        expect(page.locator("header nav .who")).to_have_text("张律师")
        cookies = {c["name"]: c for c in context.cookies()}
        assert cookies["contractkit_session"]["httpOnly"] and cookies["contractkit_session"]["sameSite"] == "Strict"
        page.get_by_role("button", name="退出").click()
        page.wait_for_url(re.compile(r"/login$"))
        page.goto("/reviews")
        page.wait_for_url(re.compile(r"/login\?next=/reviews$"))  # signed out on the server: the session ended
    finally:
        context.close()
