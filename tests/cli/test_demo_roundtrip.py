"""``axpoc demo-data`` output round-trips: a .parquet file (curves inside) feeds ``drift``, ``predict`` and
``retrain`` of the same example config, and a .csv pair is read back by the ``data.curves`` it names."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "configs" / "examples"
# Two quick candidates and two trials: the flow of the example, a fraction of its time. A machining test part
# needs several whole tools (a tool lasts ~250 parts) and enough out-of-spec parts to be evidence (a model
# is never champion without it), hence more rows and a higher defect rate there.
SMALL = {
    "injection_molding": (["logistic", "lightgbm"], 900, None),
    "press_forming": (["logistic", "lightgbm"], 900, None),
    "cnc_machining": (["ridge", "lightgbm"], 3000, 0.2),
}


def _small_example(process: str, folder: Path) -> Path:
    raw = yaml.safe_load((EXAMPLES / f"{process}.yaml").read_text(encoding="utf-8"))
    candidates, rows, defect_rate = SMALL[process]
    raw["data"]["demo"]["rows"] = rows
    if defect_rate is not None:
        raw["data"]["demo"]["defect_rate"] = defect_rate
    raw["candidates"] = candidates
    raw["tuning"] = {"trials": 2, "budget_s": None}
    raw["split"]["cv_folds"] = 3
    path = folder / f"{process}.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("process", list(SMALL))
def test_demo_parquet_feeds_drift_predict_and_retrain_of_the_example(
    cli, process: str, tmp_path: Path, project_dir: Path
) -> None:
    config = _small_example(process, tmp_path)
    new = tmp_path / "next_month.parquet"
    rows = SMALL[process][1] // 3
    made = cli(
        "demo-data", process, "--out", new, "--rows", rows, "--seed", 11, "--drift", 0.5, "--after", config,
        "--json",
    )  # fmt: skip
    assert made.code == 0, made.stderr
    assert made.json()["curves"], "every example process has sensor curves"

    where = ("--project-dir", project_dir)
    # --force: the gates of a two-candidate copy may fail; the round trip needs a champion, not a good one.
    ran = cli("run", config, *where, "--force", "--reason", "demo round trip", "--json")
    assert ran.code == 0 and ran.json()["alias"] == "champion", ran.stderr[-3000:]

    drift = cli("drift", config, "--data", new, *where, "--json")
    assert drift.code == 0, drift.stderr[-3000:]

    scores = tmp_path / "scores.csv"
    predicted = cli("predict", config, "-i", new, "-o", scores, *where, "--json")
    assert predicted.code == 0, predicted.stderr[-3000:]
    assert scores.is_file()

    retrained = cli("retrain", config, "--data", new, *where, "--json")
    assert retrained.code == 0, retrained.stderr[-3000:]
    assert retrained.json()["challenger_version"] == "2"
    assert retrained.json()["n_replaced"] == 0 and retrained.json()["n_new"] == rows  # new rows, not repeats


def test_demo_after_a_config_is_its_next_export(cli, tmp_path: Path) -> None:
    from axpoc.steps import demo_frame

    config = _small_example("injection_molding", tmp_path)
    out = tmp_path / "next.parquet"
    made = cli("demo-data", "injection_molding", "--out", out, "--rows", 100, "--after", config, "--json")
    assert made.code == 0, made.stderr
    new = pd.read_parquet(out)
    old = demo_frame("injection_molding", rows=900, defect_rate=0.04, drift=0.0, seed=0)
    assert new["shot_id"].min() == old["shot_id"].max() + 1
    assert new["timestamp"].min() > old["timestamp"].max()
    assert (
        new["timestamp"].dt.hour.min() == old["timestamp"].dt.hour.min()
    )  # whole days: shifts keep their hours
    assert not set(new["lot"]) & set(old["lot"]) and new["lot"].str.match(r"^R24-\d{4}$").all()

    other = cli("demo-data", "press_forming", "--out", out, "--rows", 100, "--after", config)
    assert other.code == 2 and "--after" in other.stderr, other.stderr


def test_demo_csv_pair_is_read_back_by_the_data_curves_it_names(cli, tmp_path: Path) -> None:
    from axpoc.config import load_config
    from axpoc.data import load_data
    from axpoc.steps import demo_frame

    out = tmp_path / "press.csv"
    made = cli("demo-data", "press_forming", "--out", out, "--rows", 60, "--seed", 3, "--json")
    assert made.code == 0, made.stderr
    written = made.json()
    raw = yaml.safe_load((EXAMPLES / "press_forming.yaml").read_text(encoding="utf-8"))
    raw["data"] = {"path": out.name, "curves": written["data_curves"]}
    config = tmp_path / "press.yaml"
    config.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")

    frame = load_data(load_config(config)).frame
    expected = demo_frame("press_forming", rows=60, defect_rate=0.03, drift=0.0, seed=3)
    assert len(frame) == 60
    for channel in written["curves"]:
        got = frame.set_index("stroke_id")[channel]
        for key, curve in zip(expected["stroke_id"], expected[channel], strict=True):
            np.testing.assert_allclose(got[key], curve, rtol=1e-12)


def test_demo_parquet_keeps_the_curves_in_one_file(cli, tmp_path: Path) -> None:
    from axpoc.data import read_table
    from axpoc.steps import demo_frame

    out = tmp_path / "shots.parquet"
    made = cli("demo-data", "injection_molding", "--out", out, "--rows", 50, "--seed", 4, "--json")
    assert made.code == 0, made.stderr
    assert made.json()["curves"] == ["cavity_pressure"] and "curves_path" not in made.json()
    assert not list(tmp_path.glob("*_curves.csv"))
    frame, _ = read_table(out)
    expected = demo_frame("injection_molding", rows=50, defect_rate=0.03, drift=0.0, seed=4)
    for got, curve in zip(frame["cavity_pressure"], expected["cavity_pressure"], strict=True):
        np.testing.assert_array_equal(got, curve)


@pytest.mark.parametrize("case", ["folder", "under_a_file"])
def test_demo_data_to_a_bad_place_is_exit_2(cli, tmp_path: Path, case: str) -> None:
    if case == "folder":
        out = tmp_path / "out.parquet"
        out.mkdir()
    else:
        (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
        out = tmp_path / "notes.txt" / "demo.parquet"
    result = cli("demo-data", "injection_molding", "--out", out, "--rows", 50)
    assert result.code == 2 and str(out) in result.stderr, result.stderr
