"""The report's global view: which columns matter (permutation importance) and how the score follows them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from explain_toys import FEATURES, parts

from axpoc.compare import Scorer
from axpoc.explain import average_effects, permutation_importance


def test_the_informative_column_ranks_first_and_noise_near_zero(
    model: Callable[[str, str], Any], toy: dict[str, Any]
) -> None:
    fitted = model("lightgbm", "regression")
    test = parts(200, seed=11)
    y = ((test["금형온도"] - 210.0) / 10.0).to_numpy()
    table = permutation_importance(fitted, test, y, Scorer.for_task("regression"), n_repeats=2)
    assert table["feature"].tolist()[0] == "금형온도" and set(table["feature"]) == set(FEATURES)
    importance = table.set_index("feature")["importance"]
    assert importance["금형온도"] > 0.5  # RMSE grows by more than half a unit when it is shuffled
    assert importance[["잡음", "재질"]].abs().max() < 0.1 * importance["금형온도"]


def test_average_effects_follow_the_temperature_and_skip_text_columns(
    model: Callable[[str, str], Any],
) -> None:
    fitted = model("lightgbm", "binary")
    effects = average_effects(fitted, parts(120, seed=12), ["금형온도", "재질"], grid=6)
    assert set(effects) == {"금형온도"}
    curve = effects["금형온도"]
    assert len(curve) == 6 and curve["value"].is_monotonic_increasing
    assert curve["mean_prediction"].iloc[-1] - curve["mean_prediction"].iloc[0] > 0.5
    assert np.all(np.diff(curve["mean_prediction"]) > -0.05)  # rising, up to the trees' steps
