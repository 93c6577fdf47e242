"""The responsibility matrix of tasks (附件一), like the standard's Appendix B table B.1.

``<templates>/tasks.yaml`` lists typical work items and events by layer and phase, each with
the counterparty roles it concerns and every party's part in it (负责/实施/配合/监督/审批).
A document takes the tasks of its counterparty's roles and options — one row per task, however
many of them the partner's roles share — and the request may drop, re-mark or add rows
(``matrix:`` in a request file).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

TASKS_FILE = "tasks.yaml"
PARTY_KINDS = ("customer", "provider", "partner")
PARTNER_ROLES = ("software", "hardware", "om", "security")  # a task may mark the partner by its role


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _as_tuple(value):
    return (value,) if isinstance(value, str) else value


class Task(_Strict):
    id: str
    category: str
    task: str
    clause: str
    roles: tuple[str, ...] = Field(min_length=1)  # the counterparty roles it concerns
    options: tuple[str, ...] = ()  # only with one of these options
    marks: dict[str, tuple[str, ...]]  # party kind (or a partner role, for that role only) -> marking ids

    @field_validator("marks", mode="before")
    @classmethod
    def _lists(cls, marks):
        return {k: _as_tuple(v) for k, v in marks.items()} if isinstance(marks, dict) else marks

    @model_validator(mode="after")
    def _parties(self) -> Task:
        unknown = set(self.marks) - set(PARTY_KINDS) - set(PARTNER_ROLES)
        if unknown:
            raise ValueError(f"task {self.id!r}: marks for unknown parties {sorted(unknown)}")
        if not any(self.marks.values()):
            raise ValueError(f"task {self.id!r}: no party has a part in it")
        return self


class TaskFile(_Strict):
    categories: tuple[str, ...] = Field(min_length=1)  # the order of the rows' categories
    tasks: tuple[Task, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> TaskFile:
        ids = [t.id for t in self.tasks]
        texts = [t.task for t in self.tasks]
        for what, values in (("id", ids), ("task text", texts)):
            twice = sorted({v for v in values if values.count(v) > 1})
            if twice:
                raise ValueError(f"{what}s used twice: {', '.join(twice)}")
        strays = sorted({t.category for t in self.tasks} - set(self.categories))
        if strays:
            raise ValueError(f"categories not listed in 'categories': {', '.join(strays)}")
        return self

    def task(self, task_id: str) -> Task | None:
        return next((t for t in self.tasks if t.id == task_id), None)


class TaskFileError(ValueError):
    def __init__(self, path: Path, problem: str):
        self.path, self.problem = path, problem
        super().__init__(f"{path}: {problem}")


@cache
def load_tasks(templates_dir: Path, markings: tuple[str, ...]) -> TaskFile:
    from contractkit.catalogue.loader import read_model

    path = templates_dir / TASKS_FILE
    tasks = read_model(path, TaskFile, error=TaskFileError)
    for task in tasks.tasks:
        bad = sorted({m for marks in task.marks.values() for m in marks} - set(markings))
        if bad:
            raise TaskFileError(path, f"task {task.id!r}: unknown markings {bad}; known: {', '.join(markings)}")
    return tasks


# -- edits a request makes ------------------------------------------------------------------


class AddedTask(_Strict):
    id: str = Field(min_length=1, max_length=60, pattern=r"^[a-z0-9][a-z0-9-]*$")
    category: str = Field(min_length=1, max_length=40)
    task: str = Field(min_length=1, max_length=200)
    clause: str = Field(default="", max_length=40)
    marks: dict[str, tuple[str, ...]]

    @field_validator("marks", mode="before")
    @classmethod
    def _lists(cls, marks):
        return {k: _as_tuple(v) for k, v in marks.items()} if isinstance(marks, dict) else marks


class MatrixEdits(_Strict):
    """What a request changes in the matrix: rows dropped, re-marked or added (by task id)."""

    drop: tuple[str, ...] = ()
    set: dict[str, dict[str, tuple[str, ...]]] = Field(default_factory=dict)
    add: tuple[AddedTask, ...] = ()

    @field_validator("set", mode="before")
    @classmethod
    def _lists(cls, value):
        if isinstance(value, dict):
            return {
                task: ({party: _as_tuple(m) for party, m in marks.items()} if isinstance(marks, dict) else marks)
                for task, marks in value.items()
            }
        return value

    def is_empty(self) -> bool:
        return not (self.drop or self.set or self.add)

    def problems(self, tasks: TaskFile, markings: Mapping[str, str]) -> list[tuple[str, str, str]]:
        """(field, English, Chinese) for each bad edit; markings: id -> Chinese word (either may be given)."""
        found = []
        for task_id in [*self.drop, *self.set]:
            if tasks.task(task_id) is None:
                found.append(("matrix", f"unknown task {task_id!r} (see tasks.yaml)", f"未知的工作事项 {task_id}"))
        added = [t.id for t in self.add]
        for task_id in added:
            if tasks.task(task_id) is not None or added.count(task_id) > 1:
                found.append(("matrix.add", f"task id {task_id!r} is already used", f"工作事项编号 {task_id} 已被使用"))
        words = set(markings) | set(markings.values())
        for marks in [*self.set.values(), *(t.marks for t in self.add)]:
            for party, values in marks.items():
                if party not in PARTY_KINDS:
                    found.append(("matrix", f"unknown party {party!r}; use {', '.join(PARTY_KINDS)}",
                                  f"未知的当事人 {party}"))
                for value in values:
                    if value not in words:
                        found.append(("matrix", f"unknown marking {value!r}; use {', '.join(markings)}",
                                      f"未知的分工标记 {value}；可用：{'、'.join(markings.values())}"))
        return found


# -- the rows of one document -------------------------------------------------------------


def select_rows(
    tasks: TaskFile,
    counterpart_roles: Iterable[str],
    options: Iterable[str],
    party_kinds: tuple[str, str],
    edits: MatrixEdits | None = None,
) -> list[tuple[str, str, str, dict[str, tuple[str, ...]], str]]:
    """(category, task, clause, marks by party kind, task id) of the document's rows, in category order."""
    roles, options = set(counterpart_roles), set(options)
    edits = edits or MatrixEdits()
    rows = []
    for task in tasks.tasks:
        chosen = bool(roles & set(task.roles)) and (not task.options or bool(options & set(task.options)))
        if task.id in edits.drop or not (chosen or task.id in edits.set):
            continue
        marks = _by_party(task.marks, roles)
        marks.update(edits.set.get(task.id, {}))
        rows.append((task.category, task.task, task.clause, marks, task.id))
    for added in edits.add:
        rows.append((added.category, added.task, added.clause, dict(added.marks), added.id))
    order = {c: i for i, c in enumerate(tasks.categories)}
    rows.sort(key=lambda row: order.get(row[0], len(order)))  # stable: the file's order within a category
    return [row for row in rows if any(row[3].get(kind) for kind in party_kinds)]


def _by_party(marks: Mapping[str, tuple[str, ...]], roles: set[str]) -> dict[str, tuple[str, ...]]:
    """Marks by party kind: the partner's are those of its roles where the task names them (one
    partner holding two roles gets both, once each), else the task's marks for any partner."""
    found = {kind: marks[kind] for kind in ("customer", "provider") if kind in marks}
    by_role = [m for role in PARTNER_ROLES if role in roles for m in marks.get(role, ())]
    partner = tuple(dict.fromkeys(by_role)) if by_role else marks.get("partner", ())
    if {"responsible", "implement"} & set(partner):  # who does the work needs no 配合 beside it
        partner = tuple(m for m in partner if m != "cooperate")
    if partner:
        found["partner"] = partner
    return found
