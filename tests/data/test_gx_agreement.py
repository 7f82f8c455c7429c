"""The GX suite and the row checker are two renderings of one spec: they must reject the same rows."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from axpoc.config import config_from_dict
from axpoc.data._checker import RowChecker, failing_rows
from axpoc.data._contract import Contract, Expectation, build_contract
from axpoc.data._gx import ValidationReport, render_gx_suite, suite_to_json, validate

N = 200


@pytest.fixture(scope="module")
def gx():
    """Import Great Expectations once for the module (it takes seconds)."""
    return pytest.importorskip("great_expectations")


@pytest.fixture(scope="module")
def training() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    return pd.DataFrame(
        {
            "part_id": np.arange(N),
            "temp": rng.uniform(190, 210, N),
            "press": rng.uniform(40, 60, N),
            "speed": rng.integers(100, 200, N),
            "mold": pd.Series(rng.choice(["A", "B", "C"], N), dtype="str"),
            "cavity": pd.array(rng.integers(0, 2, N), dtype="Int64"),
            "when": pd.date_range("2024-03-01", periods=N, freq="min"),
            "note": pd.Series([f"lot-{i}" for i in range(N)], dtype="str"),
            "curve": [np.linspace(0.0, 1.0, 16) + i for i in range(N)],
            "y": np.r_[np.ones(20, dtype=int), np.zeros(N - 20, dtype=int)],
        }
    )


@pytest.fixture(scope="module")
def contract(training: pd.DataFrame) -> Contract:
    config = config_from_dict(
        {
            "project": {"name": "agreement"},
            "data": {"path": "x.csv"},
            "target": {"column": "y"},
            "columns": {
                "id": "part_id",
                "limits": {"temp": {"min": 150, "max": 250}},
                "categories": {"mold": ["A", "B", "C"]},
                "required": ["press"],
            },
        }
    )
    pair = Expectation(kind="column_pair_order", column="press", column_b="temp", source="template")
    return build_contract(training, config, extra=[pair])


def relabel(frame: pd.DataFrame) -> pd.DataFrame:
    """A shuffled, non-positional index: GX's row positions must come back as these labels."""
    return frame.set_axis([f"r{i}" for i in np.random.default_rng(0).permutation(len(frame))])


def value_errors(training: pd.DataFrame) -> pd.DataFrame:
    bad = training.copy()
    bad.loc[1, "temp"] = 999.0
    bad.loc[2, "temp"] = 100.0
    bad.loc[3, "temp"] = np.nan
    bad.loc[4, "press"] = np.nan
    bad.loc[5, "press"] = 300.0  # above temp too: breaks the pair rule
    bad.loc[6, "speed"] = 10_000
    bad.loc[7, "mold"] = "Z"
    bad.loc[8, "mold"] = np.nan
    bad.loc[[9, 10], "part_id"] = 9999
    bad.loc[11, "cavity"] = 3
    bad.loc[12, "cavity"] = pd.NA
    bad.loc[13, "y"] = 2
    bad.loc[14, "y"] = np.nan
    bad["curve"] = bad["curve"].astype(object)
    bad.at[15, "curve"] = np.ones((4, 4))
    bad.at[16, "curve"] = "no curve"
    bad.at[17, "curve"] = None
    bad.loc[18, "when"] = pd.NaT
    return relabel(bad)


def type_errors(training: pd.DataFrame) -> pd.DataFrame:
    bad = training.astype({"temp": object, "mold": object, "when": object, "note": object, "y": object})
    bad["press"] = bad["press"].map(lambda v: f"{v:.3f}").astype("str")
    bad.loc[1, "temp"] = "hot"
    bad.loc[2, "temp"] = "201.5"  # text that reads as a number is fine
    bad.loc[3, "press"] = "n/a"
    bad.loc[4, "mold"] = 5
    bad.loc[5, "when"] = "2024-03-01 10:00"
    bad.loc[6, "note"] = 12.5
    bad.loc[7, "y"] = "1"
    return relabel(bad)


def assert_agreement(batch: pd.DataFrame, contract: Contract) -> tuple[ValidationReport, set[str]]:
    """Per row-level expectation: GX's unexpected rows == the checker's rejected rows."""
    report = validate(batch, contract, row_indices=True)
    rejected = RowChecker(contract, severity="warning").failures(batch)
    failing_kinds = set()
    for expectation in contract.expectations:
        if not expectation.row_level:
            continue
        result = report.result(expectation.name)
        decided = failing_rows(batch, expectation) is not None
        assert result.evaluated == decided, expectation.name
        if not decided:
            continue
        checker_rows = set(batch.index[rejected[expectation.name].to_numpy()])
        assert set(result.failing_rows) == checker_rows, expectation.name
        assert result.failing_count == len(checker_rows), expectation.name
        if checker_rows:
            failing_kinds.add(
                f"{expectation.kind}:{expectation.type}" if expectation.type else expectation.kind
            )
    return report, failing_kinds


def assert_engines_agree(batch: pd.DataFrame, contract: Contract, report: ValidationReport) -> None:
    by_pandas = validate(batch, contract, use_gx=False)
    summary = [(r.name, r.success, r.evaluated, r.failing_count, r.sample_values) for r in report.results]
    assert summary == [
        (r.name, r.success, r.evaluated, r.failing_count, r.sample_values) for r in by_pandas.results
    ]


def test_value_errors_agree(gx, training, contract):
    batch = value_errors(training)
    report, kinds = assert_agreement(batch, contract)
    assert kinds == {"not_null", "between", "in_set", "unique", "column_pair_order", "type:curve"}
    assert set(report.result("between:temp@config").failing_rows) == {batch.index[1], batch.index[2]}
    # One outlier in 200 rows is within 'mostly' (99 %) of an inferred range: listed, yet no warning.
    speed = report.result("between:speed@inferred")
    assert (speed.success, speed.failing_count, speed.sample_values) == (True, 1, [10_000])
    assert report.result("column_pair_order:press<=temp@template").sample_values == [
        f"press=300 > temp={training.loc[5, 'temp']:.6g}"
    ]
    assert report.result("type:curve@config").sample_values == ["ndarray(4, 4)", "str"]
    assert_engines_agree(batch, contract, report)


def test_type_errors_agree(gx, training, contract):
    batch = type_errors(training)
    report, kinds = assert_agreement(batch, contract)
    assert {"type:numeric", "type:string", "type:datetime", "in_set"} <= kinds
    assert report.result("type:temp@config").sample_values == ["hot"]
    assert report.result("type:press@inferred").sample_values == ["n/a"]
    assert report.result("type:when@inferred").sample_values == ["2024-03-01 10:00"]
    assert report.result("type:note@inferred").sample_values == [12.5]
    assert report.result("in_set:y@target").sample_values == ["1"]
    # Ranges on columns with real text are not checked (by either engine); the type rule speaks.
    assert not report.result("between:temp@config").evaluated
    assert not report.result("column_pair_order:press<=temp@template").evaluated
    assert_engines_agree(batch, contract, report)


def test_unusual_but_valid_dtypes_pass(gx, training, contract):
    """Nullable numbers, categoricals, tz-aware times and numbers as object cells are all fine."""
    batch = training.astype(
        {
            "part_id": "Int64",
            "temp": "Float64",
            "press": object,
            "mold": "category",
            "y": "Int64",
            "note": object,
        }
    )
    batch["cavity"] = batch["cavity"].astype("boolean")
    batch["when"] = batch["when"].dt.tz_localize("Asia/Seoul")
    for use_gx in (True, False):
        report = validate(batch, contract, use_gx=use_gx)
        assert [r.name for r in report.results if not r.success] == [], use_gx
    assert RowChecker(contract, severity="warning").check(batch)["ok"].all()


def test_a_missing_column_fails_every_row(gx, training, contract):
    batch = training.drop(columns="mold")
    report = validate(batch, contract)
    exists = report.result("column_exists:mold@config")
    assert (exists.success, exists.failing_count) == (False, N)
    skipped = [r for r in report.results if r.column == "mold" and r.kind != "column_exists"]
    assert skipped and all(not r.evaluated and r.note == "column 'mold' is missing" for r in skipped)
    assert_engines_agree(batch, contract, report)
    checked = RowChecker(contract).check(batch)
    assert not checked["ok"].any()
    assert (checked["reasons"] == "mold: column is missing").all()


def test_row_checker_reasons_and_severity(gx, training, contract):
    batch = value_errors(training)
    critical = RowChecker(contract).check(batch)
    assert list(critical.columns) == ["ok", "reasons"]
    assert critical.index.equals(batch.index)
    assert critical.loc[batch.index[1], "reasons"] == "temp: between 150 and 250 (got 999.0)"
    assert critical.loc[batch.index[9], "reasons"] == "part_id: unique (got 9999)"
    # The pair rule is a warning: only the warning checker rejects row 5 for it.
    assert "press <= temp" not in critical.loc[batch.index[5], "reasons"]
    everything = RowChecker(contract, severity="warning").check(batch)
    assert "press <= temp (got 300.0 > " in everything.loc[batch.index[5], "reasons"]
    # temp x2, press null, mold Z, duplicate id x2, y=2, y null, bad curve x2
    assert critical["ok"].sum() == N - 10
    unlabelled = RowChecker(contract, include_target=False).check(batch)
    assert unlabelled.loc[batch.index[13], "ok"]
    assert not critical.loc[batch.index[13], "ok"]


def test_suite_json_is_stable_and_loads_back(gx, contract):
    first, second = suite_to_json(contract), suite_to_json(contract)
    assert first == second
    assert json.loads(json.dumps(first)) == first
    assert len(first["expectations"]) == len(contract.expectations)
    assert [e["meta"]["severity"] for e in first["expectations"]] == [
        e.severity for e in contract.expectations
    ]
    assert [e["severity"] for e in first["expectations"]] == [e.severity for e in contract.expectations]
    kinds = {e["type"] for e in first["expectations"]}
    assert kinds == {
        "expect_column_to_exist",
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_in_type_list",
        "expect_column_values_to_be_of_type",
        "expect_column_values_to_be_between",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_be_unique",
        "expect_column_proportion_of_non_null_values_to_be_between",
        "expect_column_pair_values_a_to_be_greater_than_b",
    }
    reloaded = gx.ExpectationSuite(**first)
    assert len(reloaded.expectations) == len(contract.expectations)
    assert render_gx_suite(contract, include_target=False).expectations[-1].column_A == "temp"


def test_inf_and_overflow_fail_the_finite_rule_in_both_engines(gx, training, contract):
    """inf, -inf and 1e400 (read as inf) are no measurement: critical on every numeric feature."""
    batch = training.astype({"press": object, "speed": float})
    batch.loc[1, "temp"] = np.inf
    batch.loc[2, "speed"] = -np.inf
    batch.loc[3, "press"] = "1e400"  # text that overflows to inf
    batch.loc[4, "press"] = "inf"
    batch = relabel(batch)
    report, kinds = assert_agreement(batch, contract)
    assert "finite" in kinds
    failed = {r.name: r for r in report.critical_failures}
    assert set(failed["finite:temp@config"].failing_rows) == {batch.index[1]}
    assert set(failed["finite:speed@inferred"].failing_rows) == {batch.index[2]}
    assert set(failed["finite:press@inferred"].failing_rows) == {batch.index[3], batch.index[4]}
    by_pandas = validate(batch, contract, use_gx=False)
    assert [(r.name, r.success, r.failing_count) for r in report.results] == [
        (r.name, r.success, r.failing_count) for r in by_pandas.results
    ]
    assert by_pandas.result("finite:press@inferred").sample_values == ["1e400", "inf"]  # as written
    reasons = RowChecker(contract).check(batch)["reasons"]
    assert "speed: finite (no inf) (got -inf)" in reasons.loc[batch.index[2]]


def test_ranges_of_a_column_with_inf_come_from_its_finite_values(training):
    frame = training.astype({"speed": float})
    frame.loc[0, "speed"] = np.inf
    config = config_from_dict(
        {"project": {"name": "inf"}, "data": {"path": "x.csv"}, "target": {"column": "y"}}
    )
    built = build_contract(frame, config)
    speed = next(e for e in built.expectations if e.name == "between:speed@inferred")
    assert np.isfinite([speed.min, speed.max]).all()
    assert json.loads(built.to_json())  # a contract stays valid JSON
