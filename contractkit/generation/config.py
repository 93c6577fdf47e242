"""Reading a generation config file (YAML or TOML) into settings.

A config file may hold the whole request::

    pair: provider-om
    roles: [security]
    options: [cii]
    kind: agreement
    parameters:
      provider_name: 甲云科技有限公司
      vulnerability_notice_hours: 12
    matrix:                      # the responsibility matrix, edited by task id (clause_templates/tasks.yaml)
      drop: [physical-access]
      set: {changes: {provider: approve, partner: implement}}
      add: [{id: log-review, category: 平台层, task: 每月审阅运维日志, clause: 8.2.5, marks: {provider: supervise}}]
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import yaml

from contractkit.yamlfile import load_yaml

CONFIG_KEYS = ("pair", "roles", "options", "kind", "parameters", "matrix")


class ConfigError(ValueError):
    def __init__(self, path: Path, problem: str):
        self.path, self.problem = path, problem
        super().__init__(f"{path}: {problem}")


def read_config(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(path, "file not found") from None
    except UnicodeDecodeError:
        raise ConfigError(path, "not UTF-8 text") from None
    except OSError as exc:
        raise ConfigError(path, exc.strerror or str(exc)) from None
    try:
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else load_yaml(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        kind = "TOML" if path.suffix.lower() == ".toml" else "YAML"
        raise ConfigError(path, f"not valid {kind}: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(path, "expected a mapping at the top level")
    unknown = [key for key in data if key not in CONFIG_KEYS]
    if unknown:
        raise ConfigError(
            path,
            f"unknown key(s) {', '.join(map(repr, unknown))}; a config holds {', '.join(CONFIG_KEYS)} "
            "(parameters go under 'parameters:')",
        )
    for key in ("roles", "options"):
        if key in data and not (
            isinstance(data[key], list) and all(isinstance(v, str) for v in data[key])
        ):
            raise ConfigError(path, f"'{key}' must be a list of names")
    for key in ("pair", "kind"):
        if key in data and not isinstance(data[key], str):
            raise ConfigError(path, f"'{key}' must be a name")
    parameters = data.get("parameters", {}) or {}
    if not isinstance(parameters, dict):
        raise ConfigError(path, "'parameters' must be a mapping of parameter name to value")
    if "matrix" in data and not isinstance(data["matrix"], dict):
        raise ConfigError(path, "'matrix' must be a mapping with drop, set and add")
    for name, value in parameters.items():
        if isinstance(value, (dict, list)):
            raise ConfigError(path, f"parameter {name!r} must be a single value")
    data["parameters"] = {str(k): v for k, v in parameters.items()}
    return data
