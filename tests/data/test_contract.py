"""The contract spec: what is critical, what warns, bad input, JSON, and validation of bad batches."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError
from rich.console import Console

from axpoc.config import config_from_dict
from axpoc.data._checker import RowChecker
from axpoc.data._contract import Contract, Expectation, build_contract
from axpoc.data._gx import validate
from axpoc.errors import UserError, ValidationFailed


@pytest.fixture(scope="module")
def gx():
    """Import Great Expectations once for the module (it takes seconds)."""
    return pytest.importorskip("great_expectations")


def make_config(**columns):
    target = columns.pop("target", {"column": "y"})
    return config_from_dict(
        {
            "project": {"name": "contract-test"},
            "data": {"path": "x.csv"},
            "target": target,
            "columns": columns,
        }
    )


DECLARED = {
    "id": "part_id",
    "limits": {"temp": {"min": 150, "max": 250}},
    "categories": {"mold": ["A", "B", "C"]},
    "required": ["press"],
}


def training_frame(n: int = 120, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "part_id": np.arange(1000, 1000 + n),
            "temp": np.linspace(190.0, 210.0, n),
            "press": rng.normal(50, 2, n),
            "mold": pd.Series(rng.choice(["A", "B", "C"], n), dtype="str"),
            "y": np.r_[np.ones(12, dtype=int), np.zeros(n - 12, dtype=int)],
        }
    )


def by_name(contract: Contract) -> dict[str, Expectation]:
    return {e.name: e for e in contract.expectations}


def test_declared_rules_are_critical_and_inferred_rules_warn():
    contract = build_contract(training_frame(), make_config(**DECLARED))
    rules = {e.name: e.severity for e in contract.expectations}
    assert rules["between:temp@config"] == "critical"
    assert rules["in_set:mold@config"] == "critical"
    assert rules["not_null:press@config"] == "critical"
    assert rules["unique:part_id@config"] == "critical"
    assert rules["column_exists:mold@config"] == "critical"
    assert rules["type:press@inferred"] == "critical"  # the model needs numbers where it learned on numbers
    assert rules["not_null:y@target"] == "critical"
    assert rules["in_set:y@target"] == "critical"
    assert rules["between:temp@inferred"] == "warning"
    assert rules["between:press@inferred"] == "warning"
    assert rules["type:mold@inferred"] == "warning"
    assert rules["max_missing_share:mold@inferred"] == "warning"
    # Every config rule blocks; every warning comes from the data, never from the config.
    assert all(e.severity == "critical" for e in contract.expectations if e.source == "config")
    assert {e.source for e in contract.expectations if e.severity == "warning"} == {"inferred"}
    # Declared categories replace the inferred set; a required column needs no missing-share limit.
    assert "in_set:mold@inferred" not in rules
    assert "max_missing_share:press@inferred" not in rules
    assert by_name(contract)["in_set:y@target"].values == [0, 1]


def test_inferred_ranges_and_missing_shares_have_the_margin():
    frame = training_frame(n=101)
    frame.loc[:19, "press"] = np.nan
    frame["const"] = 5.0
    contract = build_contract(frame, make_config(), margin=0.1)
    rules = by_name(contract)
    temp = rules["between:temp@inferred"]
    assert (temp.min, temp.max) == pytest.approx((188.0, 212.0))  # 190..210 widened by 10 % of the span
    assert temp.mostly == 0.99
    assert (rules["between:const@inferred"].min, rules["between:const@inferred"].max) == pytest.approx(
        (4.5, 5.5)
    )
    assert rules["max_missing_share:press@inferred"].share == pytest.approx(20 / 101 + 0.1)
    assert rules["max_missing_share:temp@inferred"].share == pytest.approx(0.1)
    tight = by_name(build_contract(frame, make_config(), margin=0.0))["between:temp@inferred"]
    assert (tight.min, tight.max) == pytest.approx((190.0, 210.0))


def test_category_sets_only_for_low_cardinality_text():
    frame = training_frame()
    frame["serial"] = [f"S{i:05d}" for i in range(len(frame))]
    rules = by_name(build_contract(frame, make_config()))
    assert rules["in_set:mold@inferred"].values == ["A", "B", "C"]
    assert rules["in_set:mold@inferred"].severity == "warning"
    assert "in_set:serial@inferred" not in rules
    assert rules["type:serial@inferred"].type == "string"


def test_curve_columns_get_only_existence_and_type():
    frame = training_frame(n=30)
    frame["pressure_curve"] = [np.linspace(0, 1, 50) * i for i in range(30)]
    contract = build_contract(frame, make_config())
    curve = [e for e in contract.expectations if e.column == "pressure_curve"]
    assert [(e.kind, e.type, e.severity) for e in curve] == [
        ("column_exists", None, "critical"),
        ("type", "curve", "critical"),
    ]


def test_excluded_columns_keep_their_declared_rules():
    frame = training_frame().assign(humidity=np.linspace(30, 60, 120))
    config = make_config(exclude=["humidity"], limits={"humidity": {"min": 0, "max": 100}})
    rules = {e.name for e in build_contract(frame, config).expectations if e.column == "humidity"}
    assert rules == {
        "column_exists:humidity@config",
        "type:humidity@config",
        "finite:humidity@config",
        "between:humidity@config",
    }


def test_config_categories_take_the_column_kind():
    frame = training_frame()
    frame["cavity"] = np.tile([1, 2], len(frame) // 2)
    rules = by_name(build_contract(frame, make_config(categories={"cavity": ["1", "2"]})))
    assert rules["in_set:cavity@config"].values == [1, 2]


def test_target_missing_names_the_column():
    frame = training_frame().drop(columns="y")
    with pytest.raises(UserError, match=r"target\.column: column 'y' is not in the data"):
        build_contract(frame, make_config())


def test_target_with_one_class_is_refused():
    frame = training_frame().assign(y=0)
    with pytest.raises(UserError, match=r"^target 'y' has only one class \(0 in all 120 labelled rows\)"):
        build_contract(frame, make_config())


def test_unusable_targets_are_refused():
    frame = training_frame()
    three = frame.assign(y=np.arange(len(frame)) % 3)
    with pytest.raises(UserError, match=r"has 3 classes .* Set target\.task: multiclass"):
        build_contract(three, make_config())
    text = frame.assign(y=["1.5"] * 119 + ["bad"])
    with pytest.raises(UserError, match=r"target 'y' is not numeric \(e\.g\. 'bad'\)"):
        build_contract(text, make_config(target={"column": "y", "task": "regression"}))
    empty = frame.assign(y=np.nan)
    with pytest.raises(UserError, match="target 'y' has no values"):
        build_contract(empty, make_config())


def test_rules_on_absent_columns_are_config_errors():
    with pytest.raises(
        UserError, match=r"columns\.limits: column 'tmp' is not in the data\. Did you mean 'temp'"
    ):
        build_contract(training_frame(), make_config(limits={"tmp": {"max": 3}}))
    pair = Expectation(kind="column_pair_order", column="press", column_b="nope")
    with pytest.raises(UserError, match="column 'nope' is not in the data"):
        build_contract(training_frame(), make_config(), extra=[pair])


def test_expectations_check_their_parameters():
    with pytest.raises(ValidationError, match="needs min or max"):
        Expectation(kind="between", column="x")
    with pytest.raises(ValidationError, match="needs values"):
        Expectation(kind="in_set", column="x")
    with pytest.raises(ValidationError, match=r"min 3\.0 > max 1\.0"):
        Expectation(kind="between", column="x", min=3, max=1)
    pair = Expectation(kind="column_pair_order", column="Rq", column_b="Rt")
    assert pair.severity == "warning"
    assert pair.describe() == "<= Rt"
    assert (
        Expectation(kind="column_pair_order", column="a", column_b="b", severity="critical").severity
        == "critical"
    )


def test_extra_rules_are_added_and_replace_same_names():
    stricter = Expectation(
        kind="between", column="temp", min=195, max=205, severity="warning", source="inferred"
    )
    pair = Expectation(kind="column_pair_order", column="press", column_b="temp", source="template")
    contract = build_contract(training_frame(), make_config(), extra=[stricter, pair])
    rules = by_name(contract)
    assert rules["between:temp@inferred"] == stricter
    assert rules["column_pair_order:press<=temp@template"].severity == "warning"
    assert sum(e.name == "between:temp@inferred" for e in contract.expectations) == 1


def test_json_round_trip_and_digest(tmp_path):
    frame, config = training_frame(), make_config(**DECLARED)
    contract = build_contract(frame, config)
    again = Contract.from_json(contract.to_json())
    assert again == contract
    assert len(contract.digest) == 64
    assert Contract.load(contract.save(tmp_path / "sub" / "contract.json")) == contract
    # Same data, same rules: same digest although built later; other data, other digest.
    assert build_contract(frame, config).digest == contract.digest
    assert build_contract(training_frame(seed=1), config).digest != contract.digest
    edited = json.loads(contract.to_json())
    edited["expectations"][0]["severity"] = "warning"
    with pytest.raises(UserError, match="digest does not match"):
        Contract.from_json(json.dumps(edited))
    edited["digest"] = ""
    assert Contract.from_json(json.dumps(edited)).digest != contract.digest
    with pytest.raises(UserError, match="Data contract not found"):
        Contract.load(tmp_path / "missing.json")


def test_clean_training_data_passes_both_engines(gx):
    frame = training_frame()
    contract = build_contract(frame, make_config(**DECLARED))
    for use_gx in (True, False):
        report = validate(frame, contract, use_gx=use_gx)
        assert report.ok
        assert [r.name for r in report.results if not r.success] == []
        assert len(report.results) == len(contract.expectations)


def test_duplicate_ids_are_a_critical_failure(gx):
    frame = training_frame()
    contract = build_contract(frame, make_config(**DECLARED))
    batch = frame.copy()
    batch.loc[[3, 7], "part_id"] = 1005
    report = validate(batch, contract)
    assert not report.ok
    unique = report.result("unique:part_id@config")
    assert (unique.success, unique.failing_count, unique.sample_values) == (False, 3, [1005])
    assert [r.name for r in report.critical_failures] == ["unique:part_id@config"]
    with pytest.raises(
        ValidationFailed, match=r"'part_id' unique \(3 rows, e\.g\. 1005; data rows 4, 6, 8\)"
    ) as raised:
        report.raise_for_critical()
    assert raised.value.exit_code == 1


def test_text_in_a_numeric_column_is_a_critical_type_failure(gx):
    frame = training_frame()
    contract = build_contract(frame, make_config(**DECLARED))
    batch = frame.astype({"press": object})
    batch.loc[[2, 5, 9], "press"] = ["abc", "N/A", "abc"]
    report = validate(batch, contract)
    press = report.result("type:press@inferred")
    assert (press.severity, press.success, press.failing_count) == ("critical", False, 3)
    assert press.sample_values == ["abc", "N/A"]
    # The range cannot be checked on text: said once, not counted as out of range.
    skipped = report.result("between:press@inferred")
    assert not skipped.evaluated
    assert "holds non-numbers" in skipped.note
    rejected = RowChecker(contract).check(batch)
    assert rejected.index[~rejected["ok"]].tolist() == [2, 5, 9]
    assert rejected.loc[5, "reasons"] == "press: type numeric (got N/A)"


def test_text_in_numbers_of_training_data_fails_with_samples(gx):
    frame = training_frame().astype({"press": "str"})
    frame.loc[[4, 8, 9], "press"] = ["n/a", "12..5", "n/a"]
    contract = build_contract(frame, make_config())
    assert by_name(contract)["type:press@inferred"].severity == "critical"
    press = validate(frame, contract).result("type:press@inferred")
    # Text that reads as a number is a formatting difference; only the real text cells fail.
    assert (press.success, press.failing_count, press.sample_values) == (False, 3, ["n/a", "12..5"])


def test_all_nan_columns_fail_critical_if_required_else_warn(gx):
    frame = training_frame().assign(spare=np.nan, press=np.nan)
    contract = build_contract(frame, make_config(**DECLARED))
    report = validate(frame, contract)
    required = report.result("not_null:press@config")
    assert (required.severity, required.success, required.failing_share) == ("critical", False, 1.0)
    spare = report.result("max_missing_share:spare@inferred")
    assert (spare.severity, spare.success, spare.failing_share) == ("warning", False, 1.0)
    assert "100.0% missing" in spare.note
    assert {r.name for r in report.critical_failures} == {"not_null:press@config"}


def test_unlabelled_batches_skip_target_rules(gx):
    frame = training_frame()
    contract = build_contract(frame, make_config(**DECLARED))
    scoring = frame.drop(columns="y")
    assert not validate(scoring, contract).ok
    missing = validate(scoring, contract).result("column_exists:y@target")
    assert (missing.success, missing.failing_share) == (False, 1.0)
    report = validate(scoring, contract, include_target=False)
    assert report.ok
    assert all(r.source != "target" for r in report.results)
    assert RowChecker(contract, include_target=False).check(scoring)["ok"].all()
    assert not RowChecker(contract).check(scoring)["ok"].any()


def test_report_renders_failures(gx):
    frame = training_frame()
    contract = build_contract(frame, make_config(**DECLARED))
    batch = frame.copy()
    batch.loc[0, "temp"] = 999.0
    batch.loc[1, "mold"] = "Z"
    report = validate(batch, contract)
    table = report.to_frame(failures_only=True)
    assert table[["column", "expectation", "severity"]].values.tolist() == [
        ["temp", "between 150 and 250", "critical"],
        ["mold", "in {A, B, C}", "critical"],
    ]
    assert table.loc[0, "samples"] == "999.0"
    assert table.loc[0, "failing_share"] == pytest.approx(1 / 120)
    json.dumps(report.to_dict())
    console = Console(record=True, width=140)
    console.print(report.to_table())
    text = console.export_text()
    assert "2 critical" in text
    assert "between 150 and 250" in text
    console.print(report.to_table("ko"))  # what axpoc validate prints with language: ko
    korean = console.export_text()
    assert "데이터 계약: 치명적 2개" in korean and "150 이상 250 이하" in korean and "기대 조건" in korean
