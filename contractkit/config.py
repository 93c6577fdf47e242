"""The user's configuration: whose side we are on, and the options checked by default.

Found the way black and sqlfluff find theirs: a ``contractkit.toml``, or a
``pyproject.toml`` with a ``[tool.contractkit]`` table, in the working folder
or the nearest folder above it that has one; else the user's own
``$XDG_CONFIG_HOME/contractkit/config.toml`` (``~/.config/contractkit/config.toml``)::

    # contractkit.toml (in pyproject.toml: [tool.contractkit] and [tool.contractkit.organisation])
    options = ["cii"]              # also checked in every contract, as with --option

    [organisation]
    names = ["华云数智科技有限公司", "华云"]   # full and short names of our organisation
    role = "provider"              # the role it holds (default: provider)

The command line wins over the file, and the file over the defaults. Cheap to
import: TOML from the standard library, the catalogue only to validate ids (with
contractkit.requests, as every request is).
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from pydantic_core import ErrorDetails

from contractkit.organisation import DEFAULT_ROLE, Organisation

CONFIG_FILE = "contractkit.toml"
PYPROJECT = "pyproject.toml"
PYPROJECT_PREFIX = "tool.contractkit."
EXAMPLE_NAMES = 'names = ["华云数智科技有限公司", "华云"]'


class ConfigError(ValueError):
    """A configuration file that cannot be used: one line per problem, each naming the file and the key."""

    def __init__(self, path: Path, problems: Sequence[tuple[str, str]]):  # (key or "", problem)
        self.path, self.problems = Path(path), tuple(problems)
        super().__init__("\n".join(f"{path}: {key}: {problem}" if key else f"{path}: {problem}"
                                   for key, problem in self.problems))


@dataclass(frozen=True)
class UserConfig:
    """What a configuration file says; ``path`` is None when no file was used."""

    path: Path | None = None
    organisation: Organisation | None = None
    options: tuple[str, ...] = ()


NO_CONFIG = UserConfig()


# ---------------------------------------------------------------- finding the file
def user_config_path() -> Path | None:
    """``$XDG_CONFIG_HOME/contractkit/config.toml``, else ``~/.config/contractkit/config.toml``."""
    configured = os.environ.get("XDG_CONFIG_HOME", "")
    if configured and Path(configured).is_absolute():  # the XDG spec ignores relative paths
        return Path(configured) / "contractkit" / "config.toml"
    try:
        return Path.home() / ".config" / "contractkit" / "config.toml"
    except RuntimeError:  # no home folder to be found
        return None


def find_config(start: str | os.PathLike | None = None) -> Path | None:
    """The configuration file that applies in ``start`` (default: the working folder), or None."""
    folder = Path(start) if start is not None else Path.cwd()
    folder = folder.absolute()
    for candidate in (folder, *folder.parents):
        own = candidate / CONFIG_FILE
        if own.is_file():
            return own
        pyproject = candidate / PYPROJECT
        if pyproject.is_file() and _has_our_table(pyproject):
            return pyproject
    user = user_config_path()
    return user if user is not None and user.is_file() else None


def discover_config(start: str | os.PathLike | None = None) -> UserConfig:
    """The configuration that applies in ``start`` (see ``find_config``); NO_CONFIG when there is none."""
    path = find_config(start)
    return load_config(path) if path is not None else NO_CONFIG


def _has_our_table(pyproject: Path) -> bool:
    text = _read(pyproject)
    if "contractkit" not in text:  # most projects' pyproject.toml: not even parsed
        return False
    return isinstance(_tool_table(_parse(pyproject, text)), dict)


def _tool_table(data: dict[str, Any]):
    tool = data.get("tool")
    return tool.get("contractkit") if isinstance(tool, dict) else None


# ---------------------------------------------------------------- reading it
def load_config(path: str | os.PathLike) -> UserConfig:
    """Read and validate one configuration file (``pyproject.toml``: its ``[tool.contractkit]`` table)."""
    path = Path(path)
    data = _parse(path, _read(path))
    prefix = ""
    if path.name == PYPROJECT:
        data = _tool_table(data)
        prefix = PYPROJECT_PREFIX
        if data is None:
            raise ConfigError(path, [("", "has no [tool.contractkit] table")])
        if not isinstance(data, dict):
            raise ConfigError(path, [("tool.contractkit", "must be a table")])
    try:
        model = _ConfigFile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(path, [_problem(error, prefix) for error in exc.errors()]) from None
    organisation = None
    if model.organisation is not None:
        organisation = Organisation(tuple(model.organisation.names), model.organisation.role)
    return UserConfig(path=path, organisation=organisation, options=tuple(dict.fromkeys(model.options)))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(path, [("", "file not found")]) from None
    except UnicodeDecodeError:
        raise ConfigError(path, [("", "not UTF-8 text")]) from None
    except OSError as exc:
        raise ConfigError(path, [("", f"cannot read ({exc.strerror or exc})")]) from None


def _parse(path: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, [("", f"not valid TOML: {exc}")]) from None


# ---------------------------------------------------------------- validating it
def _known(what: str, values: list[str]) -> None:
    """A ValueError with the library's message (contractkit.requests) for the first unknown id."""
    from contractkit.requests import unknown

    problems = unknown(what, values, field=what)
    if problems:
        raise ValueError(problems[0].en)


class _OrganisationTable(BaseModel):
    model_config = ConfigDict(extra="forbid")

    names: list[str]
    role: str = DEFAULT_ROLE

    @field_validator("names", mode="before")
    @classmethod
    def _one_name(cls, value):
        return [value] if isinstance(value, str) else value

    @field_validator("names")
    @classmethod
    def _not_blank(cls, names: list[str]) -> list[str]:
        cleaned = [name.strip() for name in names if name.strip()]
        if not cleaned:
            raise ValueError(f"give at least one name of our organisation, e.g. {EXAMPLE_NAMES}")
        return cleaned

    @field_validator("role")
    @classmethod
    def _known_role(cls, role: str) -> str:
        _known("role", [role])
        return role


class _ConfigFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organisation: _OrganisationTable | None = None
    options: list[str] = []

    @field_validator("options")
    @classmethod
    def _known_options(cls, options: list[str]) -> list[str]:
        _known("option", options)
        return options


# The keys allowed in each table, by its location in pydantic's errors.
_TABLE_KEYS: dict[tuple[int | str, ...], list[str]] = {
    (): list(_ConfigFile.model_fields), ("organisation",): list(_OrganisationTable.model_fields),
}
_HINTS = {
    "roles": "a party's role is given per contract (check --role 甲方=provider); "
             "to say which party is ours, use [organisation] names and role",
}


def _problem(error: ErrorDetails, prefix: str) -> tuple[str, str]:
    """(key, problem) from one pydantic error, in the file's own terms."""
    loc = tuple(error["loc"])
    key = prefix + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")
    kind = error["type"]
    if kind == "extra_forbidden":
        name, allowed = str(loc[-1]), _TABLE_KEYS.get(tuple(loc[:-1]), [])
        if name in _HINTS:
            return key, f"not a configuration key: {_HINTS[name]}"
        close = difflib.get_close_matches(name, allowed, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return key, f"unknown key; {hint}allowed here: {', '.join(allowed)}"
    if kind == "missing":
        example = f" ({EXAMPLE_NAMES})" if loc[-1] == "names" else ""
        return key, f"missing{example}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return key, f"must be a table, e.g. [{prefix}{'.'.join(map(str, loc))}] with {EXAMPLE_NAMES}"
    if kind == "list_type":
        return key, f"must be a list, e.g. {loc[-1]} = [\"…\", \"…\"] (got {error['input']!r})"
    if kind == "value_error":
        return key, str(error["ctx"]["error"])
    return key, f"{error['msg'][:1].lower()}{error['msg'][1:]} (got {error['input']!r})"


# ---------------------------------------------------------------- the command line over the file
def organisation_request(config: UserConfig, names: Sequence[str] = (), role: str | None = None) -> dict[str, Any]:
    """Our organisation's part of a CheckRequest, as the command line (``--as``, ``--as-role``) and then the
    file say it: names given replace the file's; the role is the one given, else the file's (None: the default).
    The request, not this, finds what is wrong with them."""
    names = tuple(n.strip() for n in names if n and n.strip())
    if config.organisation is not None:
        names = names or config.organisation.names
        role = role or config.organisation.role
    return {"organisation_names": names, "organisation_role": role}
