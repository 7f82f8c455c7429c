"""Load a PoC YAML into :class:`PocConfig`; every error names the key path and what was expected."""

from __future__ import annotations

import difflib
import os
import re
import types
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from axpoc.config._schema import PocConfig
from axpoc.errors import ConfigError

_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def load_config(path: str | Path) -> PocConfig:
    """Read, interpolate ``${ENV_VAR}``, validate; raise :class:`ConfigError` with the key path."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(
            f"Config file not found: {path}. Check the path, or create a starter config with "
            "'axpoc init NAME --process injection_molding'."
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: a config must be saved as UTF-8 ({exc.reason} at byte {exc.start})."
        ) from exc
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{path}: not valid YAML{where}: {problem}. Check indentation and quotes.") from exc
    if not isinstance(raw, dict):
        raise ConfigError(
            f"{path}: expected a mapping of sections (project, data, target, ...), got {type(raw).__name__}."
        )
    raw = _interpolate(raw, path)
    return config_from_dict(raw, base_dir=path.resolve().parent, source=str(path))


def config_from_dict(
    raw: dict[str, Any], *, base_dir: Path | None = None, source: str = "config"
) -> PocConfig:
    """Validate an already-parsed mapping (used by notebooks and tests as well as the loader)."""
    try:
        config = PocConfig.model_validate({**raw, "base_dir": base_dir or Path.cwd()})
    except ValidationError as exc:
        raise ConfigError(_format_errors(exc, source)) from None
    _check_gate_names(config, source)
    return config


def _interpolate(node: Any, path: Path) -> Any:
    if isinstance(node, dict):
        return {key: _interpolate(value, path) for key, value in node.items()}
    if isinstance(node, list):
        return [_interpolate(value, path) for value in node]
    if isinstance(node, str):

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in os.environ:
                raise ConfigError(
                    f"{path}: the config refers to ${{{name}}}, but the environment variable {name} is not set. "
                    f"Set it before running (e.g. export {name}=...); secrets never sit in the config file."
                )
            return os.environ[name]

        return _ENV.sub(replace, node)
    return node


def _format_errors(exc: ValidationError, source: str) -> str:
    lines = []
    for error in exc.errors():
        loc = list(error["loc"])
        key = ".".join(str(part) for part in loc) or "(top level)"
        if error["type"] == "extra_forbidden":
            valid = _valid_keys(loc[:-1])
            close = difflib.get_close_matches(str(loc[-1]), valid, n=1, cutoff=0.5)
            hint = f"did you mean '{close[0]}'?" if close else f"valid keys here: {', '.join(sorted(valid))}"
            lines.append(f"{key}: unknown key; {hint}")
        elif error["type"] == "missing":
            lines.append(f"{key}: required key is missing")
        else:
            message = error["msg"].removeprefix("Value error, ")
            given = error.get("input")
            shown = "" if isinstance(given, dict | list) or "got" in message else f" (got {given!r})"
            lines.append(f"{key}: {message}{shown}")
    return f"{source}: the config does not follow the schema. " + "; ".join(lines) + "."


def _valid_keys(loc: list[Any]) -> list[str]:
    """Field names of the model reached by ``loc`` (list indexes and dict keys skipped)."""
    model: Any = PocConfig
    for part in loc:
        field = model.model_fields.get(str(part))
        if field is None:  # a list index or a dict key: stay on the item model
            continue
        model = _inner_model(field.annotation)
        if model is None:
            return []
    return [name for name, field in model.model_fields.items() if not field.exclude]


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, list, dict, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _inner_model(arg)
            if found is not None:
                return found
    return None


def _check_gate_names(config: PocConfig, source: str) -> None:
    from axpoc.kpi import get_kpi

    for name in config.kpi.gates:
        try:
            get_kpi(name)
        except ValueError as exc:
            raise ConfigError(f"{source}: kpi.gates.{name}: {exc}") from None
