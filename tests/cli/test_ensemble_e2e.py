"""An ensemble champion end to end: registered as one model, scored by ``axpoc predict``, retrained as listed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

MEMBERS = [
    {"family": "logistic", "params": {"C": 0.5}, "weight": 1},
    {"family": "lightgbm", "params": {"n_estimators": 40, "num_leaves": 7}, "weight": 2},
]


def test_ensemble_champion_predicts_and_retrains(
    cli, write_config, project_dir: Path, tmp_path: Path
) -> None:
    from axpoc.models import BlendClassifier
    from axpoc.steps import demo_frame
    from axpoc.tracking import load_poc_model, open_store

    config = write_config(
        tmp_path,
        {
            "candidates": [{"name": "ensemble", "params": {"members": MEMBERS}, "tune": False}],
            "tuning": {"trials": 1},
        },
    )
    at = ("--project-dir", project_dir)
    run = cli("run", config, *at, "--json")
    assert run.code == 0, run.stderr
    outcome = run.json()
    assert outcome["chosen"] == "ensemble" and outcome["alias"] == "champion", outcome

    champion = load_poc_model(open_store(project_name="cli_demo", project_dir=project_dir), "champion")
    assert champion.family == "ensemble"
    blend = champion.estimator
    while not isinstance(blend, BlendClassifier):  # under the calibration and threshold wrappers
        blend = getattr(blend, "estimator", None)
        assert blend is not None, champion.estimator
    assert [name for name, _ in blend.members_] == ["0_logistic", "1_lightgbm"]

    parts = demo_frame("injection_molding", rows=200, defect_rate=0.06, drift=0.0, seed=3)
    source = tmp_path / "shift.parquet"  # Parquet keeps the sensor-curve column
    parts.to_parquet(source, index=False)
    scored = cli("predict", config, "--input", source, "--output", tmp_path / "scored.csv", *at, "--json")
    assert scored.code == 0, scored.stdout
    out = pd.read_csv(tmp_path / "scored.csv", encoding="utf-8-sig")
    assert len(out) == scored.json()["scored"] == 200 and out["score"].between(0, 1).all()

    later = demo_frame("injection_molding", rows=400, defect_rate=0.06, drift=0.5, seed=4)
    later["shot_id"] += 10_000_000
    later["timestamp"] += pd.Timedelta(days=30)
    new = tmp_path / "new.parquet"
    later.to_parquet(new, index=False)
    retrained = cli("retrain", config, "--data", new, *at, "--json")
    assert retrained.code == 0, retrained.stderr
    challenger = load_poc_model(
        open_store(project_name="cli_demo", project_dir=project_dir), retrained.json()["challenger_version"]
    )
    assert challenger.family == "ensemble"
    assert challenger.metadata["params"]["members"] == MEMBERS
