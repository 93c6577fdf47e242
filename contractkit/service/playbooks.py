"""Playbooks in the review service: a review may be checked against one, chosen from the folder of
``contractkit serve --playbooks-dir`` (only the valid ones are offered) or uploaded as a YAML file.

The review keeps the playbook's YAML (not a path), so a re-check or a restart judges the same positions
even after the folder changed. Every problem is a ``PlaybookProblem`` in Chinese (actions answers 422),
never a 500. The module imports nothing of the service's own (history keeps a ``ChosenPlaybook``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from contractkit.api import Playbook, PlaybookError, load_playbook_bytes

log = logging.getLogger("contractkit.service")
MAX_BYTES = 1_000_000  # the loader's own limit: a playbook is a short YAML file
FIELDS = ("playbook", "playbook_file")


@dataclass(frozen=True)
class ChosenPlaybook:
    """A review's playbook: its name (as reports show it), its file name and its YAML."""

    name: str
    file: str
    source: str

    @property
    def playbook(self) -> Playbook:
        return _parsed(self.source, self.file)


@lru_cache(maxsize=32)
def _parsed(source: str, file: str) -> Playbook:
    return load_playbook_bytes(source.encode("utf-8"), file)


class PlaybookLibrary:
    """The valid playbooks of a folder (read once, at start-up); the invalid ones are logged and left out."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.choices: dict[str, ChosenPlaybook] = {}
        if folder is None:
            return
        for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
            try:
                chosen = from_bytes(path.read_bytes(), path.name)
            except (PlaybookProblem, OSError) as exc:
                log.warning("playbook %s left out: %s", path, getattr(exc, "message", exc))
                continue
            self.choices[path.name] = chosen

    def get(self, file: str) -> ChosenPlaybook:
        try:
            return self.choices[file]
        except KeyError:
            known = "、".join(self.choices) or "（未配置立场手册文件夹）"
            raise _invalid("playbook", f"没有名为 {file} 的立场手册；可选：{known}") from None


def from_bytes(data: bytes, file: str) -> ChosenPlaybook:
    """A playbook from a file's content, validated against the standard; PlaybookProblem (Chinese) if not."""
    if len(data) > MAX_BYTES:
        raise _invalid("playbook_file", f"立场手册文件超过 {MAX_BYTES // 1000} kB，不是有效的立场手册")
    try:
        text = data.decode("utf-8-sig")
        playbook = _parsed(text, file)
    except UnicodeDecodeError:
        raise _invalid("playbook_file", "立场手册文件不是 UTF-8 编码的文本（YAML）") from None
    except PlaybookError as exc:
        problems = "；".join(exc.problems[:5]) + ("……" if len(exc.problems) > 5 else "")
        raise _invalid("playbook_file", f"立场手册“{file}”无效（{len(exc.problems)} 处问题）：{problems}") from None
    except Exception:  # a playbook nobody foresaw: refused, never a 500
        log.exception("playbook %s could not be read", file)
        raise _invalid("playbook_file", f"无法读取立场手册“{file}”，请检查文件内容") from None
    return ChosenPlaybook(playbook.name, file, text)


def choose(library: PlaybookLibrary, name: str | None, upload: tuple[str, bytes] | None) -> ChosenPlaybook | None:
    """The playbook a review asks for: one of the folder's (``name``), an uploaded file, or none."""
    name = (name or "").strip()
    if name and upload is not None:
        raise _invalid("playbook_file", "请只选择一种立场手册：从列表中选择，或者上传文件")
    if upload is not None:
        return from_bytes(upload[1], Path(upload[0] or "playbook.yaml").name)
    return library.get(name) if name else None


class PlaybookProblem(ValueError):
    """A playbook the review cannot use: ``field`` (playbook or playbook_file) and ``message`` (Chinese)."""

    def __init__(self, field: str, message: str):
        self.field, self.message = field, message
        super().__init__(message)


def _invalid(field: str, message: str) -> PlaybookProblem:
    return PlaybookProblem(field, message)
