"""Cp, Cpk, Ppk against hand arithmetic; control charts on an injected shift."""

from __future__ import annotations

import math

import numpy as np
import pytest

from axpoc.kpi import SpecLimits, Undefined, capability, capability_passed, control_signals

# In time order. mean = 60 / 6 = 10.
# moving ranges |11-9|, |10-11|, |12-10|, |10-12|, |8-10| = 2, 1, 2, 2, 2 -> mean 1.8
# sigma_within = 1.8 / 1.128 = 1.595745
# deviations -1, 1, 0, 2, 0, -2 -> sum of squares 10 -> sigma_overall = sqrt(10 / 5) = 1.414214
X = [9.0, 11.0, 10.0, 12.0, 10.0, 8.0]
SW = 1.8 / 1.128
SO = math.sqrt(2.0)


def test_two_sided_capability_by_hand() -> None:
    c = capability(X, SpecLimits(4.0, 17.0))
    assert c.n == 6 and c.mean == pytest.approx(10.0)
    assert c.sigma_within == pytest.approx(SW) and c.sigma_overall == pytest.approx(SO)
    assert c.cp == pytest.approx(13 / (6 * SW))  # (17 - 4) / 9.5745 = 1.3578
    assert c.cpk == pytest.approx(6 / (3 * SW))  # min(17 - 10, 10 - 4) / 4.7872 = 1.2533
    assert c.ppk == pytest.approx(6 / (3 * SO))  # 6 / 4.2426 = 1.4142
    assert c.cp == pytest.approx(1.357778, abs=1e-6) and c.cpk == pytest.approx(1.253333, abs=1e-6)


def test_one_sided_capability() -> None:
    c = capability(X, SpecLimits(usl=17.0))
    assert isinstance(c.cp, Undefined) and "both LSL and USL" in c.cp.reason
    assert c.cpk == pytest.approx(7 / (3 * SW))  # CPU = (17 - 10) / 4.7872 = 1.4622
    assert c.ppk == pytest.approx(7 / (3 * SO))  # 1.6499
    c = capability(X, SpecLimits(lsl=7.0))
    assert c.cpk == pytest.approx(3 / (3 * SW))  # CPL = (10 - 7) / 4.7872 = 0.6267


def test_time_order_and_groups_change_sigma_within() -> None:
    # order puts X in the sequence 9, 10, 11, 12, 10, 8: ranges 1, 1, 1, 2, 2 -> 7 / 5 = 1.4
    c = capability(X, SpecLimits(4.0, 17.0), order=[0, 2, 1, 3, 4, 5])
    assert c.sigma_within == pytest.approx(1.4 / 1.128)
    assert c.ppk == pytest.approx(6 / (3 * SO))  # overall sigma ignores order
    # groups a = 9, 11, 10 (SS 2), b = 12, 10, 8 (SS 8): pooled sqrt(10 / (2 + 2)) = 1.5811
    c = capability(X, SpecLimits(4.0, 17.0), groups=list("aaabbb"))
    assert c.sigma_within == pytest.approx(math.sqrt(2.5))
    assert c.cpk == pytest.approx(6 / (3 * math.sqrt(2.5)))


def test_capability_of_passed_parts() -> None:
    # the model flags the last part (8.0); the rest: 9, 11, 10, 12, 10
    # mean 10.4; ranges 2, 1, 2, 2 -> sigma_within 1.75 / 1.128; CPL = (10.4 - 4) / (3 * 1.5514)
    c = capability_passed(X, [0, 0, 0, 0, 0, 1], SpecLimits(4.0, 17.0))
    assert c.n == 5 and c.mean == pytest.approx(10.4)
    assert c.cpk == pytest.approx(6.4 / (3 * 1.75 / 1.128))
    assert capability_passed(X, [1] * 6, SpecLimits(4.0, 17.0)).n == 0


@pytest.mark.parametrize(("lsl", "usl"), [(5.0, 5.0), (6.0, 5.0), (None, None), (math.nan, 5.0)])
def test_spec_limits_are_validated(lsl: float | None, usl: float | None) -> None:
    with pytest.raises(ValueError, match=r"lsl|usl"):
        SpecLimits(lsl, usl)


def test_capability_undefined_and_misuse() -> None:
    c = capability([10.0, 10.0, 10.0], SpecLimits(9.0, 11.0))
    assert "zero variation" in c.cpk.reason and "zero variation" in c.cp.reason
    c = capability([10.0], SpecLimits(9.0, 11.0))
    assert "at least 2 parts" in c.ppk.reason
    c = capability(X, SpecLimits(4.0, 17.0), groups=list("abcdef"))
    assert "single part" in c.cpk.reason
    with pytest.raises(ValueError, match="not both"):
        capability(X, SpecLimits(4.0, 17.0), groups=list("aaabbb"), order=range(6))
    with pytest.raises(ValueError, match="NaN"):
        capability([1.0, math.nan], SpecLimits(0.0, 2.0))


# ---------------------------------------------------------------- control charts


def test_shewhart_limits_by_hand() -> None:
    # baseline 1, 2, 1, 2, 1, 2: center 1.5, moving ranges all 1 -> sigma = 1 / 1.128 = 0.8865
    # UCL = 1.5 + 3 * 0.8865 = 4.1596; LCL = -1.1596; the 7th point (5) is out
    r = control_signals([1, 2, 1, 2, 1, 2, 5], baseline_n=6)
    assert r.center == pytest.approx(1.5) and r.sigma == pytest.approx(1 / 1.128)
    assert r.ucl[0] == pytest.approx(4.159574, abs=1e-6) and r.lcl[0] == pytest.approx(-1.159574, abs=1e-6)
    assert r.signals.tolist() == [False] * 6 + [True]
    assert r.rate == pytest.approx(1 / 7)


def test_ewma_statistic_and_time_varying_limits_by_hand() -> None:
    r = control_signals([1, 2, 1, 2, 4], method="ewma", lam=0.5, baseline_n=4)
    # z0 = center 1.5; z = 0.5 x + 0.5 z: 1.25, 1.625, 1.3125, 1.65625, 2.828125
    assert r.statistic.tolist() == pytest.approx([1.25, 1.625, 1.3125, 1.65625, 2.828125])
    # half width 3 * sigma * sqrt(0.5 / 1.5 * (1 - 0.5^(2i))): i=1 -> 3 * 0.8865 * 0.5 = 1.3298
    assert r.ucl[0] - 1.5 == pytest.approx(3 / 1.128 * 0.5)
    assert r.ucl[4] - 1.5 == pytest.approx(3 / 1.128 * math.sqrt((1 - 0.5**10) / 3))  # 1.5348
    assert not r.signals.any()  # 2.83 < 3.03


def test_ewma_catches_a_small_shift_that_shewhart_misses() -> None:
    rng = np.random.default_rng(8)
    score = rng.normal(0.0, 1.0, 400)
    score[200:] += 1.0  # a one-sigma shift: drifting material, a worn tool
    ewma = control_signals(score, method="ewma", baseline_n=200)
    shewhart = control_signals(score, method="shewhart", baseline_n=200)
    assert ewma.signals[:200].mean() < 0.02  # in control before the shift
    assert ewma.signals[200:].mean() > 0.25
    assert np.argmax(ewma.signals[200:]) < 50  # found within 50 parts of the shift
    assert shewhart.signals[200:].mean() < ewma.signals[200:].mean() / 4
    big = score.copy()
    big[200:] += 3.0  # a four-sigma jump: the Shewhart chart sees most points
    assert control_signals(big, baseline_n=200).signals[200:].mean() > 0.5


def test_control_signals_reject_misuse() -> None:
    with pytest.raises(ValueError, match="baseline_n"):
        control_signals([1.0, 2.0, 3.0], baseline_n=1)
    with pytest.raises(ValueError, match="method"):
        control_signals([1.0, 2.0, 3.0], method="cusum")  # type: ignore[arg-type]
    flat = control_signals([1.0, 1.0, 1.0, 2.0], baseline_n=3)
    assert "no variation" in flat.rate.reason
