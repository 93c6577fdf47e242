"""The clause model: a linear model (multinomial logistic regression) over ``features``, stored as
data (``corpora/models/clause-model.json``, validated on load) and read in plain Python."""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

FORMAT = 1
STATUSES = ("contrary", "missing", "partial", "satisfied")


class ClauseModelError(ValueError):
    """A model file that cannot be used; the message names the file and the problem."""

    def __init__(self, path: Path, problem: str):
        self.path, self.problem = path, problem
        super().__init__(f"{path}: {problem}")


class Training(BaseModel):
    """What the model learned from, so that a reader can reproduce it (``python -m
    contractkit.checking.clause_model.training``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    files: tuple[str, ...]  # the case files, relative to the corpora folder
    rule_examples: bool  # and the rule examples (corpora/requirements/examples), known gaps left out
    cases: Annotated[int, Field(ge=1)]
    l2: Annotated[float, Field(gt=0)]  # the strength of the L2 penalty (sklearn's 1/C)
    iterations: Annotated[int, Field(ge=1)]


class ClauseModel(BaseModel):
    """Weights per feature and status; ``threshold``: how sure the model must be to change the rules'
    status."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    format: int
    statuses: tuple[str, ...]
    threshold: Annotated[float, Field(gt=0, le=1)]
    training: Training
    bias: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]

    @model_validator(mode="after")
    def _consistent(self) -> ClauseModel:
        if self.format != FORMAT:
            raise ValueError(f"format {self.format} is not {FORMAT} (retrain the model)")
        if sorted(self.statuses) != sorted(STATUSES) or len(self.statuses) != len(STATUSES):
            raise ValueError(f"statuses must be {', '.join(STATUSES)}, in any order")
        width = len(self.statuses)
        if len(self.bias) != width:
            raise ValueError(f"bias has {len(self.bias)} values, not one per status ({width})")
        wrong = next((f for f, w in self.weights.items() if len(w) != width), None)
        if wrong is not None:
            raise ValueError(f"weights of {wrong!r} have {len(self.weights[wrong])} values, not {width}")
        return self

    def probabilities(self, features: Iterable[str]) -> dict[str, float]:
        """Each status's probability given the features (the ones the model never saw count nothing)."""
        scores = list(self.bias)
        weights = self.weights
        for feature in features:
            row = weights.get(feature)
            if row is not None:
                scores = [s + w for s, w in zip(scores, row, strict=True)]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {status: e / total for status, e in zip(self.statuses, exps, strict=True)}


def load_clause_model(path: Path) -> ClauseModel:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ClauseModelError(path, f"cannot be read ({exc.strerror or exc})") from None
    try:
        return ClauseModel.model_validate_json(data)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(map(str, problem["loc"]))
        raise ClauseModelError(path, f"{where + ': ' if where else ''}{problem['msg']}") from None
