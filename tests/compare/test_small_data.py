"""Small data end to end: a 39-run press DOE with 6 cracks is compared, evaluated out of fold and retrained.

The DOE is the corpus's (``tests/corpus``). The comparison repeats stratified cross-validation on all rows (no tiny test part), the KPIs come from
out-of-fold predictions, and retraining on the DOE plus 12 new runs works, through the CLI as a user runs it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from config_files import write_yaml_config
from corpus.exports import press_doe
from sklearn.ensemble import RandomForestClassifier

from axpoc.compare import model_output

TARGET, ID = "크랙", "실험번호"
SETTINGS = {
    "project": {"name": "press_doe"},
    "process": "press_forming",
    "language": "ko",
    "target": {"column": TARGET, "task": "binary", "positive_class": 1},
    "columns": {"id": ID},
    "candidates": ["logistic", {"name": "lightgbm", "params": {"n_estimators": 30}}, "ensemble"],
    "tuning": {"trials": 2},
    "kpi": {"gates": {"roc_auc": ">= 0.6"}},
}


def test_a_model_fitted_on_one_class_scores_without_error() -> None:
    X = pd.DataFrame({"x": np.arange(10.0)})
    for only in (0, 1):
        fitted = RandomForestClassifier(n_estimators=3, random_state=0).fit(X, np.full(10, only))
        assert np.array_equal(model_output(fitted, X, "binary"), np.full(10, float(only)))


def test_a_39_run_doe_runs_out_of_fold_and_retrains(cli, project_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "프레스_DOE.csv"
    press_doe().to_csv(data, index=False, encoding="utf-8-sig")
    config = write_yaml_config({**SETTINGS, "data": {"path": str(data)}}, tmp_path)
    at = ("--project-dir", project_dir)

    run = cli("run", config, *at, "--json")
    assert run.code == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    outcome = run.json()
    assert outcome["split"].startswith("small data (39 labelled rows, fewer than 100): no separate test part")
    assert any(str(note).startswith("5x repeated 5-fold StratifiedKFold") for note in outcome["notes"])
    assert {row["candidate"] for row in outcome["leaderboard"] if row["status"] == "ok"} >= {
        "logistic",
        "lightgbm",
    }
    kpis = outcome["kpis"]
    assert 0.5 < kpis["roc_auc"] <= 1.0 and 0.0 <= kpis["recall"] <= 1.0  # out of fold, on all 39 runs
    assert outcome["model_version"] == "1"

    later = press_doe(seed=1).assign(**{ID: lambda f: f[ID] + 100})  # a second DOE: 12 of its runs, 2 cracked
    new = tmp_path / "new_runs.csv"
    pd.concat([later[later[TARGET] == 1].head(2), later[later[TARGET] == 0].head(10)]).to_csv(
        new, index=False
    )
    again = cli("retrain", config, "--data", new, *at, "--json")
    assert again.code == 0, again.stdout + again.stderr
    retrained = again.json()
    assert retrained["n_reference"] == 39 and retrained["n_new"] == 12
    assert retrained["challenger_version"] == "2"


def test_when_the_folds_cannot_compare_tuned_and_default_trials_the_defaults_stay() -> None:
    """Two of three validation folds hold one class (their AP is undefined): one fold cannot pick a winner."""
    from axpoc.compare import Scorer, compare_candidates
    from axpoc.config import CandidateConfig, TuningConfig
    from axpoc.models import build_pipeline, get_family

    rng = np.random.default_rng(0)
    y = np.r_[rng.permutation([1] * 8 + [0] * 12), np.ones(20, dtype=int), np.zeros(20, dtype=int)]
    X = pd.DataFrame({"x": y + rng.normal(0, 1.0, 60), "z": rng.normal(size=60)})
    blocks = np.repeat(np.arange(3), 20)
    splits = [(np.flatnonzero(blocks != b), np.flatnonzero(blocks == b)) for b in range(3)]
    family = get_family("random_forest")
    comparison = compare_candidates(
        X,
        y,
        task="binary",
        classes=np.array([0, 1]),
        splits=splits,
        candidates=[CandidateConfig(name="random_forest", params={"n_estimators": 20})],
        families={"random_forest": family},
        builder=lambda fam, params: build_pipeline(fam, params, frame=X, features=["x", "z"], task="binary"),
        defaults={"random_forest": family.defaults(task="binary", n_rows=60, n_features=2, n_classes=2)},
        skipped={},
        tuning=TuningConfig(trials=8),
        scorer=Scorer.for_task("binary", "average_precision"),
    )
    result = comparison.results[0]
    assert int(np.isfinite(result.fold_scores).sum()) == 1
    tuned = max(float(v) for v in result.trials["value"].dropna())
    assert tuned > result.interval.mean  # a tuned trial scored higher on the one fold ...
    assert result.reason.startswith(
        "defaults kept: fewer than two folds can compare"
    )  # ... the defaults stay
    assert result.reason.text("ko").startswith("기본값 유지: ")


def test_when_no_candidate_can_be_fitted_the_message_names_the_cause_not_the_budget(tmp_path: Path) -> None:
    import pytest

    from axpoc.config import config_from_dict
    from axpoc.errors import UserError
    from axpoc.steps import prepare, run_comparison

    data = tmp_path / "doe.csv"
    press_doe().to_csv(data, index=False)
    settings = {**SETTINGS, "data": {"path": str(data)}, "tuning": {"trials": 1, "budget_s": 20}}
    config = config_from_dict({**settings, "candidates": [{"name": "logistic", "params": {"C": -1.0}}]})
    with pytest.raises(UserError) as error:
        run_comparison(config, prepare(config))
    message = error.value.message  # a phrase: English, and Korean on a Korean console
    assert message.startswith("No candidate could be fitted (logistic: no trial finished: ")
    assert "This is not the time budget" in message and "Raise tuning.budget_s" not in message
    korean = message.text("ko")
    assert korean.startswith("후보가 하나도 학습되지 않았습니다 (logistic: 끝난 시도가 없음: ")
    assert "시간 예산 문제가 아닙니다" in korean


def test_small_data_flags_come_from_thresholds_chosen_on_the_other_folds() -> None:
    from types import SimpleNamespace

    from axpoc.compare import cross_fitted_decisions

    class Same:
        @staticmethod
        def transform(p: np.ndarray) -> np.ndarray:
            return p

    raw = np.linspace(0.0, 1.0, 20)
    y = (raw > 0.5).astype(int)
    y[[3, 15]] = 1 - y[[3, 15]]
    seen: list[int] = []

    def pick(y_part: np.ndarray, p_part: np.ndarray) -> tuple[object, float]:
        seen.append(len(y_part))
        return Same(), float(p_part[y_part == 1].min())  # the lowest defect score among the other folds

    before = pd.DataFrame({"score": raw, "prediction": "OK", "decision": raw >= 0.0})
    model = SimpleNamespace(positive_label="NG", negative_label="OK")
    after = cross_fitted_decisions(before, model, y, raw=raw, pick=pick)
    assert seen == [16] * 5  # five parts, each threshold chosen on the 16 rows outside it
    assert (after["score"] == before["score"]).all()
    assert set(after["prediction"]) == {"NG", "OK"}
    assert (after["prediction"] == np.where(after["decision"], "NG", "OK")).all()
    assert after["decision"].sum() < before["decision"].sum()
