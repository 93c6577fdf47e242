"""Measure the checker on labelled contracts: precision and recall per requirement,
and how often it gives each party the right roles.

Two label formats are read:

- ``*.expected.yaml`` beside each contract (``samples/contracts``): the true
  roles and, per requirement, the status a lawyer gives it;
- ``labels.json`` + ``SOURCES.tsv`` (``../shared/dev-corpus``): per contract,
  which party sides exist, the roles of each party label and whether each item
  E1…E8 is present; items map to requirements through
  ``corpora/evaluation/dev-corpus-items.yaml``;
- a cases file (``corpora/evaluation/blind-cases.yaml``): short hand-written
  texts, each with its roles, one requirement and the status it must get.

"Found" means satisfied or partial. Precision and recall are of *found*;
for per-status labels the exact-status agreement is reported as well. Items
are judged with the roles given, so they measure the rules alone.

Role accuracy is measured with no roles given: each labelled party label must
be carried (as label, alias or name) by a reported party with exactly the
labelled roles, and no other reported party may hold a role. Optionally it is
measured again with our organisation named (``--as``), as a provider's lawyer
would run it.
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from contractkit import resources

FOUND = {"satisfied", "partial"}
ROLE_OUTCOMES = ("exact", "partly", "none")
# A label ending so names an organisation (上海七牛信息技术有限公司, 重庆邮电大学) …
ORGANISATION_ENDINGS = ("公司", "集团", "大学", "学院", "学校", "医院", "研究院", "研究所", "中心",
                        "委员会", "局", "厅", "银行")
# … one ending so only says which side a party is on (甲方, 被许可人, 供应商, 承担单位, 业主, 您).
DESIGNATION_ENDINGS = ("方", "人", "商", "单位", "机构", "业主", "用户", "客户", "您")


@dataclass(frozen=True)
class LabelledContract:
    path: Path
    roles: dict[str, list[str]]  # given to the checker when judging items
    options: tuple[str, ...]
    expected: dict[str, str]  # key (requirement id or item) -> status, or "present"/"absent"
    items: dict[str, tuple[str, ...]] = field(default_factory=dict)  # item -> requirement ids
    role_labels: dict[str, tuple[str, ...]] = field(default_factory=dict)  # party label -> its true roles
    # Requirements judged whatever the options: a case asserts that its requirement applies (a 多云
    # case need not use the words that switch the multi-cloud items on).
    judged: tuple[str, ...] = ()


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
                role_labels={k: tuple(v) for k, v in data["roles"].items()},
            )
        )
    return contracts


def read_cases(path: Path) -> list[dict]:
    """A cases file (a YAML list of {id, requirement, roles, text, expect}), each case checked for its keys."""
    cases = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(cases, list):
        raise ValueError(f"{path}: expected a list of cases")
    for number, case in enumerate(cases, 1):
        missing = {"id", "requirement", "roles", "text", "expect"} - set(case or {})
        if missing:
            raise ValueError(f"{path}: case {number} lacks {', '.join(sorted(missing))}")
    return cases


def load_cases(path: Path, workdir: Path) -> list[LabelledContract]:
    """A cases file's cases, each text written to ``workdir`` as a contract of its own, so that it is
    read like any file."""
    contracts = []
    for number, case in enumerate(read_cases(path), 1):
        contract = Path(workdir) / f"{number:03d}-{case['id']}.txt"
        contract.write_text(case["text"], encoding="utf-8")
        contracts.append(LabelledContract(
            path=contract, roles={k: list(v) for k, v in case["roles"].items()},
            options=tuple(case.get("options") or ()), expected={case["requirement"]: case["expect"]},
            judged=(case["requirement"],),
        ))
    return contracts


def _source_kinds(path: Path) -> dict[str, str]:
    """file -> kind from SOURCES.tsv (the partner's kind of work); empty when the file or its ``kind``
    column is absent (then the labels' own roles say it)."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        if "file" not in (reader.fieldnames or ()):
            raise ValueError(f"{path}: no 'file' column (found: {', '.join(reader.fieldnames or ()) or 'none'})")
        if "kind" not in (reader.fieldnames or ()):
            return {}
        return {row["file"]: row["kind"] for row in reader if row.get("kind")}


def _labelled_partner_role(entry: dict) -> str | None:
    """The first partner role the labels give a performing party, if any."""
    for label, side in entry.get("parties", {}).items():
        if side == "performing":
            partner = [r for r in (entry.get("roles") or {}).get(label, ()) if r not in ("provider", "customer")]
            if partner:
                return partner[0]
    return None


def load_labelled_corpus(folder: Path) -> list[LabelledContract]:
    folder = Path(folder)
    mapping = yaml.safe_load(
        (resources.corpora_dir() / "evaluation" / "dev-corpus-items.yaml").read_text(encoding="utf-8")
    )
    kinds = _source_kinds(folder / "SOURCES.tsv")
    labels_path = folder / "labels.json"
    try:
        labels = json.loads(labels_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"{labels_path}: no such file (a labelled folder holds labels.json)") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{labels_path}: not valid JSON ({exc})") from None
    contracts = []
    for name, entry in sorted(labels.items()):
        partner_role = (mapping["kinds"].get(kinds[name], "om") if name in kinds
                        else _labelled_partner_role(entry) or mapping["kinds"]["other"])
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
                role_labels={label: tuple(r) for label, r in (entry.get("roles") or {}).items()},
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

    @property
    def accuracy(self) -> float | None:
        """Items judged right (found or not found as labelled)."""
        n = self.tp + self.fp + self.fn + self.tn
        return (self.tp + self.tn) / n if n else None

    # A flag is what a lawyer acts on: an item reported missing or contrary (not found).
    @property
    def flag_precision(self) -> float | None:
        return self.tn / (self.tn + self.fn) if self.tn + self.fn else None

    @property
    def flag_recall(self) -> float | None:
        return self.tn / (self.tn + self.fp) if self.tn + self.fp else None


# ---------------------------------------------------------------- roles
@dataclass(frozen=True)
class LabelOutcome:
    """One labelled party label: the roles it should have and those the checker gave it."""

    label: str
    expected: tuple[str, ...]
    got: tuple[str, ...] | None  # None: no reported party goes by this label

    @property
    def right(self) -> bool:
        return self.got is not None and set(self.got) == set(self.expected)

    def as_dict(self) -> dict:
        return {"label": self.label, "expected": list(self.expected),
                "got": None if self.got is None else list(self.got), "right": self.right}


@dataclass(frozen=True)
class RoleOutcome:
    """How the checker's roles for one contract compare with the labels."""

    document: str
    status: str  # the report's: ok, roles-unknown, error
    labels: tuple[LabelOutcome, ...]
    extras: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (party, roles) holding a role no label names
    organisation: str | None = None  # the name given as our organisation (--as), if any

    @property
    def outcome(self) -> str:
        right = sum(label.right for label in self.labels)
        if self.status != "ok" or not right:
            return "none"
        return "exact" if right == len(self.labels) and not self.extras else "partly"

    def as_dict(self) -> dict:
        data = {
            "document": self.document,
            "outcome": self.outcome,
            "status": self.status,
            "labels": [label.as_dict() for label in self.labels],
            "extra": [{"party": party, "roles": list(roles)} for party, roles in self.extras],
        }
        if self.organisation is not None:
            data["as"] = self.organisation
        return data


def role_outcome(document: str, labelled: Mapping[str, Sequence[str]], report, organisation: str | None = None
                 ) -> RoleOutcome:
    """Compare the parties of a ``DocumentReport`` with the labelled roles of each party label."""
    parties = report.parties  # shown even when roles-unknown; the outcome is then "none" anyway

    def names(party) -> set[str]:
        return {party.label, *party.aliases} | ({party.name} if party.name else set())

    def carrying(label):
        return (next((p for p in parties if p.label == label), None)
                or next((p for p in parties if label in names(p)), None))

    labels = tuple(
        LabelOutcome(label, tuple(expected), None if party is None else tuple(party.roles))
        for label, expected in labelled.items()
        for party in [carrying(label)]
    )
    extras = tuple(
        (f"{p.label}（{p.name}）" if p.name and p.name != p.label else p.label, tuple(p.roles))
        for p in parties
        if p.roles and not names(p) & set(labelled)
    )
    return RoleOutcome(document, report.status, labels, extras, organisation)


def role_totals(outcomes: Sequence[RoleOutcome]) -> dict[str, int]:
    """How many contracts came out exact, partly and none, of how many."""
    counts = Counter(o.outcome for o in outcomes)
    return {**{name: counts[name] for name in ROLE_OUTCOMES}, "of": len(outcomes)}


def organisation_name(labelled: Mapping[str, Sequence[str]]) -> str | None:
    """The name a provider's lawyer would give as ``--as``: the provider's longest label that
    names an organisation (…有限公司, …大学), else its first label that is more than a side
    (腾讯云, not 甲方 or 业主); None when it has no such label."""
    providers = [label for label, roles in labelled.items() if "provider" in roles]
    named = [label for label in providers if label.endswith(ORGANISATION_ENDINGS)]
    if named:
        return max(named, key=len)
    return next((label for label in providers if not label.endswith(DESIGNATION_ENDINGS)), None)


def _appears_in(name: str, path: Path) -> bool:
    from contractkit.reading import read_document
    from contractkit.reading.errors import ReadError

    try:
        return name in read_document(path).text
    except ReadError:
        return False


@dataclass
class EvaluationResult:
    name: str
    per_key: dict[str, Tally]
    mistakes: list[str]
    roles: list[RoleOutcome] = field(default_factory=list)  # no roles given
    roles_as: list[RoleOutcome] | None = None  # our organisation named (--as), eligible contracts only
    engine: str = ""  # the language engine measured (nlp or terms)
    clause_model: str = ""  # how the clause model took part: "off", "shipped" or "held out: …"

    def overall(self) -> Tally:
        total = Tally()
        for tally in self.per_key.values():
            for attr in ("tp", "fp", "fn", "tn", "exact", "total"):
                setattr(total, attr, getattr(total, attr) + getattr(tally, attr))
        return total

    def as_dict(self) -> dict:
        def row(t: Tally) -> dict:
            return {"tp": t.tp, "fp": t.fp, "fn": t.fn, "tn": t.tn, "precision": t.precision,
                    "recall": t.recall, "flag_precision": t.flag_precision, "flag_recall": t.flag_recall,
                    "accuracy": t.accuracy, "exact_status": t.exact, "labelled": t.total}

        def roles(outcomes: list[RoleOutcome]) -> dict:
            return {"documents": [o.as_dict() for o in outcomes], "totals": role_totals(outcomes)}

        role_accuracy = roles(self.roles)
        if self.roles_as is not None:
            role_accuracy["with_as"] = {"eligible": len(self.roles_as), "of": len(self.roles), **roles(self.roles_as)}
        return {
            "corpus": self.name,
            "engine": self.engine,
            "clause_model": self.clause_model,
            "overall": row(self.overall()),
            "per_requirement": {k: row(v) for k, v in sorted(self.per_key.items())},
            "role_accuracy": role_accuracy,
            "mistakes": self.mistakes,
        }


def evaluate(name: str, contracts: list[LabelledContract], engine=None, as_provider: bool = False,
             without: frozenset[str] = frozenset(), clause_model: bool = True, standard=None,
             clause_model_use: str = "") -> EvaluationResult:
    """Judge items with the labelled roles given; measure roles with none given and, with
    ``as_provider``, with the provider's organisation name from the labels given as ``--as``;
    ``without``: context readers left out (an ablation, see contractkit.checking.CONTEXT_READERS);
    ``clause_model``: False leaves the clause model out; ``standard``: one with another clause model
    (``held_out_standard``), described by ``clause_model_use``."""
    from contractkit.checking.checker import Checker, CheckSettings
    from contractkit.checking.understanding.nlp import make_engine
    from contractkit.organisation import Organisation

    engine = engine or make_engine()
    if not clause_model:
        clause_model_use = "off"
    elif engine.tokens("") is None:
        clause_model_use = "off (the engine has no words)"
    per_key: dict[str, Tally] = defaultdict(Tally)
    mistakes: list[str] = []
    roles: list[RoleOutcome] = []
    roles_as: list[RoleOutcome] | None = [] if as_provider else None
    unaided = Checker(CheckSettings(suggestions=False, clause_model=clause_model), engine=engine, standard=standard)
    for contract in contracts:
        if contract.role_labels:
            document, labelled = contract.path.name, contract.role_labels
            roles.append(role_outcome(document, labelled, unaided.check_path(contract.path)))
            ours = organisation_name(labelled) if as_provider else None
            if ours and roles_as is not None and _appears_in(ours, contract.path):
                settings = CheckSettings(suggestions=False, organisation=Organisation(names=(ours,), role="provider"),
                                         clause_model=clause_model)
                report = Checker(settings, engine=engine, standard=standard).check_path(contract.path)
                roles_as.append(role_outcome(document, labelled, report, organisation=ours))
        extra = tuple(sorted({r for ids in contract.items.values() for r in ids} | set(contract.judged)))
        settings = CheckSettings(
            roles={k: tuple(v) for k, v in contract.roles.items()},
            options=frozenset(contract.options),
            suggestions=False,
            extra_requirements=extra,
            without=without,
            clause_model=clause_model,
        )
        report = Checker(settings, engine=engine, standard=standard).check_path(contract.path)
        if report.status != "ok":
            # an error, or roles-unknown (no error: the roles could not be determined, nothing judged)
            mistakes.append(f"{contract.path.name}: {report.error.message if report.error else report.status}")
            continue
        statuses = {f.requirement: f.status.value for f in report.findings}
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
                verdict = "found" if found else "did not find"
                mistakes.append(f"{contract.path.name}: {key} expected {expected}, checker {verdict} it")
    return EvaluationResult(name, dict(per_key), mistakes, roles, roles_as, getattr(engine, "kind", ""),
                            clause_model_use or "shipped")


def held_out_standard(cases_file: Path, engine=None, standard=None, examples=None):
    """The standard to measure a cases file with: when its clause model learned from that file, the
    same standard with a model retrained without it (a model is never measured on what it learned
    from); and how the model takes part ("shipped", "none" or "held out: …"). ``examples``: the
    training clauses already judged by the rules (``training.examples_from``), to skip judging them."""
    from contractkit.checking.clause_model import training
    from contractkit.standard import default_standard

    standard = standard or default_standard()
    model = standard.clause_model
    if model is None:
        return standard, "none"
    learned = [standard.manifest_path.parent / f for f in model.training.files]
    if not any(_same_file(path, cases_file) for path in learned):
        return standard, "shipped"
    kept = [path for path in learned if not _same_file(path, cases_file)]
    if examples is not None:
        examples = [e for e in examples if e.origin != Path(cases_file).name]
    retrained = training.train(kept, engine=engine, settings=training.Settings.of(model), examples=examples,
                               rule_examples=model.training.rule_examples)
    use = f"held out: retrained without {Path(cases_file).name} on {retrained.training.cases} cases"
    return standard.with_clause_model(retrained), use


def _same_file(a: Path, b: Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve() or Path(a).samefile(b)
    except OSError:
        return False


# ---------------------------------------------------------------- formatting
def format_table(result: EvaluationResult) -> str:
    def pct(value) -> str:
        return "   —" if value is None else f"{value * 100:4.0f}%"

    title = f"{result.name} (engine: {result.engine})" if result.engine else result.name
    if result.clause_model:
        title += f"\nclause model: {result.clause_model}"
    # P/R: of items reported found; flag P/R: of items flagged missing or contrary; acc: items right.
    lines = [title, f"{'requirement/item':<36} {'P':>5} {'R':>5} {'flagP':>5} {'flagR':>5} {'acc':>5}"
                    f"  tp fp fn tn  exact"]
    for key, t in [*sorted(result.per_key.items()), ("overall", result.overall())]:
        exact = f"{t.exact}/{t.total}" if t.total else ""
        lines.append(
            f"{key:<36} {pct(t.precision)} {pct(t.recall)} {pct(t.flag_precision)} {pct(t.flag_recall)} "
            f"{pct(t.accuracy)}  {t.tp:2} {t.fp:2} {t.fn:2} {t.tn:2}  {exact}"
        )
    return "\n".join(lines) + "\n"


def format_totals(outcomes: Sequence[RoleOutcome]) -> str:
    t = role_totals(outcomes)
    return f"{t['exact']}/{t['of']} exact, {t['partly']} partly, {t['none']} none"


def format_roles(result: EvaluationResult, details: bool = False) -> str:
    """Role accuracy per document, then the totals; with ``details`` each wrong document label by label.
    Nothing when no role was labelled (a cases file)."""
    if not result.roles:
        return ""
    lines = [f"{result.name}: roles, none given"]
    lines += _role_rows(result.roles, details)
    lines.append(f"roles: {format_totals(result.roles)}")
    if result.roles_as is not None:
        lines += ["", f"{result.name}: roles with --as (the provider's name from the labels)"]
        lines += _role_rows(result.roles_as, details)
        lines.append(
            f"roles with --as: {format_totals(result.roles_as)} "
            f"({len(result.roles_as)} of {len(result.roles)} contracts eligible: "
            "a provider with an organisation name that appears in the text)"
        )
    return "\n".join(lines) + "\n"


def _role_rows(outcomes: Sequence[RoleOutcome], details: bool) -> list[str]:
    def roles(values) -> str:
        return "not found" if values is None else ",".join(values) or "no role"

    width = max((len(o.document) for o in outcomes), default=0)
    lines = []
    for o in outcomes:
        named = f"  (--as {o.organisation})" if o.organisation else ""
        lines.append(f"  {o.document:<{width}}  {o.outcome:<6}{named}".rstrip())
        if not details or o.outcome == "exact":
            continue
        if o.status != "ok":
            lines.append(f"      status {o.status}")
        for label in o.labels:
            mark = "ok" if label.right else "WRONG"
            lines.append(f"      {label.label}: expected {roles(label.expected)}, got {roles(label.got)}  {mark}")
        for party, got in o.extras:
            lines.append(f"      {party}: not a labelled party, got {roles(got)}  WRONG")
    return lines
