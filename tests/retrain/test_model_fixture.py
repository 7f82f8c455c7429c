"""Upgrades never orphan a model: a model saved by axpoc 0.1.0 (tests/fixtures/model_v0_1_0, written by
tests/fixtures/make_model_fixture.py) still loads with plain MLflow and scores as it did."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_model_saved_by_axpoc_0_1_0_loads_and_scores_the_same() -> None:
    import mlflow

    model = mlflow.pyfunc.load_model(str(FIXTURES / "model_v0_1_0"))
    expected = pd.read_csv(FIXTURES / "model_v0_1_0.expected.csv")
    inputs = expected.drop(columns=["score", "decision"])
    scored = model.predict(inputs)
    assert list(scored.columns) == ["score", "prediction", "decision"]
    pd.testing.assert_series_equal(
        scored["score"], expected["score"], check_exact=False, rtol=1e-9, atol=1e-12
    )
    poc_model = model.unwrap_python_model().poc_model
    margin = (expected["score"] - poc_model.threshold).abs() > 1e-9  # decisions not on a rounding edge
    assert (scored["decision"][margin] == expected["decision"][margin]).all()
    assert poc_model.axpoc_version == "0.1.0" and poc_model.features == list(inputs.columns)
    requirements = (FIXTURES / "model_v0_1_0" / "requirements.txt").read_text(encoding="utf-8").split()
    assert "axpoc==0.1.0" in requirements  # the model's environment pins the axpoc that wrote it
