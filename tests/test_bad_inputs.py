"""Proof under abuse: every bad input gets its own clear error, as a user of the CLI or the review service sees it.

For each crafted file (``bad_inputs.BAD_FILES``, all built when the tests run):

* ``contractkit check FILE`` alone exits 2 and names the file with its stable
  code (an ``ERROR_ADVICE`` key) and what to do;
* in a batch with good contracts, the good ones are still checked in full and
  the JSON report lists every file with its code; the batch runs in a
  subprocess whose wall time and peak RSS (the whole process tree, workers
  included, from ``os.wait4``) are bounded;
* uploaded to the review service, it becomes a document in status "error"
  with the same code, and the review finishes.

Then what goes wrong around the files: odd names, symlink loops, a file that
vanishes mid-batch, an output folder that is read-only or full (nothing
half-written left behind), and hostile template parameters for ``generate``.
The reading layer's own unit tests are in test_reading.py.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unicodedata
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from contractkit.checking.workers import PoolSettings
from contractkit.reading.errors import ERROR_ADVICE, ERROR_ADVICE_ZH

from bad_inputs import BAD_FILES, ODD_NAMES
from conftest import REPO
from service_support import running, settings_for, upload

SAMPLES = REPO / "samples" / "contracts"
GOOD = ("om-platform-maintenance.docx", "it-outsourcing-generic.txt")
ODD_SOURCE = "om-platform-maintenance.docx"  # the contract saved under each odd name
ENV = {**os.environ, "PYTHONPATH": str(REPO)}  # the checkout under test, not an installed copy
BAD_IDS = [bad.id for bad in BAD_FILES]
BY_ID = {bad.id: bad for bad in BAD_FILES}

WALL_SECONDS = 60
PEAK_RSS_MB = 1536


# ------------------------------------------------------------------ running the CLI


@dataclass
class Finished:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss_mb: float  # the largest RSS of the process or any descendant it waited for (the workers)


def contractkit(*args, cwd=None, timeout: float = 180, python_args=("-m", "contractkit"), env=None) -> Finished:
    """``contractkit ARGS`` in a subprocess, killed with its whole process group past ``timeout``.

    os.wait4 gives the child's resource usage including its reaped children:
    the same figure as getrusage(RUSAGE_CHILDREN), but for this run only.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        process = subprocess.Popen([sys.executable, *python_args, *map(str, args)], stdout=out, stderr=err,
                                   cwd=cwd, env={**ENV, **(env or {})}, start_new_session=True)
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > timeout:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                pytest.fail(f"contractkit {' '.join(map(str, args))} still running after {timeout} s")
            time.sleep(0.02)
        seconds = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        return Finished(process.returncode, out.read().decode("utf-8", "replace"),
                        err.read().decode("utf-8", "replace"), seconds, usage.ru_maxrss / 1024)


def no_traceback(result: Finished) -> None:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr


def leftovers(*folders: Path) -> list[Path]:
    """Temporary files write_atomic would leave if it failed to clean up."""
    return [p for folder in folders if folder.exists() for p in folder.rglob("*") if p.name.endswith(".part")]


# ------------------------------------------------------------------ the files


@pytest.fixture(scope="module")
def bad_bytes() -> dict[str, bytes]:
    return {bad.id: bad.build() for bad in BAD_FILES}


@pytest.fixture(scope="module")
def batch(tmp_path_factory, bad_bytes):
    """One batch run over every bad file, the good samples, odd names and symlink loops (shared by many tests)."""
    root = tmp_path_factory.mktemp("batch")
    folder = root / "contracts"
    folder.mkdir()
    for bad in BAD_FILES:
        (folder / bad.name).write_bytes(bad_bytes[bad.id])
    for name in GOOD:
        shutil.copy(SAMPLES / name, folder / name)
    odd = folder / "odd"
    odd.mkdir()
    for name in ODD_NAMES.values():
        shutil.copy(SAMPLES / ODD_SOURCE, odd / name)
    (folder / "sub").mkdir()
    (folder / "sub" / "loop").symlink_to(folder, target_is_directory=True)  # a folder loop: never followed
    (folder / "self-loop.docx").symlink_to("self-loop.docx")  # a file that is a loop: reported
    out = root / "out"
    out.mkdir()
    result = contractkit("check", folder, "--format", "json", "-o", out / "report.json",
                         "--annotate", out / "annotated", "--jobs", "2", "--timeout", str(WALL_SECONDS))
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    by_path = {Path(d["path"]): d for d in report["documents"]}
    return {"folder": folder, "out": out, "result": result, "report": report, "by_path": by_path}


@pytest.fixture(scope="module")
def alone(tmp_path_factory, bad_bytes):
    """``contractkit check FILE`` for each bad file by itself (two at a time: each is its own process)."""
    folder = tmp_path_factory.mktemp("alone")
    paths = {}
    for bad in BAD_FILES:
        paths[bad.id] = folder / bad.name
        paths[bad.id].write_bytes(bad_bytes[bad.id])
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = {bad_id: pool.submit(contractkit, "check", path, timeout=WALL_SECONDS) for bad_id, path in paths.items()}
        return {bad_id: (paths[bad_id], run.result()) for bad_id, run in runs.items()}


# ------------------------------------------------------------------ each bad file, alone


@pytest.mark.parametrize("bad_id", BAD_IDS)
def test_alone_exits_2_with_its_code_and_the_file_named(alone, bad_id):
    path, result = alone[bad_id]
    code = BY_ID[bad_id].code
    assert code in ERROR_ADVICE
    assert result.returncode == 2, result.stdout + result.stderr
    no_traceback(result)
    # the terminal report: "无法读取 [code] /path/name: what is wrong — what to do"
    line = next(line for line in result.stdout.splitlines() if f"[{code}]" in line)
    assert str(path) in line and ERROR_ADVICE[code] in line
    assert result.seconds < WALL_SECONDS


# ------------------------------------------------------------------ each bad file, in a batch


@pytest.mark.parametrize("bad_id", BAD_IDS)
def test_batch_reports_the_file_with_its_code(batch, bad_id):
    bad = BY_ID[bad_id]
    document = batch["by_path"][batch["folder"] / bad.name]
    assert document["status"] == "error"
    assert document["error"]["code"] == bad.code
    assert document["error"]["message"].startswith(f"{batch['folder'] / bad.name}: ")
    assert ERROR_ADVICE[bad.code] in document["error"]["message"]


def test_batch_checks_the_good_files_in_full_and_lists_every_file(batch):
    result, folder = batch["result"], batch["folder"]
    assert result.returncode == 2, result.stderr  # some files could not be read
    no_traceback(result)
    expected = ({folder / bad.name for bad in BAD_FILES} | {folder / name for name in GOOD}
                | {folder / "odd" / name for name in ODD_NAMES.values()} | {folder / "self-loop.docx"})
    assert set(batch["by_path"]) == expected  # nothing twice, nothing through sub/loop
    for name in GOOD:
        document = batch["by_path"][folder / name]
        assert document["status"] == "ok" and not document.get("error")
        assert document["pairs"] and len(document["results"]) >= 10
        assert all(r["status"] in ("satisfied", "partial", "missing", "contrary") for r in document["results"])


def test_batch_is_bounded_in_time_and_memory(batch):
    result = batch["result"]
    assert result.seconds < WALL_SECONDS, f"the batch took {result.seconds:.1f} s"
    assert result.peak_rss_mb < PEAK_RSS_MB, f"a process of the batch peaked at {result.peak_rss_mb:.0f} MB"


def test_batch_leaves_no_temporary_files(batch):
    assert leftovers(batch["folder"], batch["out"]) == []
    annotated = {p.name for p in (batch["out"] / "annotated").iterdir()}
    # only the Word contracts that were read get a copy: the good sample and the odd names
    assert len(annotated) == 1 + len(ODD_NAMES)


def test_symlink_loops(batch):
    folder = batch["folder"]
    assert not any("loop" in p.parts for p in batch["by_path"])  # the folder loop is not followed
    document = batch["by_path"][folder / "self-loop.docx"]
    assert document["error"]["code"] == "unreadable" and "self-loop.docx" in document["error"]["message"]
    alone = contractkit("check", folder / "self-loop.docx", "--format", "json", timeout=WALL_SECONDS)
    assert alone.returncode == 2 and json.loads(alone.stdout)["documents"][0]["error"]["code"] == "unreadable"


# ------------------------------------------------------------------ odd file names


@pytest.mark.parametrize("name_id", list(ODD_NAMES))
def test_odd_names_are_checked_and_annotated(batch, name_id):
    name = ODD_NAMES[name_id]
    document = batch["by_path"][batch["folder"] / "odd" / name]
    assert document["status"] == "ok" and document["results"]
    copies = list((batch["out"] / "annotated").iterdir())
    stem = Path(name).stem
    assert any(c.name.startswith(stem[:20]) and c.name.endswith(".annotated.docx") for c in copies)
    assert all(c.parent == batch["out"] / "annotated" and len(c.name.encode()) <= 255 for c in copies)


def test_odd_names_do_not_rewrite_the_terminal(batch):
    for control in ("\u202e", "\u202d", "\u2066"):  # bidi overrides and isolates
        assert control not in batch["result"].stderr


def test_a_file_named_like_an_option(tmp_path):
    shutil.copy(SAMPLES / ODD_SOURCE, tmp_path / "-o.docx")
    checked = contractkit("check", "--format", "json", "--", "-o.docx", cwd=tmp_path)
    assert checked.returncode in (0, 1), checked.stderr
    assert json.loads(checked.stdout)["documents"][0]["path"] == "-o.docx"
    mistaken = contractkit("check", "-o.docx", cwd=tmp_path)  # -o takes ".docx" as its value: no PATHS given
    assert mistaken.returncode == 2 and "Missing argument" in mistaken.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["-o.docx"]


def test_a_very_long_output_name_is_written(tmp_path):
    name = "长" * 83 + ".json"  # 254 bytes: room for no temporary suffix
    result = contractkit("check", SAMPLES / "saas-click-through.md", "-o", tmp_path / name)
    assert result.returncode in (0, 1), result.stderr
    assert [p.name for p in tmp_path.iterdir()] == [name]


# ------------------------------------------------------------------ a file that goes away


VANISHING = """
import os, sys
import contractkit.checking.batch as batch

collect = batch.collect


def collect_then_delete(*args, **kwargs):
    files = collect(*args, **kwargs)
    os.unlink(os.environ["CONTRACTKIT_TEST_VANISH"])  # collected, and no worker has read it yet
    return files


batch.collect = collect_then_delete
from contractkit.cli import main

main(prog_name="contractkit")
"""


def test_a_file_deleted_after_collection_is_reported_and_the_batch_goes_on(tmp_path):
    for name in GOOD:
        shutil.copy(SAMPLES / name, tmp_path / name)
    victim = tmp_path / "vanishing.docx"
    shutil.copy(SAMPLES / ODD_SOURCE, victim)
    result = contractkit("check", tmp_path, "--format", "json", "--jobs", "2", python_args=("-c", VANISHING),
                         env={"CONTRACTKIT_TEST_VANISH": str(victim)})
    assert result.returncode == 2, result.stderr
    no_traceback(result)
    by_name = {Path(d["path"]).name: d for d in json.loads(result.stdout)["documents"]}
    assert by_name["vanishing.docx"]["error"]["code"] == "not-found"
    assert by_name["vanishing.docx"]["error"]["message"].startswith(f"{victim}: ")
    assert all(by_name[name]["status"] == "ok" for name in GOOD)


# ------------------------------------------------------------------ outputs that cannot be written

# Runs python with permission checks enforced even for root (which ignores
# file modes unless it gives up these capabilities) and, optionally, a file
# size limit: writes past it fail with EFBIG, as on a full disk (Python
# ignores SIGXFSZ). Exit status 77: the sandbox could not be set up.
RESTRICTED = """
import ctypes, os, resource, sys
if os.geteuid() == 0:
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP; takes effect at exec
            sys.exit(77)
limit = int(os.environ.get("CONTRACTKIT_TEST_FSIZE", "0"))
if limit:
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
os.execv(sys.executable, [sys.executable, *sys.argv[1:]])
"""


def restricted(*args, fsize: int = 0, cwd=None) -> subprocess.CompletedProcess:
    env = {**ENV, "CONTRACTKIT_TEST_FSIZE": str(fsize)}
    return subprocess.run([sys.executable, "-c", RESTRICTED, *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=180)


@pytest.fixture
def read_only(tmp_path):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    probe = restricted("-c", "import sys; open(sys.argv[1], 'w')", folder / "probe")
    if probe.returncode == 77 or probe.returncode == 0:
        folder.chmod(0o755)
        pytest.skip("cannot make a folder read-only for this user here")
    yield folder
    folder.chmod(0o755)


def test_read_only_folder_for_the_report(read_only):
    result = restricted("-m", "contractkit", "check", SAMPLES / ODD_SOURCE, "-o", read_only / "report.json")
    assert result.returncode == 2
    assert f"Error: {read_only / 'report.json'}: Permission denied" in result.stderr  # not a temporary name
    assert "Traceback" not in result.stderr
    assert list(read_only.iterdir()) == []


def test_read_only_folder_for_annotated_copies_keeps_the_report(read_only, tmp_path):
    report = tmp_path / "report.json"
    result = restricted("-m", "contractkit", "check", SAMPLES / ODD_SOURCE, SAMPLES / "gov-cloud-service.docx",
                        "--annotate", read_only, "-o", report)
    assert result.returncode == 2
    assert f"not annotated: {read_only}/" in result.stderr and "Permission denied" in result.stderr
    assert result.stderr.count("not annotated") == 1  # it stops at the first: the rest would fail alike
    assert list(read_only.iterdir()) == []
    documents = json.loads(report.read_text(encoding="utf-8"))["documents"]  # the run's report is not lost
    assert [d["status"] for d in documents] == ["ok", "ok"]


def test_annotated_copies_into_a_folder_that_cannot_be_made(read_only, tmp_path):
    result = restricted("-m", "contractkit", "check", SAMPLES / ODD_SOURCE, "--annotate", read_only / "new", "-q")
    assert result.returncode == 2
    assert f"not annotated: {read_only / 'new'}: Permission denied" in result.stderr
    assert ODD_SOURCE in result.stdout  # the terminal report still comes out
    assert list(read_only.iterdir()) == []


FULL = 16 * 1024  # bytes any one file may grow to: less than a report or an annotated copy


def test_full_disk_while_writing_the_report(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    result = restricted("-m", "contractkit", "check", SAMPLES / ODD_SOURCE, "-o", out / "report.json", fsize=FULL)
    assert result.returncode == 2
    assert f"Error: {out / 'report.json'}: File too large" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(out.iterdir()) == []  # neither the report nor a half-written temporary file


def test_full_disk_while_writing_annotated_copies(tmp_path):
    out = tmp_path / "annotated"
    result = restricted("-m", "contractkit", "check", SAMPLES / ODD_SOURCE, "--annotate", out, "-q", fsize=FULL)
    assert result.returncode == 2
    assert f"not annotated: {out / 'om-platform-maintenance.annotated.docx'}: File too large" in result.stderr
    assert ODD_SOURCE in result.stdout
    assert list(out.iterdir()) == []


def test_full_disk_while_generating(tmp_path):
    result = restricted("-m", "contractkit", "generate", "provider-om", "-o", tmp_path / "a.docx", fsize=FULL)
    assert result.returncode == 2 and f"{tmp_path / 'a.docx'}: File too large" in result.stderr
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ the review service


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    home = tmp_path_factory.mktemp("service")
    data_dir = home / "data"
    with running(settings_for(data_dir, pool=PoolSettings(jobs=2, timeout=WALL_SECONDS))) as client:
        client.home, client.data_dir = home, data_dir
        yield client


@pytest.fixture(scope="module")
def web_review(service, bad_bytes):
    files = [(bad.name, bad_bytes[bad.id]) for bad in BAD_FILES] + [(n, (SAMPLES / n).read_bytes()) for n in GOOD]
    started = time.monotonic()
    response = upload(service, files)
    assert response.status_code == 201, response.text
    review = response.json()
    review["seconds"] = time.monotonic() - started
    return review


@pytest.mark.parametrize("bad_id", BAD_IDS)
def test_web_upload_gives_the_same_code(web_review, bad_id):
    bad = BY_ID[bad_id]
    (document,) = [d for d in web_review["documents"] if d["name"] == bad.name]
    assert document["status"] == "error"
    assert document["error"]["code"] == bad.code
    message = document["error"]["message"]
    assert message.startswith(f"{bad.name}：") and "uploads" not in message  # the user's name, not our path


def test_web_review_finishes_and_checks_the_good_files(service, web_review):
    assert web_review["finished"] and web_review["seconds"] < WALL_SECONDS
    assert web_review["totals"]["errors"] == len(BAD_FILES)
    for name in GOOD:
        (document,) = [d for d in web_review["documents"] if d["name"] == name]
        assert document["status"] == "done" and document["pairs"]
    page = service.get(f"/reviews/{web_review['id']}", headers={"accept": "text/html"}).text
    for code in {bad.code for bad in BAD_FILES}:
        assert ERROR_ADVICE_ZH[code] in page


WEB_ODD_NAMES = {**ODD_NAMES, "dot-dot-slash": "../../逃逸.docx", "absolute": "/etc/cron.d/合同.docx",
                 "newline": "合同\r\nX-Injected: 1.docx", "markup": "<img src=x onerror=alert(1)>.docx"}


def test_web_odd_names_are_sanitised_labels_and_never_paths(service):
    before = sorted(p.name for p in service.home.iterdir())
    contract = (SAMPLES / ODD_SOURCE).read_bytes()
    review = upload(service, [(name, contract) for name in WEB_ODD_NAMES.values()]).json()
    names = [d["name"] for d in review["documents"]]
    assert len(names) == len(WEB_ODD_NAMES)
    for document in review["documents"]:
        name = document["name"]
        assert document["status"] == "done", document
        assert not any(unicodedata.category(c).startswith("C") for c in name), repr(name)
        assert "\\" not in name and not name.startswith("/") and ".." not in name.split("/")
        assert len(name) <= 255
        original = service.get(f"/api/documents/{document['id']}/original")
        assert original.content == contract
        assert not re.search(r"[\x00-\x1f\x7f]", original.headers["content-disposition"])
    assert "合同xcod.exe.docx" in names and "逃逸.docx" in names  # the bidi override is gone
    page = service.get(f"/reviews/{review['id']}", headers={"accept": "text/html"}).text
    assert "<img src=x" not in page and "&lt;img src=x" in page
    # stored under generated names only, and nothing outside the data folder
    assert sorted(p.name for p in service.home.iterdir()) == before
    stored = [p.relative_to(service.data_dir / "uploads") for p in (service.data_dir / "uploads").rglob("*")
              if p.is_file()]
    assert stored and all(re.fullmatch(r"[0-9a-f]{32}/[0-9a-f]{32}(\.[a-z0-9]+)+", p.as_posix()) for p in stored)


# ------------------------------------------------------------------ hostile template parameters

NASTY = "A&B <公司> \"双引号\" '单引号' {{ provider_name }} {% if true %}X{% endif %} &amp; &lt;b&gt; ]]> \\n"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    from click.testing import CliRunner

    from contractkit.cli import main

    folder = tmp_path_factory.mktemp("generated")
    outputs = {}
    for fmt in ("docx", "md", "txt"):
        target = folder / f"agreement.{fmt}"
        result = CliRunner().invoke(main, ["generate", "provider-om", "--set", f"provider_name={NASTY}",
                                           "--set", f"service_description={NASTY}", "-o", str(target)])
        assert result.exit_code == 0, result.output
        outputs[fmt] = target
    return outputs


def test_docx_keeps_markup_literal_and_escaped(generated):
    from docx import Document
    from lxml import etree

    with zipfile.ZipFile(generated["docx"]) as package:
        xml = package.read("word/document.xml")
    etree.fromstring(xml)  # well-formed
    assert b"A&amp;B &lt;\xe5\x85\xac\xe5\x8f\xb8&gt;" in xml and b"&amp;amp;" in xml
    paragraphs = [p.text for p in Document(generated["docx"]).paragraphs]
    assert sum(NASTY in text for text in paragraphs) >= 2  # the party block and the service clause
    assert "{{ provider_name }}" in "\n".join(paragraphs)  # not evaluated as a template


def test_text_keeps_markup_literal(generated):
    text = generated["txt"].read_text(encoding="utf-8")
    assert text.count(NASTY) >= 2


def test_markdown_renders_the_value_as_typed(generated):
    markdown_it = pytest.importorskip("markdown_it")
    import html

    source = generated["md"].read_text(encoding="utf-8")
    rendered = markdown_it.MarkdownIt("commonmark").render(source)
    shown = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    assert shown.count(NASTY) >= 2


def test_reading_the_generated_files_back_gives_the_value(generated):
    from contractkit.reading import read_document

    for fmt, path in generated.items():
        texts = [block.text for block in read_document(path).blocks]
        assert any(NASTY in text for text in texts), fmt


@pytest.mark.parametrize("assignment, fragment", [
    ("provider_name=" + "长" * 121, "'provider_name': is 121 characters long; at most 120 allowed"),
    ("service_description=" + "x" * 100_000, "'service_description': is 100000 characters long"),
    ("critical_fix_days=" + "9" * 5000, "'critical_fix_days': expected a whole number, got one of 5000 digits"),
    ("critical_fix_days=" + "x" * 5000, "'critical_fix_days': expected a whole number"),
    ("sla_availability=" + "9" * 5000, "'sla_availability': 999"),
    ("n" * 100_000 + "=1", "unknown parameter"),
], ids=["long-text", "huge-text", "huge-integer", "long-non-integer", "huge-percent", "huge-name"])
@pytest.mark.parametrize("fmt", ["docx", "md", "txt"])
def test_over_long_values_are_a_clear_parameter_error(tmp_path, assignment, fragment, fmt):
    from click.testing import CliRunner

    from contractkit.cli import main

    output = str(tmp_path / f"a.{fmt}")
    result = CliRunner().invoke(main, ["generate", "provider-om", "--set", assignment, "-o", output])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)  # no traceback
    assert fragment in result.output and len(result.output) < 2000  # says which, without echoing 100 KB back
    assert list(tmp_path.iterdir()) == []
