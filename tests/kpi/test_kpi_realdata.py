"""KPIs on the AI4I 2020 milling data (10,000 parts, 3.4 % failures): sklearn agreement and speed."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sklearn.metrics as skm

from axpoc.kpi import Baseline, CostModel, Volumes, bootstrap_ci, business_kpis, cost_optimal_threshold

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def failures(data_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    df = pd.read_csv(data_dir / "ai4i2020" / "ai4i2020.csv", encoding="utf-8-sig")
    # a one-feature score: mechanical power (torque x speed) drives the overstrain and power failures
    power = df["Torque [Nm]"].to_numpy() * df["Rotational speed [rpm]"].to_numpy()
    score = np.abs(power - np.median(power))
    return df["Machine failure"].to_numpy(), score / score.max()


def test_bootstrap_on_real_data_agrees_with_sklearn_and_is_fast(
    failures: tuple[np.ndarray, np.ndarray],
) -> None:
    y, score = failures
    start = time.perf_counter()
    point, low, high = bootstrap_ci("roc_auc", y, score, n_boot=1000)
    elapsed = time.perf_counter() - start
    assert point == pytest.approx(skm.roc_auc_score(y, score), rel=1e-12)
    assert low < point < high
    assert elapsed < 10  # about 0.3 s measured on 2 busy cores; generous for CI noise
    # UDI order is time order: blocks of 200 parts keep short-term machine states together
    _, blk_low, blk_high = bootstrap_ci("roc_auc", y, score, block_size=200, n_boot=300)
    assert blk_low < point < blk_high


def test_threshold_cost_equals_business_model_cost(failures: tuple[np.ndarray, np.ndarray]) -> None:
    y, score = failures
    r = cost_optimal_threshold(y, score, escape_cost=200_000, false_alarm_cost=5_000, inspection_cost=1_000)
    kpis = business_kpis(
        y,
        r.flags(score),
        cost=CostModel(inspection_cost=1_000, escape_cost=200_000, false_alarm_cost=5_000),
        baseline=Baseline("all", detection_rate=0.95),
        volumes=Volumes(parts_per_day=500, working_days_per_month=22),
    )
    assert kpis.details["model_cost_per_part"] == pytest.approx(r.expected_cost_per_part)
    assert r.expected_cost_per_part <= r.curve["cost"].iloc[0]  # never worse than inspecting nothing
    assert r.expected_cost_per_part <= r.curve["cost"].iloc[-1]  # nor than inspecting everything
