"""Check the sample contracts against their ``*.expected.yaml`` files.

    python samples/contracts/check_expected.py

For every expected file it checks that:

- the contract file exists and holds the same paragraphs as its source in
  ``src/`` (Word list numbers aside), 40 to 120 of them;
- ``pairs`` and ``options`` are known to the catalogue and ``roles`` use the
  catalogue's role ids;
- ``results`` lists exactly the requirements the catalogue applies to those
  pairs and options, each with a valid status;
- every satisfied / partial / contrary result has a quote that is an exact
  substring of one paragraph (or table cell) of the contract, and missing
  results have none.

Exits non-zero and lists the problems if anything is wrong.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import yaml
from docx import Document

HERE = Path(__file__).resolve().parent
CATALOGUE = HERE.parents[1] / "corpora" / "requirements" / "t-ccia-004-2024.yaml"
STATUSES = {"satisfied", "partial", "missing", "contrary"}
NUMBER_PREFIX = re.compile(r"^(第[一二三四五六七八九十]+条[\s\u3000]*|（[一二三四五六七八九十]+）)")


def contract_paragraphs(path: Path) -> list[str]:
    """The contract's paragraphs and table cells as plain text."""
    if path.suffix == ".docx":
        doc = Document(str(path))
        texts = [p.text for p in doc.paragraphs]
        for table in doc.tables:
            for row in table.rows:
                texts.extend(cell.text for cell in row.cells)
        return [t for t in texts if t.strip()]
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        text = text.replace("**", "")
        text = re.sub(r"^#+\s*", "", text, flags=re.M)
    return [line for line in text.splitlines() if line.strip()]


def source_lines(name: str) -> list[str]:
    return [line for line in (HERE / "src" / f"{name}.txt").read_text(encoding="utf-8").splitlines() if line.strip()]


def applicable(catalogue: dict, pairs: set[str], options: set[str]) -> list[str]:
    return [
        r["id"] for r in catalogue["requirements"]
        if set(r["pairs"]) & pairs and (not r.get("condition") or r["condition"] in options)
    ]


def check(path: Path, catalogue: dict) -> tuple[list[str], Counter]:
    problems: list[str] = []
    exp = yaml.safe_load(path.read_text(encoding="utf-8"))
    name = path.name[: -len(".expected.yaml")]
    contract = HERE / exp["file"]
    if not contract.exists():
        return [f"{path.name}: {exp['file']} does not exist"], Counter()
    if Path(exp["file"]).stem != name:
        problems.append(f"{path.name}: file {exp['file']} does not match the expected file's name")

    paragraphs = contract_paragraphs(contract)
    lines = source_lines(name)
    prose = [line for line in lines if not line.startswith("|")]
    if not 40 <= len(prose) <= 120:
        problems.append(f"{name}: {len(prose)} paragraphs, expected 40-120")
    joined = set(paragraphs)
    for line in lines:
        if line.startswith("|"):
            cells = [c for c in line[1:].split("|") if c]
            missing = [c for c in cells if c not in joined]
            if missing:
                problems.append(f"{name}: table cells not in {contract.name}: {missing}")
        elif line not in joined and NUMBER_PREFIX.sub("", line) not in joined:
            problems.append(f"{name}: source line not in {contract.name}: {line[:40]}")

    pair_ids = {p["id"] for p in catalogue["pairs"]}
    role_ids = {r["id"] for r in catalogue["roles"]}
    option_ids = {c["id"] for c in catalogue["conditions"]}
    pairs, options = set(exp["pairs"]), set(exp.get("options") or [])
    if pairs - pair_ids:
        problems.append(f"{name}: unknown pairs {sorted(pairs - pair_ids)}")
    if options - option_ids:
        problems.append(f"{name}: unknown options {sorted(options - option_ids)}")
    roles_used = {role for roles in exp["roles"].values() for role in roles}
    if roles_used - role_ids:
        problems.append(f"{name}: unknown roles {sorted(roles_used - role_ids)}")
    for pair in catalogue["pairs"]:
        if pair["id"] in pairs and not set(pair["roles"]) <= roles_used:
            problems.append(f"{name}: pair {pair['id']} needs roles {pair['roles']}")
    for label in exp["roles"]:
        if not any(label in p for p in paragraphs[:15]):
            problems.append(f"{name}: role label {label} not in the party block")

    wanted = applicable(catalogue, pairs, options)
    results = exp["results"]
    if set(results) != set(wanted):
        extra, absent = sorted(set(results) - set(wanted)), sorted(set(wanted) - set(results))
        problems.append(f"{name}: results differ from the catalogue: extra {extra}, absent {absent}")
    counts: Counter = Counter()
    for rid, result in results.items():
        status = result.get("status")
        counts[status] += 1
        if status not in STATUSES:
            problems.append(f"{name}: {rid}: bad status {status!r}")
            continue
        quote = result.get("quote")
        if status == "missing":
            if quote:
                problems.append(f"{name}: {rid}: a missing result carries a quote")
            continue
        if not quote:
            problems.append(f"{name}: {rid}: {status} without a quote")
        elif not any(quote in p for p in paragraphs):
            problems.append(f"{name}: {rid}: quote not found: {quote}")
        if status in ("partial", "contrary") and not result.get("note"):
            problems.append(f"{name}: {rid}: {status} without a note")
    return problems, counts


def main() -> int:
    catalogue = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    problems: list[str] = []
    files = sorted(HERE.glob("*.expected.yaml"))
    print(f"{'contract':32} {'pairs':38} sat par mis con")
    for path in files:
        found, counts = check(path, catalogue)
        problems += found
        exp = yaml.safe_load(path.read_text(encoding="utf-8"))
        pairs = ",".join(exp["pairs"]) + ("+" + ",".join(exp["options"]) if exp.get("options") else "")
        print(f"{exp['file']:32} {pairs:38} {counts['satisfied']:3} {counts['partial']:3} "
              f"{counts['missing']:3} {counts['contrary']:3}")
    for problem in problems:
        print("PROBLEM:", problem)
    print(f"{len(files)} expected files, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
