"""Training the clause model on hand-written cases (``corpora/evaluation/blind-cases*.yaml``: short
clauses, each with its roles, one requirement and the status a lawyer gives it) and on the rules'
own examples (``corpora/requirements/examples``), so that it never undoes what a rule documents.

Each case is first judged by the rules alone; the model learns when the rules' status, read with the
clause's words, should be another. It is a multinomial logistic regression with an L2 penalty, fitted
by full-batch gradient descent (Adam) in numpy: deterministic, a few seconds, no new dependency.

    python -m contractkit.checking.clause_model.training   # rewrites corpora/models/clause-model.json

Retrain after changing the rules or the cases: the model learns from the rules' statuses, and a test
(tests/test_clause_model.py) fails when the shipped model no longer agrees with a fresh one.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from contractkit.checking.clause_model.features import features
from contractkit.checking.clause_model.model import FORMAT, STATUSES, ClauseModel, Training


@dataclass(frozen=True)
class Settings:
    """How the model is trained and used; the defaults are the shipped model's (chosen by
    leave-one-set-out over the case files: README, "How well it checks")."""

    l2: float = 1.0
    iterations: int = 600
    learning_rate: float = 0.05
    threshold: float = 0.5  # how sure it must be to change the rules' status

    @classmethod
    def of(cls, model: ClauseModel) -> Settings:
        """The settings a model was trained with (to train it again on other cases)."""
        return cls(l2=model.training.l2, iterations=model.training.iterations, threshold=model.threshold)


@dataclass(frozen=True)
class Example:
    """One case as the model learns from it."""

    origin: str  # the case file's name
    requirement: str
    text: str
    rules: str  # the status the rules gave
    expected: str


@dataclass(frozen=True)
class Clause:
    """A labelled clause to learn from: a hand-written case or a rule example."""

    origin: str
    requirement: str
    text: str
    roles: dict[str, tuple[str, ...]]
    options: tuple[str, ...]
    expected: str


def default_case_files() -> list[Path]:
    from contractkit import resources

    folder = resources.corpora_dir() / "evaluation"
    return sorted(folder.glob("blind-cases*.yaml"), key=lambda p: (len(p.stem), p.stem))


def cases_in(case_files: Sequence[Path]) -> list[Clause]:
    """The cases of the files (``contractkit evaluate --cases`` format), validated."""
    from contractkit.checking.evaluation import read_cases

    clauses = []
    for path in case_files:
        for case in read_cases(path):
            clauses.append(Clause(Path(path).name, case["requirement"], case["text"],
                                  {k: tuple(v) for k, v in case["roles"].items()}, tuple(case.get("options") or ()),
                                  case["expect"]))
    return clauses


def documented_examples() -> list[Clause]:
    """The rules' own examples (corpora/requirements/examples), but for their known gaps: what the rules
    document a clause to get, the model must not undo."""
    from contractkit.checking.rules.examples import example_files, read_examples

    clauses = []
    for path in example_files():
        examples = read_examples(path)
        for case in examples.cases:
            if case.known_gap is None:
                clauses.append(Clause(f"rules:{examples.requirement}", examples.requirement, case.text,
                                      dict(examples.roles_of(case)), tuple(examples.options_of(case)), case.expect))
    return clauses


def examples_from(clauses: Sequence[Clause], engine=None) -> list[Example]:
    """Each clause judged by the rules alone (the clause model off), read as a .txt file is."""
    from contractkit.checking.checker import Checker, CheckSettings
    from contractkit.checking.understanding.nlp import make_engine
    from contractkit.reading import read_document

    engine = engine or make_engine()
    examples = []
    with tempfile.TemporaryDirectory() as workdir:
        path = Path(workdir) / "clause.txt"
        for clause in clauses:
            path.write_text(clause.text, encoding="utf-8")
            source = read_document(path)
            settings = CheckSettings(roles=clause.roles, options=frozenset(clause.options), suggestions=False,
                                     extra_requirements=(clause.requirement,), clause_model=False)
            report = Checker(settings, engine=engine).check_document(source)
            rules = next((f.status.value for f in report.findings if f.requirement == clause.requirement), "missing")
            examples.append(Example(clause.origin, clause.requirement, source.text, rules, clause.expected))
    return examples


def fit(examples: Sequence[Example], words: Callable[[str], list[str]], settings: Settings = Settings()
        ) -> tuple[tuple[float, ...], dict[str, tuple[float, ...]]]:
    """Bias and weights per feature (one value per status in STATUSES' order) minimising the
    cross-entropy of the expected statuses plus ``l2``/2 times the squared weights."""
    import numpy as np

    index: dict[str, int] = {}
    rows: list[list[int]] = []
    for example in examples:
        rows.append([index.setdefault(f, len(index)) for f in features(example.rules, example.requirement,
                                                                      words(example.text))])
    columns = np.fromiter((c for row in rows for c in row), dtype=np.int64)
    lengths = np.array([len(row) for row in rows])
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    target = np.zeros((len(examples), len(STATUSES)))
    target[np.arange(len(examples)), [STATUSES.index(e.expected) for e in examples]] = 1.0
    weights = np.zeros((len(index), len(STATUSES)))
    bias = np.zeros(len(STATUSES))
    moments = [np.zeros_like(weights), np.zeros_like(weights), np.zeros_like(bias), np.zeros_like(bias)]
    beta1, beta2, epsilon = 0.9, 0.999, 1e-8
    for step in range(1, settings.iterations + 1):
        scores = np.add.reduceat(weights[columns], starts, axis=0) + bias
        scores -= scores.max(axis=1, keepdims=True)
        probabilities = np.exp(scores)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        error = probabilities - target
        grad_weights = np.zeros_like(weights)
        np.add.at(grad_weights, columns, np.repeat(error, lengths, axis=0))
        grad_weights += settings.l2 * weights
        grad_bias = error.sum(axis=0)
        for value, grad, first, second in ((weights, grad_weights, moments[0], moments[1]),
                                           (bias, grad_bias, moments[2], moments[3])):
            first *= beta1
            first += (1 - beta1) * grad
            second *= beta2
            second += (1 - beta2) * grad * grad
            step_size = settings.learning_rate * (first / (1 - beta1**step))
            value -= step_size / (np.sqrt(second / (1 - beta2**step)) + epsilon)
    names = list(index)
    rounded = np.round(weights, 4)
    return (tuple(float(b) for b in np.round(bias, 4)),
            {names[i]: tuple(float(w) for w in rounded[i]) for i in range(len(names)) if np.abs(rounded[i]).max() > 0})


def train(case_files: Sequence[Path], settings: Settings = Settings(), engine=None,
          examples: Sequence[Example] | None = None, rule_examples: bool = True) -> ClauseModel:
    """A model learned from the cases of ``case_files`` and (``rule_examples``) the rules' examples;
    ``examples``: the same already judged by the rules, to learn from them without judging them again."""
    from contractkit import resources
    from contractkit.checking.understanding.nlp import make_engine

    engine = engine or make_engine()
    if engine.tokens("") is None:
        raise ValueError(f"the clause model reads words: the {engine.kind!r} engine has none")
    if examples is None:
        examples = examples_from(cases_in(case_files) + (documented_examples() if rule_examples else []), engine)
    bias, weights = fit(examples, lambda text: engine.tokens(text) or [], settings)
    root = resources.corpora_dir()
    return ClauseModel(
        format=FORMAT, statuses=STATUSES, threshold=settings.threshold,
        training=Training(files=tuple(_relative(p, root) for p in case_files), rule_examples=rule_examples,
                          cases=len(examples), l2=settings.l2, iterations=settings.iterations),
        bias=bias, weights=weights,
    )


def _relative(path: Path, root: Path) -> str:
    """The path relative to the corpora folder; absolute when it lies elsewhere."""
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(Path(path).resolve())


def main() -> None:
    from contractkit.fileio import write_atomic
    from contractkit.standard import default_standard

    standard = default_standard()
    target = standard.clause_model_path
    if target is None:
        raise SystemExit(f"{standard.manifest_path}: data.clause_model names no file to write")
    model = train(default_case_files())
    data = json.dumps(model.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))
    write_atomic(target, data.encode("utf-8"), force=True)
    print(f"{target}: {len(model.weights)} features from {model.training.cases} cases")


if __name__ == "__main__":
    main()
