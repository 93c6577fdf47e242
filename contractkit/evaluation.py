"""Measure the checker on labelled contracts: precision and recall per requirement.

Two label formats are read:

- ``*.expected.yaml`` beside each contract (``samples/contracts``): the true
  roles and, per requirement, the status a lawyer gives it;
- ``labels.json`` + ``SOURCES.tsv`` (``../shared/dev-corpus``): per contract,
  which party sides exist and whether each item E1…E8 is present; items map to
  requirements through ``corpora/evaluation/dev-corpus-items.yaml``.

"Found" means satisfied or partial. Precision and recall are of *found*;
for per-status labels the exact-status agreement is reported as well.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from contractkit import resources

FOUND = {"satisfied", "partial"}


@dataclass(frozen=True)
class LabelledContract:
    path: Path
    roles: dict[str, list[str]]
    options: tuple[str, ...]
    expected: dict[str, str]  # key (requirement id or item) -> status, or "present"/"absent"
    items: dict[str, tuple[str, ...]] = field(default_factory=dict)  # item -> requirement ids
    pairs: tuple[str, ...] = ()


def load_samples(folder: Path) -> list[LabelledContract]:
    contracts = []
    for label_file in sorted(Path(folder).glob("*.expected.yaml")):
        data = yaml.safe_load(label_file.read_text(encoding="utf-8"))
        contracts.append(
            LabelledContract(
                path=label_file.parent / data["file"],
                roles={k: list(v) for k, v in data["roles"].items()},
                options=tuple(data.get("options") or ()),
                expected={rid: entry["status"] for rid, entry in data["results"].items()},
                pairs=tuple(data.get("pairs") or ()),
            )
        )
    return contracts


def load_labelled_corpus(folder: Path) -> list[LabelledContract]:
    folder = Path(folder)
    mapping = yaml.safe_load(
        (resources.corpora_dir() / "evaluation" / "dev-corpus-items.yaml").read_text(encoding="utf-8")
    )
    kinds = {}
    with (folder / "SOURCES.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            kinds[row["file"]] = row["kind"]
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    contracts = []
    for name, entry in sorted(labels.items()):
        partner_role = mapping["kinds"].get(kinds.get(name, "other"), "om")
        roles = {
            label: ["provider"] if side == "entrusting" else [partner_role]
            for label, side in entry["parties"].items()
        }
        contracts.append(
            LabelledContract(
                path=folder / name,
                roles=roles,
                options=(),
                expected={item: "present" if v["present"] else "absent" for item, v in entry["items"].items()},
                items={item: tuple(ids) for item, ids in mapping["items"].items()},
                pairs=(f"provider-{partner_role}",),
            )
        )
    return contracts


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    exact: int = 0
    total: int = 0

    def add(self, expected_found: bool, predicted_found: bool) -> None:
        if expected_found and predicted_found:
            self.tp += 1
        elif predicted_found:
            self.fp += 1
        elif expected_found:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


@dataclass
class EvaluationResult:
    name: str
    per_key: dict[str, Tally]
    role_inference: tuple[int, int]  # contracts whose pairs were inferred right, of all
    mistakes: list[str]

    def overall(self) -> Tally:
        total = Tally()
        for tally in self.per_key.values():
            for attr in ("tp", "fp", "fn", "tn", "exact", "total"):
                setattr(total, attr, getattr(total, attr) + getattr(tally, attr))
        return total

    def as_dict(self) -> dict:
        def row(t: Tally) -> dict:
            return {"tp": t.tp, "fp": t.fp, "fn": t.fn, "tn": t.tn, "precision": t.precision,
                    "recall": t.recall, "exact_status": t.exact, "labelled": t.total}

        return {
            "corpus": self.name,
            "overall": row(self.overall()),
            "per_requirement": {k: row(v) for k, v in sorted(self.per_key.items())},
            "role_inference": {"correct": self.role_inference[0], "of": self.role_inference[1]},
            "mistakes": self.mistakes,
        }


def evaluate(name: str, contracts: list[LabelledContract], engine=None) -> EvaluationResult:
    from contractkit.checker import Checker, CheckSettings
    from contractkit.understanding.nlp import SpacyJiebaEngine

    engine = engine or SpacyJiebaEngine()
    per_key: dict[str, Tally] = defaultdict(Tally)
    mistakes: list[str] = []
    roles_right = 0
    for contract in contracts:
        extra = tuple(sorted({r for ids in contract.items.values() for r in ids}))
        settings = CheckSettings(
            roles={k: tuple(v) for k, v in contract.roles.items()},
            options=frozenset(contract.options),
            suggestions=False,
            extra_requirements=extra,
        )
        report = Checker(settings, engine=engine).check_path(contract.path)
        if report.status != "ok":
            mistakes.append(f"{contract.path.name}: {report.error.message}")
            continue
        statuses = {f.requirement: f.status.value for f in report.findings}
        inferred = Checker(CheckSettings(suggestions=False), engine=engine).check_path(contract.path)
        if set(inferred.pairs) == set(contract.pairs):
            roles_right += 1
        else:
            mistakes.append(
                f"{contract.path.name}: inferred pairs {list(inferred.pairs)}, expected {list(contract.pairs)}"
            )
        for key, expected in contract.expected.items():
            tally = per_key[key]
            if contract.items:
                predicted = [statuses.get(r) for r in contract.items[key]]
                found = any(p in FOUND for p in predicted)
                want = expected == "present"
            else:
                predicted = [statuses.get(key)]
                found = predicted[0] in FOUND
                want = expected in FOUND
                tally.total += 1
                if predicted[0] == expected:
                    tally.exact += 1
                else:
                    mistakes.append(f"{contract.path.name}: {key} expected {expected}, got {predicted[0]}")
            tally.add(want, found)
            if contract.items and want != found:
                mistakes.append(f"{contract.path.name}: {key} expected {expected}, checker {'found' if found else 'did not find'} it")
    return EvaluationResult(name, dict(per_key), (roles_right, len(contracts)), mistakes)


def format_table(result: EvaluationResult) -> str:
    def pct(value) -> str:
        return "   —" if value is None else f"{value * 100:4.0f}%"

    lines = [f"{result.name}", f"{'requirement/item':<36} {'P':>5} {'R':>5}  tp fp fn tn  exact"]
    for key, t in sorted(result.per_key.items()):
        exact = f"{t.exact}/{t.total}" if t.total else ""
        lines.append(f"{key:<36} {pct(t.precision)} {pct(t.recall)}  {t.tp:2} {t.fp:2} {t.fn:2} {t.tn:2}  {exact}")
    o = result.overall()
    exact = f"{o.exact}/{o.total}" if o.total else ""
    lines.append(f"{'overall':<36} {pct(o.precision)} {pct(o.recall)}  {o.tp:2} {o.fp:2} {o.fn:2} {o.tn:2}  {exact}")
    lines.append(f"role inference: {result.role_inference[0]}/{result.role_inference[1]} contracts' pairs inferred right")
    return "\n".join(lines) + "\n"
