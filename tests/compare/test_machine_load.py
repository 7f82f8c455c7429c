"""A busy machine never removes a family from the comparison: every family's defaults are scored.

Two child processes spin on the CPU (for at most ``SPIN_S`` seconds, stopped as soon as the comparison ends)
while five families are compared under a budget far too small for all of them on a loaded machine.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import StratifiedKFold

from axpoc.compare import Scorer, compare_candidates
from axpoc.compare import _compare as compare_module
from axpoc.config import CandidateConfig, TuningConfig
from axpoc.models import build_pipeline, get_family

SPIN_S = 60.0
SMALL = {"n_estimators": 40}
FAMILIES = {
    "logistic": {},
    "random_forest": SMALL,
    "extra_trees": SMALL,
    "hist_gradient_boosting": {"max_iter": 40},
    "lightgbm": SMALL,
}
"""Small settings keep each family's defaults well inside the per-family limit (twice the whole budget)."""


def _spin(seconds: float) -> None:
    """Busy work for ``seconds``: the load another program puts on the PC."""
    deadline = time.monotonic() + seconds
    x = 0
    while time.monotonic() < deadline:
        x = (x * 31 + 7) % 1_000_003


@pytest.fixture
def busy_machine() -> Iterator[list[multiprocessing.Process]]:
    context = multiprocessing.get_context("spawn")
    spinners = [context.Process(target=_spin, args=(SPIN_S,), daemon=True) for _ in range(2)]
    for spinner in spinners:
        spinner.start()
    try:
        yield spinners
    finally:
        for spinner in spinners:
            spinner.terminate()
            spinner.join(timeout=5)


def test_every_family_keeps_its_defaults_score_on_a_busy_machine(
    busy_machine: list[multiprocessing.Process], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compare_module, "LOGGING_RESERVE_S", 0.2)
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(800, 6)), columns=[f"x{i}" for i in range(6)])
    y = ((frame["x0"] * frame["x1"] + rng.normal(0, 0.3, len(frame))) > 0).astype(int).to_numpy()
    families = {name: get_family(name) for name in FAMILIES}
    defaults = {
        name: family.defaults(task="binary", n_rows=len(frame), n_features=6, n_classes=2)
        for name, family in families.items()
    }
    assert all(spinner.is_alive() for spinner in busy_machine)
    budget_s = 2.0  # far less than five families' defaults take while two other programs spin
    comparison = compare_candidates(
        frame,
        y,
        task="binary",
        classes=np.array([0, 1]),
        splits=list(StratifiedKFold(3, shuffle=True, random_state=0).split(frame, y)),
        candidates=[CandidateConfig(name=name, params=params) for name, params in FAMILIES.items()],
        families=families,
        builder=lambda family, params: build_pipeline(
            family, params, frame=frame, features=list(frame.columns), task="binary"
        ),
        defaults=defaults,
        skipped={},
        tuning=TuningConfig(budget_s=budget_s, trials=3),
        scorer=Scorer.for_task("binary", "roc_auc"),
    )

    assert all(spinner.is_alive() for spinner in busy_machine)  # the load lasted the whole comparison
    outcome = {r.name: (r.status, str(r.reason)) for r in comparison.results}
    assert set(outcome) == set(FAMILIES)
    assert all(status == "ok" for status, _ in outcome.values()), outcome
    assert set(comparison.leaderboard["candidate"]) == set(FAMILIES)
    # How far past the budget the defaults ran depends on how busy the machine was (on a quiet CI machine
    # they may even fit): what must hold is that no family was dropped for it, checked above.
