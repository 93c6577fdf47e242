"""Every generated .docx, rendered to PDF by LibreOffice as a lawyer would print it.

All variants are converted in one ``soffice`` run (scripts/setup-test-machine.sh installs
libreoffice-writer-nogui, fonts-noto-cjk and poppler-utils): each has a plausible page count, the
signature block shares its page with the end of the last article (never a page of signatures
alone), and every schedule starts a page of its own.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from generation_support import COMPLETE, PAIRS

import contractkit

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
pytestmark = pytest.mark.skipif(
    not (SOFFICE and PDFTOTEXT), reason="needs soffice and pdftotext: run scripts/setup-test-machine.sh")

# Drafts without options, filled documents with both options: every pair, kind and option is printed.
VARIANTS = {
    f"{'+'.join((pair, *roles))}-{kind}-{'filled' if filled else 'draft'}": (pair, roles, kind, filled)
    for pair, roles in PAIRS
    for kind in ("agreement", "annex")
    for filled in (False, True)
}
PAGES = {"agreement": (15, 40), "annex": (8, 30)}


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """name -> (document, pages' text) for every variant, converted in one LibreOffice run."""
    folder = tmp_path_factory.mktemp("pdf")
    documents = {}
    for name, (pair, roles, kind, filled) in VARIANTS.items():
        options = ("cii", "multi-cloud") if filled else ()
        parameters = COMPLETE if filled else {}
        documents[name] = contractkit.render_document(
            pair, extra_roles=roles, options=options, kind=kind, parameters=parameters)
        (folder / f"{name}.docx").write_bytes(contractkit.generate(
            pair, extra_roles=roles, options=options, kind=kind, parameters=parameters, format="docx"))
    profile = folder / "profile"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(folder), *sorted(str(p) for p in folder.glob("*.docx"))],
        check=True, capture_output=True, timeout=600,
    )
    result = {}
    for name, document in documents.items():
        text = subprocess.run([PDFTOTEXT, "-layout", str(folder / f"{name}.pdf"), "-"],
                              check=True, capture_output=True, text=True).stdout
        result[name] = (document, text.rstrip("\f").split("\f"))
    return result


@pytest.mark.parametrize("name", list(VARIANTS))
def test_page_count_is_plausible(printed, name):
    document, pages = printed[name]
    low, high = PAGES[document.kind]
    assert low <= len(pages) <= high, f"{name}: {len(pages)} pages"
    assert f"共 {len(pages)} 页" in pages[0].replace("\u3000", " ")


@pytest.mark.parametrize("name", list(VARIANTS))
def test_the_signature_block_never_stands_alone(printed, name):
    _, pages = printed[name]
    signed = [i for i, page in enumerate(pages) if "（盖章）" in page]
    assert len(signed) == 1, f"the signature block is split over pages {signed}"
    page = pages[signed[0]]
    assert "（以下无正文）" in page
    before = page.split("（以下无正文）")[0]
    assert len(re.findall(r"[\u4e00-\u9fff]", before)) >= 20, f"{name}: page {signed[0] + 1} holds only the signatures"


@pytest.mark.parametrize("name", list(VARIANTS))
def test_every_schedule_starts_a_page(printed, name):
    document, pages = printed[name]
    titles = [document.matrix.title] + [f"{s.label}\u3000{s.title}" for s in document.schedules]
    tops = [re.sub(r"\s+", "", page)[:40] for page in pages]
    for title in titles:
        compact = re.sub(r"\s+", "", title)
        assert any(top.startswith(compact) for top in tops), f"{name}: {title} does not start a page"


def test_page_counts_are_reported(printed, capsys):
    """The figures the README quotes (run with -s to see them)."""
    with capsys.disabled():
        print()
        for name, (_, pages) in printed.items():
            print(f"  {name}: {len(pages)} pages")
