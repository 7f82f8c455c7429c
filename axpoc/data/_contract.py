"""The training data contract: one expectation spec, built from the config and the training data.

The spec is the source of truth. It is rendered into a Great Expectations suite (stored as JSON, used in
reports) and into a vectorised row checker (used where single rows are accepted or rejected). Two
severities: *critical* is what the config declares (and what the model cannot work without) and blocks;
*warning* is what was inferred from the training data and only feeds drift reports.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from axpoc._columns import is_curve_cell
from axpoc.config import PocConfig, Task
from axpoc.data._roles import missing_column_message, resolve_roles
from axpoc.errors import UserError

Kind = Literal[
    "column_exists",
    "not_null",
    "type",
    "finite",
    "between",
    "in_set",
    "unique",
    "max_missing_share",
    "column_pair_order",
]
Severity = Literal["critical", "warning"]
Source = Literal["config", "inferred", "template", "target"]
ValueType = Literal["numeric", "string", "datetime", "curve"]
Value = bool | int | float | str

ROW_KINDS: frozenset[str] = frozenset(
    {"not_null", "type", "finite", "between", "in_set", "unique", "column_pair_order"}
)
"""Kinds decided row by row; ``column_exists`` and ``max_missing_share`` are about the whole batch."""

MAX_CATEGORIES = 50
"""A string column with at most this many distinct values gets an inferred category set."""

TEXT_IN_NUMBERS_SHARE = 0.9
"""A text column whose values parse as numbers at least this often is a numeric column with bad cells."""

_MAX_MISSING_CAP = 0.999
"""An inferred missing-share limit never reaches 100 %, so an entirely empty column always warns."""


class Expectation(BaseModel):
    """One rule of the contract; ``column_pair_order`` reads ``column <= column_b``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Kind
    column: str
    column_b: str | None = None
    severity: Severity = "critical"
    source: Source = "config"
    min: float | None = None
    max: float | None = None
    values: list[Value] | None = None
    type: ValueType | None = None
    share: float | None = Field(None, ge=0, le=1, description="max_missing_share: the largest allowed share")
    mostly: float | None = Field(None, gt=0, le=1, description="share of rows that must pass (GX 'mostly')")
    note: str = Field("", description="why the rule exists, shown in reports")

    @model_validator(mode="before")
    @classmethod
    def _pair_rules_warn(cls, data: Any) -> Any:
        # A physically impossible row is suspicious, not fatal: it warns unless the code says otherwise.
        if isinstance(data, dict) and data.get("kind") == "column_pair_order" and "severity" not in data:
            return {**data, "severity": "warning"}
        return data

    @model_validator(mode="after")
    def _params(self) -> Expectation:
        needs = {
            "between": self.min is not None or self.max is not None,
            "in_set": self.values is not None,
            "type": self.type is not None,
            "max_missing_share": self.share is not None,
            "column_pair_order": self.column_b is not None,
        }
        if not needs.get(self.kind, True):
            param = {
                "between": "min or max",
                "in_set": "values",
                "type": "type",
                "max_missing_share": "share",
                "column_pair_order": "column_b",
            }
            raise ValueError(f"expectation '{self.kind}' on column '{self.column}' needs {param[self.kind]}")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(
                f"expectation 'between' on column '{self.column}': min {self.min} > max {self.max}"
            )
        return self

    @property
    def name(self) -> str:
        """Unique within a contract: kind, column(s) and where the rule came from."""
        columns = self.column if self.column_b is None else f"{self.column}<={self.column_b}"
        return f"{self.kind}:{columns}@{self.source}"

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,) if self.column_b is None else (self.column, self.column_b)

    @property
    def row_level(self) -> bool:
        return self.kind in ROW_KINDS

    def describe(self) -> str:
        """The rule in a few words, for tables and row-rejection reasons."""
        if self.kind == "column_exists":
            return "column exists"
        if self.kind == "not_null":
            return "not null"
        if self.kind == "type":
            return f"type {self.type}"
        if self.kind == "finite":
            return "finite (no inf)"
        if self.kind == "between":
            if self.min is None:
                return f"<= {self.max:.6g}"
            if self.max is None:
                return f">= {self.min:.6g}"
            return f"between {self.min:.6g} and {self.max:.6g}"
        if self.kind == "in_set":
            shown = ", ".join(str(v) for v in (self.values or [])[:8])
            more = ", ..." if len(self.values or []) > 8 else ""
            return f"in {{{shown}{more}}}"
        if self.kind == "unique":
            return "unique"
        if self.kind == "max_missing_share":
            return f"missing share <= {self.share:.1%}"
        return f"<= {self.column_b}"


class Contract(BaseModel):
    """What every later batch (retraining, scoring) is checked against."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = 1
    name: str
    target: str
    task: Task
    columns: list[str] = Field(description="training columns, in file order")
    dtypes: dict[str, str] = Field(description="training dtype of each column")
    n_rows: int
    created_at: datetime
    expectations: list[Expectation]
    digest: str = Field("", description="sha256 of the expectations' JSON; set when empty")

    @model_validator(mode="after")
    def _consistent(self) -> Contract:
        seen: set[str] = set()
        for expectation in self.expectations:
            if expectation.name in seen:
                raise ValueError(f"two expectations are named '{expectation.name}'; names must be unique")
            seen.add(expectation.name)
        computed = expectations_digest(self.expectations)
        if not self.digest:
            self.digest = computed
        elif self.digest != computed:
            raise ValueError(
                "the digest does not match the expectations (the file was edited); "
                "rebuild the contract, or clear 'digest' to accept the edit"
            )
        return self

    def select(self, *, severity: Severity = "warning", include_target: bool = True) -> list[Expectation]:
        """Expectations at or above ``severity``; without the target's when scoring unlabelled rows."""
        return [
            e
            for e in self.expectations
            if (severity == "warning" or e.severity == "critical")
            and (include_target or e.source != "target")
        ]

    def to_json(self, *, indent: int | None = 2) -> str:
        return self.model_dump_json(indent=indent)

    @classmethod
    def from_json(cls, text: str, *, source: str = "contract") -> Contract:
        try:
            return cls.model_validate_json(text)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "(top level)"
            raise UserError(
                f"{source}: not a valid axpoc data contract ({where}: {first['msg']}). "
                "Rebuild it with 'axpoc validate CONFIG' on the training data."
            ) from None

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_json(), encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: str | Path) -> Contract:
        path = Path(path)
        if not path.is_file():
            raise UserError(
                f"Data contract not found: {path}. It is written when the model is trained; "
                "run 'axpoc validate CONFIG' or 'axpoc run CONFIG' first."
            )
        return cls.from_json(path.read_text(encoding="utf-8"), source=str(path))


def expectations_digest(expectations: Sequence[Expectation]) -> str:
    payload = [e.model_dump(mode="json") for e in expectations]
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def build_contract(
    frame: pd.DataFrame,
    config: PocConfig,
    *,
    extra: Sequence[Expectation] = (),
    margin: float = 0.1,
) -> Contract:
    """Declared rules (critical) plus what the training data shows (warnings); ``extra`` rules are
    appended, and one with the same name as a built rule replaces it.

    ``margin`` widens inferred ranges by ``margin`` x span on both sides and inferred missing shares by
    ``margin`` (absolute).
    """
    if margin < 0:
        raise ValueError(f"margin must be >= 0, got {margin}")
    roles = resolve_roles(frame, config)
    _check_target(frame, config)
    cols = config.columns
    for key, named in (("columns.limits", cols.limits), ("columns.categories", cols.categories)):
        _require_columns(frame, key, list(named))
    _require_columns(frame, "columns.required", cols.required)
    for e in extra:
        missing = [c for c in e.columns if c not in frame.columns]
        if missing:
            raise UserError(missing_column_message(f"expectation '{e.name}'", missing[0], frame))

    target = config.target.column
    # Every column the model or the config names is in the contract, excluded ones with declared rules too.
    named = {
        cols.id,
        cols.time,
        cols.group,
        cols.product,
        target,
        *cols.limits,
        *cols.categories,
        *cols.required,
    }
    used = [c for c in frame.columns if c in set(roles.features) | named]
    built: list[Expectation] = []
    for column in used:
        series = frame[column]
        source: Source = "target" if column == target else "config"
        built.append(Expectation(kind="column_exists", column=column, source=source))
        kind = value_type(series)
        if kind == "curve":
            built.append(Expectation(kind="type", column=column, type="curve", source=source))
            continue
        built.extend(_declared_rules(frame, column, config, source=source))
        if column == target:
            built.extend(_target_rules(series, config.target.task, margin))
        elif column == cols.id:
            built.append(Expectation(kind="unique", column=column, note="declared id (columns.id)"))
        elif column == cols.time:
            if kind == "datetime":
                built.append(
                    Expectation(kind="type", column=column, type="datetime", note="declared time column")
                )
        elif column in roles.features or column == cols.product:
            if kind == "numeric" and column in roles.features and column not in cols.limits:
                # The model needs numbers where it was trained on numbers: critical although inferred.
                built.append(Expectation(kind="type", column=column, type="numeric", source="inferred"))
                built.append(_finite(column, source="inferred"))
            built.extend(
                _inferred_rules(
                    series,
                    kind,
                    margin,
                    required=column in cols.required,
                    categorized=column in cols.categories,
                )
            )

    by_name = {e.name: e for e in built}
    for e in extra:
        by_name[e.name] = e
    return Contract(
        name=config.project.name,
        target=target,
        task=config.target.task,
        columns=[str(c) for c in frame.columns],
        dtypes={str(c): str(frame[c].dtype) for c in frame.columns},
        n_rows=len(frame),
        created_at=datetime.now(UTC),
        expectations=list(by_name.values()),
    )


def value_type(series: pd.Series) -> ValueType | None:
    """What a column holds, judged from its dtype (and first cell for object columns); None when empty."""
    values = series.dropna()
    if values.empty:
        return None
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return "string" if isinstance(values.iloc[0], str) else "numeric"
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
        return "numeric"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    if isinstance(dtype, pd.StringDtype):
        return "numeric" if text_in_numbers(series) else "string"
    first = values.iloc[0]
    if is_curve_cell(first):
        return "curve"
    if isinstance(first, str):
        return "numeric" if text_in_numbers(series) else "string"
    if isinstance(first, (pd.Timestamp, np.datetime64)):
        return "datetime"
    return "numeric" if isinstance(first, (int, float, np.number)) else None


def text_in_numbers(series: pd.Series, *, limit: int = 5) -> list[str]:
    """Text cells of a column that is otherwise numbers (e.g. 'N/A', '12..5'); empty if it is not such a column."""
    if pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_datetime64_any_dtype(series.dtype):
        return []
    values = series.dropna()
    if values.empty or not values.map(type).isin([str]).all():
        return []
    parsed = pd.to_numeric(values, errors="coerce")
    share = float(parsed.notna().mean())
    if share < TEXT_IN_NUMBERS_SHARE or share == 1.0:
        return []
    return [str(v) for v in pd.unique(values[parsed.isna()])[:limit]]


def _check_target(frame: pd.DataFrame, config: PocConfig) -> None:
    column, task = config.target.column, config.target.task
    values = frame[column].dropna()
    if values.empty:
        raise UserError(
            f"target '{column}' has no values ({len(frame)} rows, all empty). "
            "Check target.column in the config and that the file carries the labels."
        )
    n_classes = values.nunique()
    if task in ("binary", "multiclass") and n_classes < 2:
        raise UserError(
            f"target '{column}' has only one class ({_plain(values.iloc[0])!r} in all {len(values)} labelled rows); "
            "a model needs examples of at least two classes. Add data that contains defects, "
            "or check target.column and the file's filter."
        )
    if task == "binary" and n_classes > 2:
        shown = ", ".join(repr(_plain(v)) for v in pd.unique(values)[:6])
        raise UserError(
            f"target '{column}' has {n_classes} classes ({shown}) but target.task is 'binary'. "
            "Set target.task: multiclass, or map the classes to two in the data."
        )
    if task == "regression" and not pd.api.types.is_numeric_dtype(values.dtype):
        text = pd.unique(values[pd.to_numeric(values, errors="coerce").isna()])[:5]
        raise UserError(
            f"target '{column}' is not numeric (e.g. {', '.join(repr(_plain(v)) for v in text)}) but target.task is "
            "'regression'. Fix the values, or choose a classification task."
        )


def _require_columns(frame: pd.DataFrame, key: str, columns: list[str]) -> None:
    for column in columns:
        if column not in frame.columns:
            raise UserError(missing_column_message(key, column, frame))


def _target_rules(series: pd.Series, task: Task, margin: float) -> list[Expectation]:
    rules = [Expectation(kind="not_null", column=str(series.name), source="target", note="rows need a label")]
    if task in ("binary", "multiclass"):
        classes = _sorted(_plain(v) for v in pd.unique(series.dropna()))
        # A third class breaks a binary model; a new class in a multiclass problem is news, not an error.
        severity: Severity = "critical" if task == "binary" else "warning"
        rules.append(
            Expectation(
                kind="in_set", column=str(series.name), values=classes, severity=severity, source="target"
            )
        )
    elif task == "regression":
        rules.append(Expectation(kind="type", column=str(series.name), type="numeric", source="target"))
        rules.append(_finite(str(series.name), source="target"))
        numbers = pd.to_numeric(series, errors="coerce")
        if np.isfinite(numbers).any():
            rules.append(_inferred_range(numbers, margin, source="target"))
    return rules


def _declared_rules(
    frame: pd.DataFrame, column: str, config: PocConfig, *, source: Source
) -> list[Expectation]:
    cols = config.columns
    rules = []
    if column in cols.required:
        rules.append(
            Expectation(kind="not_null", column=column, source=source, note="declared in columns.required")
        )
    if column in cols.limits:
        limits = cols.limits[column]
        rules.append(
            Expectation(kind="type", column=column, type="numeric", source=source, note="has declared limits")
        )
        rules.append(_finite(column, source=source))
        rules.append(
            Expectation(
                kind="between",
                column=column,
                min=limits.min,
                max=limits.max,
                source=source,
                note="declared in columns.limits",
            )
        )
    if column in cols.categories:
        values = _normalize_values(cols.categories[column], frame[column])
        rules.append(
            Expectation(
                kind="in_set",
                column=column,
                values=values,
                source=source,
                note="declared in columns.categories",
            )
        )
    return rules


def _inferred_rules(
    series: pd.Series, kind: ValueType | None, margin: float, *, required: bool, categorized: bool
) -> list[Expectation]:
    column = str(series.name)
    rules = []
    if kind in ("string", "datetime"):
        rules.append(
            Expectation(kind="type", column=column, type=kind, severity="warning", source="inferred")
        )
    if kind == "numeric" and not pd.api.types.is_bool_dtype(series.dtype) and series.notna().any():
        numbers = pd.to_numeric(series, errors="coerce")
        if np.isfinite(numbers).any():
            rules.append(_inferred_range(numbers.rename(column), margin, source="inferred"))
    if kind == "string" and not categorized:
        values = series.dropna()
        n_unique = values.nunique()
        if n_unique <= MAX_CATEGORIES and n_unique <= 0.5 * len(values):
            rules.append(
                Expectation(
                    kind="in_set",
                    column=column,
                    values=_sorted(str(v) for v in pd.unique(values)),
                    severity="warning",
                    source="inferred",
                    note="categories seen in training",
                )
            )
    if not required:
        missing = float(series.isna().mean())
        rules.append(
            Expectation(
                kind="max_missing_share",
                column=column,
                share=round(min(missing + margin, _MAX_MISSING_CAP), 6),
                severity="warning",
                source="inferred",
                note=f"{missing:.1%} missing in training",
            )
        )
    return rules


def _finite(column: str, *, source: Source) -> Expectation:
    """inf, -inf and overflowing numbers (1e400) are no measurement: critical wherever numbers are needed."""
    return Expectation(kind="finite", column=column, source=source, note="inf / 1e400 is no measurement")


def _inferred_range(series: pd.Series, margin: float, *, source: Source) -> Expectation:
    """The range of the finite values, widened by ``margin`` x span (inf is the finite rule's business)."""
    finite = series[np.isfinite(series)]
    lo, hi = float(finite.min()), float(finite.max())
    span = hi - lo
    pad = margin * span if span > 0 else margin * max(abs(lo), 1.0)
    return Expectation(
        kind="between",
        column=str(series.name),
        min=lo - pad,
        max=hi + pad,
        severity="warning",
        source=source,
        mostly=0.99,
        note=f"training range {lo:.6g}..{hi:.6g} widened by {margin:.0%} of the span",
    )


def _normalize_values(values: list[str | int], series: pd.Series) -> list[Value]:
    """Config categories in the column's own kind, so that '1' matches 1 and 1 matches '1'."""
    if value_type(series) == "numeric":
        out: list[Value] = []
        for value in values:
            number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
            if pd.isna(number):
                out.append(value)
            else:
                out.append(int(number) if float(number).is_integer() else float(number))
        return out
    return [str(v) for v in values]


def _plain(value: Any) -> Value:
    """A numpy scalar as the Python value JSON and pydantic expect."""
    return value.item() if isinstance(value, np.generic) else value


def _sorted(values: Iterable[Value]) -> list[Value]:
    items = list(values)
    try:
        return sorted(items)
    except TypeError:
        return sorted(items, key=str)
