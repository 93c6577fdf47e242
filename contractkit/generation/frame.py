"""The frame of a generated document: the articles no requirement owns and the schedules.

Read from ``<templates>/document.yaml`` (validated here, once per file): the articles in
their order — the commercial frame (definitions, price, term, confidentiality, disputes …)
around one ``security`` slot where the catalogue's articles go — and the numbered schedules
(附件一 …), each with the documents it belongs to. The task matrix lives beside it in
``tasks.yaml`` (``generation/tasks.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

FRAME_FILE = "document.yaml"
SECURITY_SLOT = "security"  # where the catalogue's articles go
MATRIX_SCHEDULE = "matrix"  # the schedule the task matrix fills

Kind = Literal["agreement", "annex"]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Applies(_Strict):
    """Which documents a part belongs to; every condition given must hold (empty: any)."""

    kinds: tuple[Kind, ...] = ("agreement", "annex")
    pairs: tuple[str, ...] = ()  # the document's first pair
    roles: tuple[str, ...] = ()  # any role of the counterparty (a partner role, or customer)
    options: tuple[str, ...] = ()  # any option switched on
    when: dict[str, tuple[str, ...]] = Field(default_factory=dict)  # parameter -> values it may have

    def applies(self, kind: str, pair: str, roles: set[str], options: set[str], values: Mapping) -> bool:
        return (
            kind in self.kinds
            and (not self.pairs or pair in self.pairs)
            and (not self.roles or bool(roles & set(self.roles)))
            and (not self.options or bool(options & set(self.options)))
            and all(str(values.get(name)) in allowed for name, allowed in self.when.items())
        )


class FrameArticle(Applies):
    id: str
    title: str
    template: str | None = None  # None only for the security slot
    explain: str = ""  # why the article is there, for the explanation sheet

    @model_validator(mode="after")
    def _template_unless_slot(self) -> FrameArticle:
        if (self.id == SECURITY_SLOT) == (self.template is not None):
            raise ValueError(f"article {self.id!r}: the '{SECURITY_SLOT}' slot has no template, every other one has")
        return self


class ScheduleSpec(Applies):
    id: str
    title: str
    template: str | None = None  # None only for the matrix
    supports: tuple[str, ...] = ()  # requirements whose detail the schedule carries
    explain: str = ""

    @model_validator(mode="after")
    def _template_unless_matrix(self) -> ScheduleSpec:
        if (self.id == MATRIX_SCHEDULE) == (self.template is not None):
            raise ValueError(f"schedule {self.id!r}: the '{MATRIX_SCHEDULE}' schedule has no template, every other has")
        return self


class Frame(_Strict):
    preamble: str
    articles: tuple[FrameArticle, ...] = Field(min_length=1)
    schedules: tuple[ScheduleSpec, ...] = Field(min_length=1)
    schedule_word: dict[Kind, str]  # 附件 in an agreement, 附表 in an annex (an annex has no annexes of its own)
    titles: dict[str, str]  # counterparty role -> the deal's words in an agreement's title, in order
    title_prefix: dict[bool, str]  # before the deals: for a customer (False) and for a partner (True)

    @model_validator(mode="after")
    def _ids(self) -> Frame:
        for what, ids in (("article", [a.id for a in self.articles]), ("schedule", [s.id for s in self.schedules])):
            duplicates = sorted({i for i in ids if ids.count(i) > 1})
            if duplicates:
                raise ValueError(f"{what} ids used twice: {', '.join(duplicates)}")
        if [a.id for a in self.articles].count(SECURITY_SLOT) != 1:
            raise ValueError(f"the articles must hold the '{SECURITY_SLOT}' slot exactly once")
        if self.schedules[0].id != MATRIX_SCHEDULE:
            raise ValueError(f"the first schedule must be '{MATRIX_SCHEDULE}' (附件一)")
        return self

    def templates(self) -> list[str]:
        found = [self.preamble]
        found += [a.template for a in self.articles if a.template]
        found += [s.template for s in self.schedules if s.template]
        return found


class FrameError(ValueError):
    def __init__(self, path: Path, problem: str):
        self.path, self.problem = path, problem
        super().__init__(f"{path}: {problem}")


@cache
def load_frame(templates_dir: Path) -> Frame:
    from contractkit.catalogue.loader import read_model

    path = templates_dir / FRAME_FILE
    frame = read_model(path, Frame, error=FrameError)
    missing = [t for t in frame.templates() if not (templates_dir / t).is_file()]
    if missing:
        raise FrameError(path, f"templates not found: {', '.join(missing)}")
    return frame
