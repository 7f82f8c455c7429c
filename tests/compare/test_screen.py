"""The group-level screen: drop columns that name the group unless grouped folds show they help."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import GroupKFold, StratifiedGroupKFold

from axpoc.compare import Budget, Scorer, screen_group_level
from axpoc.data import group_level_columns
from axpoc.models import build_pipeline, get_family

N_GROUPS, PER_GROUP = 20, 30


def tools(*, feed_drives_label: bool, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Rows of 14 tools; each tool is worn or not, and has its own set feed rate.

    ``feed_drives_label=False``: the feed rate is a random number per tool (it only names the tool) and
    the spindle load carries the wear. ``True``: high feed rates wear the tool, the load says little.
    """
    rng = np.random.default_rng(seed)
    feed = rng.permutation(np.linspace(3.0, 20.0, N_GROUPS))
    worn = (
        (feed > np.median(feed)).astype(int)
        if feed_drives_label
        else rng.permutation([0, 1] * (N_GROUPS // 2))
    )
    group = np.repeat(np.arange(N_GROUPS), PER_GROUP)
    signal = 0.2 if feed_drives_label else 1.5
    frame = pd.DataFrame(
        {
            "이송속도": feed[group],
            "부하": worn[group] * signal + rng.normal(0, 1.0, len(group)),
            "진동": rng.normal(size=len(group)),
        }
    )
    return frame, worn[group], group


def screen(
    frame: pd.DataFrame,
    y: np.ndarray,
    group: np.ndarray,
    budget_s: float | None = None,
    *,
    task: str = "binary",
    target_group_level: bool = True,
):
    features = list(frame.columns)
    family = get_family("lightgbm")
    params = family.defaults(task=task, n_rows=len(frame), n_features=len(features), n_classes=2)
    folds = StratifiedGroupKFold(4, shuffle=True, random_state=0) if task == "binary" else GroupKFold(4)
    splits = list(folds.split(frame, y, group))
    return screen_group_level(
        frame,
        y,
        columns=group_level_columns(frame, features, group),
        features=features,
        group="tool_id",
        family="lightgbm",
        params=params,
        build=lambda names, p: build_pipeline(family, p, frame=frame, features=names, task=task),
        classes=np.array([0, 1]),
        splits=splits,
        scorer=Scorer.for_task(task),
        budget=Budget(budget_s),
        target_group_level=target_group_level,
    )


def test_a_column_that_only_names_the_tool_is_dropped() -> None:
    frame, y, group = tools(feed_drives_label=False)
    result = screen(frame, y, group)
    assert result.columns == ("이송속도",)
    assert result.dropped == ("이송속도",)
    assert result.score_without > result.score_with
    assert "leaves them out" in result.note and "one example per group" in result.note
    assert "모든 후보에서 제외함" in result.note.text("ko")
    assert f"{result.score_without:.3f}" in result.note.text("ko")


def test_a_column_that_drives_the_label_across_tools_is_kept() -> None:
    frame, y, group = tools(feed_drives_label=True)
    result = screen(frame, y, group)
    assert result.dropped == ()
    assert result.score_with > result.score_without
    assert "are kept" in result.note and "(they score better)" in result.note


@pytest.mark.parametrize(
    ("effect", "dropped", "why"),
    [
        (0.0, True, "(a significant difference, p="),
        (0.1, False, "(leaving them out is not significantly better, p="),
        (0.2, False, "(they score better)"),
    ],
)
def test_with_a_target_that_varies_within_groups_only_a_significant_gain_drops_them(
    effect: float, dropped: bool, why: str
) -> None:
    """Roughness varies part to part; the tool's set feed rate adds ``effect`` per unit (0: names the tool)."""
    frame, _, group = tools(feed_drives_label=False)
    feed = frame["이송속도"].to_numpy()
    noise = np.random.default_rng(3).normal(0, 0.5, len(frame))
    y = 2.0 * frame["부하"].to_numpy() + effect * (feed - feed.mean()) + noise
    result = screen(frame, y, group, task="regression", target_group_level=False)
    assert result.dropped == (("이송속도",) if dropped else ())
    assert why in result.note


def test_a_screen_over_half_the_budget_is_skipped_and_keeps_the_columns() -> None:
    frame, y, group = tools(feed_drives_label=False)
    result = screen(frame, y, group, budget_s=0.01)
    assert result.dropped == ()
    assert "kept unscreened" in result.note and "over half the budget" in result.note
    assert "검증하지 못해 유지함" in result.note.text("ko")


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_note_survives_pickling_as_a_phrase(language: str) -> None:
    import pickle

    frame, y, group = tools(feed_drives_label=False)
    note = screen(frame, y, group).note
    again = pickle.loads(pickle.dumps(note))
    assert again.text(language) == note.text(language)


def test_run_comparison_screens_before_comparing_and_the_model_still_takes_every_column(tmp_path) -> None:
    from axpoc.compare import model_output
    from axpoc.config import config_from_dict
    from axpoc.steps import run_comparison
    from axpoc.steps._prepare import prepare

    frame, y, group = tools(feed_drives_label=False, seed=1)
    frame["tool_id"], frame["worn"] = [f"T{g:02d}" for g in group], y
    path = tmp_path / "tools.csv"
    frame.to_csv(path, index=False)
    config = config_from_dict(
        {
            "project": {"name": "screen"},
            "process": "cnc_machining",
            "data": {"path": str(path)},
            "target": {"column": "worn", "task": "binary", "positive_class": 1},
            "columns": {"group": "tool_id"},
            "split": {"method": "group", "cv_folds": 4},
            "candidates": ["logistic", "lightgbm"],
            "tuning": {"trials": 1, "n_jobs": 1},
        },
        source="test",
    )
    prepared = prepare(config)
    comparison = run_comparison(config, prepared)
    notes = [note for note in comparison.notes if "group-level" in note]
    assert len(notes) == 1 and "'tool_id'" in notes[0] and "leaves them out" in notes[0]
    lightgbm = next(r for r in comparison.results if r.name == "lightgbm")
    assert lightgbm.n_trials == 1  # the screen's run without the column is its defaults trial, not run again
    assert np.mean(lightgbm.fold_scores) == pytest.approx(notes[0].values["without"])
    prep = comparison.model.named_steps["prep"]
    assert "이송속도" not in prep.kinds and {"부하", "진동"} <= set(prep.kinds)
    test = prepared.test[prepared.roles.features]
    assert "이송속도" in test.columns
    out = model_output(comparison.model, test, "binary")
    assert out.shape == (len(test),) and np.isfinite(out).all()
