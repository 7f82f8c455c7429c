"""The contract rendered into a Great Expectations (GX Core 1.x) suite, and a batch validated against it.

``great_expectations`` takes seconds to import, so it is imported inside the functions that need it.
GX's quirks stay in here: pandas 3 ``str`` columns, nullable and tz-aware dtypes, type checks that GX
only does cell by cell on ``object`` columns, results that come back out of order, numpy scalars in
results, and progress bars on stderr.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel

from axpoc.data._checker import cell_kinds, dtype_matches, failing_rows, holds_numbers, numeric_cells
from axpoc.data._contract import Contract, Expectation, Kind, Severity, Source
from axpoc.errors import ValidationFailed
from axpoc.i18n import ConsoleText, ContractText, joined, say, say_check, texts

if TYPE_CHECKING:
    import great_expectations as gx
    from rich.table import Table

NUMERIC_TYPE_NAMES = (
    "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "longdouble", "bool", "int", "float",
)  # fmt: skip
"""What GX's ``ExpectColumnValuesToBeInTypeList`` must see for a numeric column (numpy dtypes, Python cells)."""

DATETIME_TYPE_NAMES = ("datetime64[s]", "datetime64[ms]", "datetime64[us]", "datetime64[ns]", "Timestamp")

SAMPLES = 5
_LARGEST = float(np.finfo(np.float64).max)


class ExpectationResult(BaseModel):
    """How one expectation fared on a batch; shares are of all rows of the batch."""

    name: str
    kind: Kind
    column: str
    column_b: str | None = None
    severity: Severity
    source: Source
    rule: str
    success: bool
    evaluated: bool = True
    failing_count: int | None = None
    failing_share: float | None = None
    sample_values: list[Any] = []
    note: str = ""
    failing_rows: list[Any] | None = None

    def rows_text(self, limit: int = SAMPLES) -> str:
        """'data rows 6, 10, 12' (counted from 1 below the header), or '' when the rows are not listed."""
        if not self.failing_rows or self.kind == "column_exists":
            return ""
        shown = ", ".join(str(_row_number(r)) for r in self.failing_rows[:limit])
        more = " ..." if len(self.failing_rows) > limit else ""
        return ContractText("data_rows", {"rows": shown, "more": more})

    def detail(self, *, first: str = "rows") -> str:
        """Where the rule failed, as a phrase: how many rows, which (the first few) and example values, the
        rows or (``first="count"``) the count with its examples first; else the contract's note (a missing
        column)."""
        values = ", ".join(repr(v) for v in self.sample_values[:3])
        count: list[str] = (
            [] if self.failing_count is None else [ContractText("rows", {"n": self.failing_count})]
        )
        examples: list[str] = [ContractText("examples", {"values": values})] if values else []
        if first == "count" and count and examples:
            count, examples = [ContractText("rows_examples", {"n": self.failing_count, "values": values})], []
        parts = [*count, *([self.rows_text()] if self.rows_text() else []), *examples]
        return joined(*parts) if parts else ContractText("check", {"text": self.note})


class ValidationReport(BaseModel):
    """Every expectation's result, in contract order."""

    contract_name: str
    contract_digest: str
    engine: Literal["gx", "pandas"]
    n_rows: int
    results: list[ExpectationResult]

    @property
    def critical_failures(self) -> list[ExpectationResult]:
        return [r for r in self.results if not r.success and r.severity == "critical"]

    @property
    def warnings(self) -> list[ExpectationResult]:
        return [r for r in self.results if not r.success and r.severity == "warning"]

    @property
    def ok(self) -> bool:
        """No critical failure; warnings never block."""
        return not self.critical_failures

    def result(self, name: str) -> ExpectationResult:
        return next(r for r in self.results if r.name == name)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def to_frame(self, *, failures_only: bool = False) -> pd.DataFrame:
        rows = [
            {
                "column": r.column if r.column_b is None else f"{r.column}, {r.column_b}",
                "expectation": r.rule,
                "kind": r.kind,
                "severity": r.severity,
                "source": r.source,
                "success": r.success,
                "failing_count": r.failing_count,
                "failing_share": r.failing_share,
                "samples": ", ".join(str(v) for v in r.sample_values),
                "note": r.note,
            }
            for r in self.results
            if not (failures_only and r.success)
        ]
        columns = ["column", "expectation", "kind", "severity", "source", "success"]
        columns += ["failing_count", "failing_share", "samples", "note"]
        return pd.DataFrame(rows, columns=columns)

    def to_table(self, language: str = "en") -> Table:
        """The failures as a rich table, critical first; headers, rules and severities in ``language`` (the
        command passes the config's, Korean by default)."""
        from rich.markup import escape
        from rich.table import Table

        words = texts(language)
        counts = {
            "critical": len(self.critical_failures),
            "warnings": len(self.warnings),
            "rows": self.n_rows,
        }
        table = Table(title=escape(ConsoleText("contract_table", counts).text(language)))
        for key in ("column", "expectation", "severity", "failing_count", "failing_share", "samples"):
            table.add_column(words[f"vcol_{key}"], overflow="fold")
        for r in self.critical_failures + self.warnings:
            share = "-" if r.failing_share is None else f"{r.failing_share:.2%}"
            count = "-" if r.failing_count is None else str(r.failing_count)
            sample = ", ".join(str(v) for v in r.sample_values) or say_check(r.note, language)
            detail = "; ".join(part for part in (sample, say(r.rows_text(), language)) if part)
            style = "red" if r.severity == "critical" else "yellow"
            column = r.column if r.column_b is None else f"{r.column}, {r.column_b}"
            severity = words.get(f"vseverity_{r.severity}", r.severity)
            rule = say_check(r.rule, language)
            table.add_row(*map(escape, (column, rule, severity, count, share, detail)), style=style)
        return table

    def raise_for_critical(self) -> None:
        """Raise :class:`ValidationFailed` (exit code 1) naming each critical failure."""
        if self.ok:
            return
        parts = [
            ContractText(
                "failed_rule", {"column": r.column, "rule": r.rule, "detail": r.detail(first="count")}
            )
            for r in self.critical_failures
        ]
        raise ValidationFailed(
            ContractText("run_rejected", {"n": len(parts), "rows": self.n_rows, "parts": joined(*parts)})
        )


def render_gx_suite(contract: Contract, *, include_target: bool = True) -> gx.ExpectationSuite:
    """The contract as a GX suite; each expectation carries its severity (native and in ``meta``)."""
    import great_expectations as gx

    chosen = {e.name for e in contract.select(include_target=include_target)}
    expectations = [
        _gx_expectation(gx, index, e) for index, e in enumerate(contract.expectations) if e.name in chosen
    ]
    return gx.ExpectationSuite(
        name=f"{contract.name}-{contract.digest[:12]}",
        expectations=expectations,
        meta={"axpoc": {"target": contract.target, "task": contract.task, "digest": contract.digest}},
    )


def suite_to_json(contract: Contract) -> dict[str, Any]:
    """The GX suite as JSON, stored as the contract artifact; GX's random ids are dropped so the same
    contract always gives the same JSON."""
    suite = render_gx_suite(contract).to_json_dict()
    suite.pop("id", None)
    for expectation in suite["expectations"]:
        expectation.pop("id", None)
    return suite


def validate(
    frame: pd.DataFrame,
    contract: Contract,
    *,
    use_gx: bool = True,
    include_target: bool = True,
    row_indices: bool = False,
) -> ValidationReport:
    """Check a batch against the contract with GX (default) or with the pandas rules of the row checker.

    ``include_target=False`` for unlabelled batches; ``row_indices=True`` lists every failing row's
    index label (GX's COMPLETE result format; slower on large batches).
    """
    if use_gx:
        results = _run_gx(frame, contract, include_target=include_target, row_indices=row_indices)
    else:
        chosen = contract.select(include_target=include_target)
        results = [_pandas_result(frame, e, row_indices=row_indices) for e in chosen]
    _list_critical_rows(frame, contract, results)
    return ValidationReport(
        contract_name=contract.name,
        contract_digest=contract.digest,
        engine="gx" if use_gx else "pandas",
        n_rows=len(frame),
        results=results,
    )


def _list_critical_rows(frame: pd.DataFrame, contract: Contract, results: list[ExpectationResult]) -> None:
    """Critical failures always name their rows (the pandas rule, cheap next to GX's complete format)."""
    rules = {e.name: e for e in contract.expectations}
    for result in results:
        if (
            result.severity == "critical"
            and not result.success
            and result.evaluated
            and result.failing_rows is None
        ):
            mask = failing_rows(frame, rules[result.name])
            if mask is not None:
                result.failing_rows = frame.index[mask].tolist()


def _row_number(index: Any) -> Any:
    """A frame position as the data row a user finds in the file (from 1 below the header)."""
    return index + 1 if isinstance(index, int | np.integer) else index


def _gx_expectation(gx: Any, index: int, e: Expectation) -> Any:
    meta = {
        "axpoc_index": index,
        "axpoc_name": e.name,
        "severity": e.severity,
        "source": e.source,
        "rule": e.describe(),
        "note": e.note,
    }
    common: dict[str, Any] = {"meta": meta, "severity": e.severity}
    if e.mostly is not None:
        common["mostly"] = e.mostly
    E = gx.expectations
    if e.kind == "column_exists":
        return E.ExpectColumnToExist(column=e.column, meta=meta, severity=e.severity)
    if e.kind == "not_null":
        return E.ExpectColumnValuesToNotBeNull(column=e.column, **common)
    if e.kind == "type":
        if e.type == "string":
            return E.ExpectColumnValuesToBeOfType(column=e.column, type_="str", **common)
        if e.type == "curve":
            # GX knows no array type: cells are labelled before validation (see _gx_frame).
            return E.ExpectColumnValuesToBeInSet(column=e.column, value_set=["curve"], **common)
        names = NUMERIC_TYPE_NAMES if e.type == "numeric" else DATETIME_TYPE_NAMES
        return E.ExpectColumnValuesToBeInTypeList(column=e.column, type_list=list(names), **common)
    if e.kind == "finite":  # the largest float on both sides: only inf (and 1e400, read as inf) is outside
        return E.ExpectColumnValuesToBeBetween(
            column=e.column, min_value=-_LARGEST, max_value=_LARGEST, **common
        )
    if e.kind == "between":
        return E.ExpectColumnValuesToBeBetween(column=e.column, min_value=e.min, max_value=e.max, **common)
    if e.kind == "in_set":
        return E.ExpectColumnValuesToBeInSet(column=e.column, value_set=list(e.values or []), **common)
    if e.kind == "unique":
        return E.ExpectColumnValuesToBeUnique(column=e.column, **common)
    if e.kind == "max_missing_share":
        return E.ExpectColumnProportionOfNonNullValuesToBeBetween(
            column=e.column, min_value=1.0 - (e.share or 0.0), meta=meta, severity=e.severity
        )
    return E.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A=e.column_b,
        column_B=e.column,
        or_equal=True,
        ignore_row_if="either_value_is_missing",
        **common,
    )


def _run_gx(
    frame: pd.DataFrame, contract: Contract, *, include_target: bool, row_indices: bool
) -> list[ExpectationResult]:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (
        context.data_sources.add_pandas("axpoc")
        .add_dataframe_asset("batch")
        .add_batch_definition_whole_dataframe("whole")
    )
    suite = context.suites.add(render_gx_suite(contract, include_target=include_target))
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name="contract", data=batch, suite=suite)
    )
    run = definition.run(
        batch_parameters={"dataframe": _gx_frame(frame, contract.expectations)},
        result_format={"result_format": "COMPLETE" if row_indices else "SUMMARY"},
    )
    by_index = {int(r.expectation_config.meta["axpoc_index"]): r for r in run.results}
    return [
        _gx_result(frame, contract.expectations[index], by_index[index], row_indices=row_indices)
        for index in sorted(by_index)
    ]


def _gx_frame(frame: pd.DataFrame, expectations: list[Expectation]) -> pd.DataFrame:
    """The batch as GX should see it: positional index, dtypes GX reads correctly, and columns whose
    dtype does not settle their type as ``object`` cells, so that GX checks them cell by cell (text that
    reads as a number becomes that number, as in the row checker)."""
    data = frame.reset_index(drop=True)
    typed: dict[str, str] = {e.column: e.type for e in expectations if e.kind == "type" and e.type}
    numeric = {
        c for e in expectations if e.kind in ("between", "finite", "column_pair_order") for c in e.columns
    }
    numeric |= {c for c, kind in typed.items() if kind == "numeric"}
    for column in data.columns:
        series = data[column]
        kind = typed.get(column)
        if kind == "curve":
            data[column] = cell_kinds(series)
        elif column in numeric and not dtype_matches(series.dtype, "numeric"):
            data[column] = numeric_cells(series)
        elif (kind is not None and not dtype_matches(series.dtype, kind)) or isinstance(
            series.dtype, pd.CategoricalDtype
        ):
            data[column] = series.astype(object)
        elif isinstance(series.dtype, pd.DatetimeTZDtype):
            data[column] = series.dt.tz_convert(None)
        elif dtype_matches(series.dtype, "numeric") and not isinstance(series.dtype, np.dtype):
            # Nullable Int64/Float64/boolean: GX compares dtype objects and knows none of them.
            data[column] = series.to_numpy(dtype="float64", na_value=np.nan)
    return data


def _gx_result(frame: pd.DataFrame, e: Expectation, result: Any, *, row_indices: bool) -> ExpectationResult:
    base = _base(e)
    missing = [c for c in e.columns if c not in frame.columns]
    if e.kind != "column_exists" and missing:
        return ExpectationResult(
            **base, success=False, evaluated=False, note=f"column '{missing[0]}' is missing"
        )
    error = _gx_error(result.exception_info or {})
    if error is not None:
        return ExpectationResult(**base, success=False, evaluated=False, note=_not_checked(frame, e, error))
    n = len(frame)
    if e.kind == "column_exists":
        return ExpectationResult(
            **base,
            success=result.success,
            failing_count=0 if result.success else n,
            failing_share=0.0 if result.success else 1.0,
        )
    if e.kind == "max_missing_share":
        return _missing_result(frame, e, success=bool(result.success))
    info = result.result or {}
    count = int(info.get("unexpected_count") or 0)
    rows = None
    if row_indices:
        rows = frame.index[np.asarray(info.get("unexpected_index_list") or [], dtype=int)].tolist()
    listed = [] if e.kind == "not_null" else info.get("partial_unexpected_list") or []
    samples = [_pair_text(e, v) if e.kind == "column_pair_order" else v for v in listed]
    return ExpectationResult(
        **base,
        success=bool(result.success),
        failing_count=count,
        failing_share=count / n if n else 0.0,
        sample_values=_distinct(samples),
        failing_rows=rows,
    )


def _pandas_result(frame: pd.DataFrame, e: Expectation, *, row_indices: bool) -> ExpectationResult:
    base = _base(e)
    missing = [c for c in e.columns if c not in frame.columns]
    if e.kind != "column_exists" and missing:
        return ExpectationResult(
            **base, success=False, evaluated=False, note=f"column '{missing[0]}' is missing"
        )
    n = len(frame)
    if e.kind == "max_missing_share":
        share = float(frame[e.column].isna().mean()) if n else 0.0
        return _missing_result(frame, e, success=share <= (e.share or 0.0))
    mask = failing_rows(frame, e)
    if mask is None:
        return ExpectationResult(
            **base, success=False, evaluated=False, note=_not_checked(frame, e, "non-numbers")
        )
    where = np.flatnonzero(mask)
    count = len(where)
    if e.kind in ("column_exists", "not_null"):
        samples: list[Any] = []
    elif e.kind == "column_pair_order":
        pairs = zip(frame[e.column_b].iloc[where[:50]], frame[e.column].iloc[where[:50]], strict=True)
        samples = [_pair_text(e, pair) for pair in pairs]
    elif e.type == "curve":
        samples = cell_kinds(frame[e.column].iloc[where[:50]]).tolist()
    else:
        samples = frame[e.column].iloc[where[:50]].tolist()
    considered = n if e.kind in ("column_exists", "not_null") else _considered(frame, e)
    allowed = 0.0 if e.mostly is None else (1.0 - e.mostly) * considered
    return ExpectationResult(
        **base,
        success=count <= allowed + 1e-9,
        failing_count=count,
        failing_share=count / n if n else 0.0,
        sample_values=_distinct(samples),
        failing_rows=frame.index[where].tolist() if row_indices else None,
    )


def _base(e: Expectation) -> dict[str, Any]:
    return {
        "name": e.name,
        "kind": e.kind,
        "column": e.column,
        "column_b": e.column_b,
        "severity": e.severity,
        "source": e.source,
        "rule": e.describe(),
    }


def _missing_result(frame: pd.DataFrame, e: Expectation, *, success: bool) -> ExpectationResult:
    n = len(frame)
    count = int(frame[e.column].isna().sum())
    share = count / n if n else 0.0
    return ExpectationResult(
        **_base(e),
        success=success,
        failing_count=count,
        failing_share=share,
        note=f"{share:.1%} missing ({e.note})" if e.note else f"{share:.1%} missing",
    )


def _considered(frame: pd.DataFrame, e: Expectation) -> int:
    """Rows a map rule looks at (GX's 'mostly' counts non-missing rows only)."""
    present = frame[e.column].notna()
    if e.column_b is not None:
        present &= frame[e.column_b].notna()
    return int(present.sum())


def _not_checked(frame: pd.DataFrame, e: Expectation, error: str) -> str:
    for column in e.columns:
        if not holds_numbers(frame[column]) and e.kind in ("between", "finite", "column_pair_order"):
            return f"not checked: column '{column}' holds non-numbers (see its type check)"
    return f"not checked: {error.splitlines()[0] if error else 'error in Great Expectations'}"


def _gx_error(info: dict[str, Any]) -> str | None:
    """GX reports a failed metric either flat or keyed by metric id; None when nothing was raised."""
    if "raised_exception" in info:
        return (info.get("exception_message") or "") if info["raised_exception"] else None
    for value in info.values():
        if isinstance(value, dict) and (value.get("exception_message") or value.get("exception_traceback")):
            return str(value.get("exception_message") or "")
    return None


def _pair_text(e: Expectation, pair: Any) -> str:
    """GX lists a pair as (column_A, column_B) = (column_b, column); shown as 'Rq=157 > Rt=20'."""
    b_value, a_value = (_plain(v) for v in pair)
    return f"{e.column}={_short(a_value)} > {e.column_b}={_short(b_value)}"


def _short(value: Any) -> str:
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def _distinct(values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        plain = _plain(value)
        if plain not in out:
            out.append(plain)
        if len(out) == SAMPLES:
            break
    return out


def _plain(value: Any) -> Any:
    """A JSON-friendly sample: numpy scalars unwrapped, anything exotic as text."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
