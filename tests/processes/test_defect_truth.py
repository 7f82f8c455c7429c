"""The demo generators' true defect mechanism (``simulate`` + ``defect_probability``), which the recommend
benchmark uses to check recommendations against the physics."""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest

from axpoc.errors import UserError
from pipelines._physics import take_rows

TARGETS = {"injection_molding": "defect", "press_forming": "defect", "cnc_machining": "out_of_spec"}


def _module(name: str):
    return importlib.import_module(f"pipelines.{name}")


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_simulate_is_generate_plus_what_the_columns_do_not_show(name: str) -> None:
    module = _module(name)
    parts, hidden = module.simulate(rows=400, defect_rate=0.08, drift=0.0, seed=2)
    plain = module.generate(rows=400, defect_rate=0.08, drift=0.0, seed=2)
    scalar = [c for c in parts.columns if not isinstance(parts[c].iloc[0], np.ndarray)]
    pd.testing.assert_frame_equal(parts[scalar], plain[scalar])
    p = module.defect_probability(parts, hidden)
    assert p.shape == (400,) and ((p >= 0) & (p <= 1)).all()
    assert abs(p.mean() - 0.08) < 0.02  # calibrated to the requested rate
    defects = parts[TARGETS[name]].to_numpy() == 1
    assert p[defects].mean() > 3 * p[~defects].mean()  # the mechanism is what decided the defects
    some = np.arange(0, 400, 7)
    assert np.allclose(module.defect_probability(parts.iloc[some], take_rows(hidden, some)), p[some])


def test_settings_move_the_true_probability_the_way_the_physics_says() -> None:
    module = _module("cnc_machining")
    parts, hidden = module.simulate(rows=300, defect_rate=0.1, drift=0.0, seed=4)
    finer = parts.assign(feed_mm_rev=parts["feed_mm_rev"] * 0.8)  # smaller feed marks
    assert module.defect_probability(finer, hidden).mean() < module.defect_probability(parts, hidden).mean()


def test_an_unknown_product_is_named() -> None:
    module = _module("injection_molding")
    parts, hidden = module.simulate(rows=60, defect_rate=0.1, drift=0.0, seed=0)
    with pytest.raises(UserError, match="'XYZ-1' is not one of this process's demo products"):
        module.defect_probability(parts.assign(product="XYZ-1"), hidden)
