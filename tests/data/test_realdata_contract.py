"""The contract and the profile on real data sets (skipped without AXPOC_DATA_DIR)."""

from __future__ import annotations

import pandas as pd
import pytest

from axpoc.config import config_from_dict
from axpoc.data._checker import RowChecker
from axpoc.data._contract import Expectation, build_contract
from axpoc.data._gx import validate
from axpoc.data._profile import profile

pytestmark = pytest.mark.realdata

FAILURE_MODES = ["TWF", "HDF", "PWF", "OSF", "RNF"]
SENSORS = [
    "Air temperature [K]",
    "Process temperature [K]",
    "Rotational speed [rpm]",
    "Torque [Nm]",
    "Tool wear [min]",
]


@pytest.fixture(scope="module")
def gx():
    """Import Great Expectations once for the module (it takes seconds)."""
    return pytest.importorskip("great_expectations")


def make_config(target: str, task: str):
    return config_from_dict(
        {
            "project": {"name": "realdata"},
            "data": {"path": "x.csv"},
            "target": {"column": target, "task": task},
        }
    )


@pytest.fixture(scope="module")
def ai4i(data_dir) -> pd.DataFrame:
    return pd.read_csv(data_dir / "ai4i2020" / "ai4i2020.csv", encoding="utf-8-sig")


@pytest.fixture(scope="module")
def turning(data_dir) -> pd.DataFrame:
    return pd.read_csv(data_dir / "cnc_turning_surface_roughness_12L14" / "data.csv")


@pytest.fixture(scope="module")
def lens(data_dir) -> pd.DataFrame:
    return pd.read_csv(data_dir / "injection_molding_lens_quality" / "data.csv", sep=";")


def test_ai4i_profile_flags_failure_modes_and_ids(ai4i):
    result = profile(ai4i, make_config("Machine failure", "binary"))
    assert result.leakage_columns("label") == FAILURE_MODES
    assert result.leakage_columns("id") == ["UDI", "Product ID"]
    assert result.leakage_columns() == ["UDI", "Product ID", *FAILURE_MODES]
    reasons = {s.column: s.reason for s in result.leakage if s.kind == "label"}
    assert reasons["HDF"].startswith(
        "0/1 flag: 100% of its 115 positives have 'Machine failure' = 1 (base rate 3.4%)"
    )
    # RNF alone predicts nothing (1 of its 19 rows failed): it is caught as a sibling of the other flags.
    assert result.feature_scores["RNF"] < 0.55
    assert reasons["RNF"].startswith("0/1 flag in one block with the label-leak flags TWF, HDF, PWF, OSF")
    # The genuine sensors predict, but none alone gives the answer away.
    assert all(0.55 < result.feature_scores[c] < 0.9 for c in SENSORS)
    assert result.label["counts"] == {"0": 9661, "1": 339}
    assert (result.duplicate_rows, result.constant_columns, result.problems) == (0, [], [])


def test_ai4i_contract_validates_its_training_data(gx, ai4i):
    contract = build_contract(ai4i, make_config("Machine failure", "binary"))
    rules = {e.name: e for e in contract.expectations}
    assert rules["in_set:Type@inferred"].values == ["H", "L", "M"]
    assert rules["in_set:Machine failure@target"].values == [0, 1]
    report = validate(ai4i, contract)
    assert report.ok
    assert [r.name for r in report.results if not r.success] == []
    scoring = ai4i.drop(columns="Machine failure").head(50)
    assert validate(scoring, contract, include_target=False).ok


def test_turning_pair_rule_warns_for_five_impossible_rows(gx, turning):
    rule = Expectation(
        kind="column_pair_order", column="Rq", column_b="Rt", note="Rq (RMS) cannot exceed Rt (peak)"
    )
    contract = build_contract(turning, make_config("Ra", "regression"), extra=[rule])
    report = validate(turning, contract)
    pair = report.result(rule.name)
    assert (pair.severity, pair.success, pair.failing_count) == ("warning", False, 5)
    impossible = turning.index[turning["Rq"] > turning["Rt"]]
    assert pair.sample_values == [
        f"Rq={q:.6g} > Rt={t:.6g}" for q, t in turning.loc[impossible, ["Rq", "Rt"]].values
    ]
    assert "Rq=157 > Rt=" in " ".join(pair.sample_values)
    assert [r.name for r in report.warnings] == [rule.name]
    assert report.ok  # a physically impossible row warns; it does not block
    rejected = RowChecker(contract, severity="warning").check(turning)
    assert rejected.index[~rejected["ok"]].equals(impossible)
    assert RowChecker(contract).check(turning)["ok"].all()


def test_turning_profile_finds_the_sibling_roughness_measure(turning):
    result = profile(turning, make_config("Ra", "regression"))
    # Rq is measured with Ra by the same profilometer pass: |Spearman| 0.99 with the target.
    assert result.leakage_columns("label") == ["Rq"]
    assert result.feature_scores["Rq"] > 0.99


def test_lens_data_validates_without_critical_failures(gx, lens):
    contract = build_contract(lens, make_config("quality", "multiclass"))
    report = validate(lens, contract)
    assert report.critical_failures == []
    assert report.warnings == []
    assert (
        len(report.results) == len(contract.expectations) == 13 * 5 + 3
    )  # per feature: exists, type, finite, range, missing share
    assert profile(lens, make_config("quality", "multiclass")).leakage == []
