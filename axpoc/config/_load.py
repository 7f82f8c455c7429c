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
from axpoc.i18n import PYDANTIC_TYPES, ConfigText, joined

_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def load_config(path: str | Path) -> PocConfig:
    """Read, interpolate ``${ENV_VAR}``, validate; raise :class:`ConfigError` with the key path."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(ConfigText("not_found", {"path": path}))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            ConfigText("not_utf8", {"path": path, "reason": exc.reason, "byte": exc.start})
        ) from exc
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = ConfigText("where", {"line": mark.line + 1, "column": mark.column + 1}) if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(ConfigText("not_yaml", {"path": path, "where": where, "problem": problem})) from exc
    if not isinstance(raw, dict):
        raise ConfigError(ConfigText("not_mapping", {"path": path, "kind": type(raw).__name__}))
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
                raise ConfigError(ConfigText("env_missing", {"path": path, "name": name}))
            return os.environ[name]

        return _ENV.sub(replace, node)
    return node


def _format_errors(exc: ValidationError, source: str) -> ConfigText:
    """Every problem with its key path, said in the reader's language (pydantic's own words stay English)."""
    lines: list[ConfigText] = []
    for error in exc.errors():
        loc = list(error["loc"])
        key = ".".join(str(part) for part in loc) or "(top level)"
        if error["type"] == "extra_forbidden":
            valid = _valid_keys(loc[:-1])
            close = difflib.get_close_matches(str(loc[-1]), valid, n=1, cutoff=0.5)
            if close:
                lines.append(ConfigText("unknown_close", {"key": key, "close": close[0]}))
            else:
                lines.append(ConfigText("unknown_valid", {"key": key, "valid": ", ".join(sorted(valid))}))
        elif error["type"] == "missing":
            lines.append(ConfigText("missing", {"key": key}))
        else:
            message = _said(error)
            given = error.get("input")
            shown = (
                ""
                if isinstance(given, dict | list) or "got" in message
                else ConfigText("shown", {"given": repr(given)})
            )
            lines.append(ConfigText("invalid", {"key": key, "message": message, "shown": shown}))
    return ConfigText("schema", {"source": source, "problems": joined(*lines)})


def _said(error: Any) -> str:
    """One problem's message as a phrase where axpoc knows its words: the schema's own checks raise a
    :class:`ConfigText`, and pydantic's common types are said from their ``ctx``; else pydantic's English."""
    raised = (error.get("ctx") or {}).get("error")
    if isinstance(raised, ValueError) and raised.args and isinstance(raised.args[0], ConfigText):
        return raised.args[0]
    if error["type"] in PYDANTIC_TYPES:
        said = ConfigText(error["type"], error.get("ctx") or {})
        if said == error["msg"]:  # the English is pydantic's own wording, or we keep pydantic's
            return said
    return str(error["msg"]).removeprefix("Value error, ")


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
            raise ConfigError(
                ConfigText("gate", {"source": source, "name": name, "problem": str(exc)})
            ) from None
