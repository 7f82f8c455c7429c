"""Small data has no test part: a new model is judged on out-of-fold predictions, so the champion it is
compared with is judged the same way on the same rows (refitted on the same folds), never on rows it was
trained on; when that cannot be done, the comparison is undefined with a reason, never a number."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest
from config_files import write_yaml_config
from sklearn.base import BaseEstimator, ClassifierMixin

SMALL = {
    "project": {"name": "small_second_run", "title": "작은 데이터"},
    "process": "injection_molding",
    "language": "ko",
    "data": {"demo": {"rows": 60, "defect_rate": 0.25, "seed": 5}},
    "target": {"column": "defect", "task": "binary", "positive_class": 1},
    "columns": {"id": "shot_id", "time": "timestamp", "exclude": ["defect_type", "cavity_pressure", "lot"]},
    "split": {"cv_folds": 3},
    "candidates": ["random_forest"],
    "tuning": {"trials": 1},
    "kpi": {"gates": {"roc_auc": ">= 0.5"}},
}


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any, Any]:
    """(config, prepared, model): a forest trained on all 60 rows, its KPIs out of fold."""
    from axpoc.config import load_config
    from axpoc.steps import build_poc_model, prepare, run_comparison

    config = load_config(write_yaml_config(SMALL, tmp_path_factory.mktemp("small")))
    prepared = prepare(config)
    assert prepared.split.resampled
    comparison = run_comparison(config, prepared)
    model, _note, _curve = build_poc_model(config, prepared, comparison)
    return config, prepared, model


def test_champion_is_judged_out_of_fold_like_the_new_model(small_run: tuple[Any, Any, Any]) -> None:
    """The same forest as champion and as new model: judged the same way on the same folds they tie.

    Scored on the rows it was trained on, the champion's average precision is near 1 and the new model's
    out-of-fold one far below: the same configuration looked worse than itself."""
    from axpoc.promotion import non_inferior

    config, prepared, model = small_run
    test = non_inferior(config, None, "1", prepared, model, champion_model=model)
    assert test.code == "not_worse" and test.ok
    assert test.diff == pytest.approx(0.0, abs=1e-12)


class _RefusesToFit(ClassifierMixin, BaseEstimator):
    """A champion's estimator whose training cannot be repeated here (a family no longer installed)."""

    def fit(self, X: Any, y: Any) -> _RefusesToFit:
        raise RuntimeError("the family 'legacy_forest' is not installed")

    def predict_proba(self, X: Any) -> np.ndarray:
        return np.full((len(X), 2), 0.5)


def test_champion_that_cannot_be_refitted_is_undefined_not_a_number(
    small_run: tuple[Any, Any, Any],
) -> None:
    from axpoc.i18n import DecisionReason
    from axpoc.promotion import non_inferior

    config, prepared, model = small_run
    legacy = _RefusesToFit()
    legacy.classes_ = np.array([0, 1])
    champion = dataclasses.replace(model, estimator=legacy)
    test = non_inferior(config, None, "1", prepared, model, champion_model=champion)
    assert (test.ok, test.code, test.diff, test.low) == (False, "champion_not_comparable", None, None)
    assert "legacy_forest" in test.values["error"]
    reason = DecisionReason(test.code, test.values)
    assert "comparison is undefined" in str(reason) and "비교 결과가 정의되지 않아" in reason.text("ko")
