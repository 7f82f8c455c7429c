"""``axpoc recommend``: safe ranges and steps, fixed context, the support rule, no registry write, errors."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from axpoc.config import config_from_dict, load_config
from axpoc.errors import ConfigError
from axpoc.process import load_process
from axpoc.recommend import Recommender, Support, load_recommender, resolve_controls

FAST = ("--trials", "30", "--refits", "3")


def _registry(config: Path, project: Path) -> dict[str, Any]:
    """Everything the registry holds of the project's model: versions, their tags and aliases."""
    from axpoc.retrain import open_project

    store = open_project(load_config(config), project)
    client = store.client
    model = client.get_registered_model(store.model_name)
    versions = client.search_model_versions(f"name='{store.model_name}'")
    return {
        "aliases": dict(model.aliases),
        "tags": dict(model.tags),
        "versions": sorted((v.version, v.run_id, tuple(sorted(v.tags.items())), v.status) for v in versions),
    }


def _runs(config: Path, project: Path, kind: str) -> list[Any]:
    from axpoc.retrain import open_project

    store = open_project(load_config(config), project)
    return store.client.search_runs([store.experiment_id], filter_string=f"tags.`axpoc.kind` = '{kind}'")


def _recommend(cli: Any, trained: dict, *args: str) -> Any:
    return cli("recommend", trained["config"], "--project-dir", trained["project"], *FAST, *args)


def _a_shot(trained: dict) -> str:
    """A shot of the training part the champion thinks risky (so there is something to improve)."""
    frame = pd.read_parquet(next(Path(trained["project"]).rglob("training_snapshot.parquet")))
    return str(frame.loc[frame["defect"] == 1, "shot_id"].iloc[0])


def test_recommendations_stay_in_range_on_step_and_in_support_and_leave_the_registry_alone(
    cli: Any, trained: dict, tmp_path: Path
) -> None:
    before = _registry(trained["config"], trained["project"])
    runs_before = len(_runs(trained["config"], trained["project"], "recommend"))
    result = _recommend(cli, trained, "--row", _a_shot(trained), "--n", "3", "--json", "--out", str(tmp_path))
    assert result.code == 0, result.stderr
    out = result.json()
    ranges = {c["column"]: c for c in out["controls"]}
    assert ranges["holding_pressure_bar"]["low"] == 100 and ranges["holding_pressure_bar"]["high"] == 1800
    assert ranges["injection_pressure_bar"]["low"] == 600  # narrowed by the user
    assert out["recommendations"], out["notes"]
    for candidate in out["recommendations"]:
        assert candidate["supported"] and candidate["support"] >= out["support_rule"]["needed_here"] >= 1
        for column, value in candidate["settings"].items():
            control = ranges[column]
            assert control["low"] <= value <= control["high"]
            if control["step"]:
                steps = (value - control["low"]) / control["step"]
                assert math.isclose(steps, round(steps), abs_tol=1e-6), (column, value)
        assert candidate["objective"] <= out["today"]["objective"]
    assert out["registry_changed"] is False
    assert _registry(trained["config"], trained["project"]) == before
    assert len(_runs(trained["config"], trained["project"], "recommend")) == runs_before + 1
    assert sorted(p.name for p in tmp_path.glob("profile_*.png")) == sorted(
        f"profile_{c}.png" for c in ranges
    )


def test_the_korean_table_compares_today_with_the_recommendation(
    cli: Any, trained: dict, tmp_path: Path
) -> None:
    result = _recommend(cli, trained, "--row", _a_shot(trained), "--out", str(tmp_path))
    assert result.code == 0, result.stderr
    for words in (
        "현재 설정",
        "추천 설정",
        "안전 범위",
        "예측 불량률",
        "근거",
        "레지스트리는 바꾸지 않았습니다",
    ):
        assert words in result.stderr


def test_only_the_controllable_settings_change_the_context_stays_as_it_is(trained: dict) -> None:
    recommender, context = _recommender(trained)
    seen: list[pd.DataFrame] = []
    model = recommender.model

    class Recording:
        """The champion itself, keeping a copy of every frame it is asked to score."""

        def __getattr__(self, name: str) -> Any:
            return getattr(model, name)

        def predict_frame(self, frame: pd.DataFrame) -> pd.DataFrame:
            seen.append(frame.copy())
            return model.predict_frame(frame)

    recommender.model = Recording()
    recommender.recommend(context, n=2, trials=20)
    controls = {c.column for c in recommender.controls}
    fixed = [c for c in context.columns if c not in controls]
    asked = pd.concat(seen, ignore_index=True)
    assert len(asked) > 20
    for column in fixed:
        assert (asked[column].astype(str) == str(context[column].iloc[0])).all(), column


def test_a_setting_far_from_every_training_part_has_no_support(trained: dict) -> None:
    recommender, context = _recommender(trained)
    support = recommender.support
    assert support.supported(support.count(recommender.train.head(50))).mean() > 0.8
    far = context.copy()
    far["clamp_force_ton"] = far["clamp_force_ton"] * 3
    assert support.count(far)[0] == 0
    other = context.copy()
    other["product"] = "NEW-9999"  # a product the champion never saw: nothing is nearby
    assert support.count(other)[0] == 0


def test_without_support_nothing_is_recommended_unless_extrapolation_is_allowed(trained: dict) -> None:
    recommender, context = _recommender(trained)
    context["product"] = "NEW-9999"
    kept = recommender.recommend(context, n=3, trials=15)
    assert kept.ranked == [] and kept.rejected == 15
    assert any("keep today's setting" in note for note in kept.notes)
    allowed = recommender.recommend(context, n=3, trials=15, allow_extrapolation=True)
    assert allowed.ranked and not any(c.supported for c in allowed.ranked)


def test_the_search_is_seeded(trained: dict) -> None:
    recommender, context = _recommender(trained)
    first = recommender.recommend(context, n=2, trials=20)
    again = recommender.recommend(context, n=2, trials=20)
    assert [c.settings for c in first.ranked] == [c.settings for c in again.ranked]


def _recommender(trained: dict) -> tuple[Recommender, pd.DataFrame]:
    recommender, _, _, reference, _ = load_recommender(
        load_config(trained["config"]), project_dir=trained["project"], refits=0
    )
    return recommender, reference[reference["defect"] == 1].head(1).reset_index(drop=True)


# --- ranges and their mistakes -------------------------------------------------------------------------


def _config(controllable: dict, **columns: Any) -> Any:
    return config_from_dict(
        {
            "project": {"name": "ranges"},
            "process": "injection_molding",
            "data": {"demo": {}},
            "target": {"column": "defect"},
            "columns": {"controllable": controllable, **columns},
        }
    )


FEATURES = ["hold", "injection_pressure_bar", "product"]


def test_a_range_comes_from_the_template_through_columns_map_and_may_be_narrowed() -> None:
    template = load_process("injection_molding")
    config = _config({"hold": {"step": 5}}, map={"holding_pressure_bar": "hold"})
    (control,) = resolve_controls(config, template, FEATURES)
    assert (control.low, control.high, control.step, control.unit) == (100, 1800, 5, "bar")
    assert control.label("ko") == "보압"
    narrowed = _config({"hold": {"min": 500, "max": 700}}, map={"holding_pressure_bar": "hold"})
    assert resolve_controls(narrowed, template, FEATURES)[0].low == 500
    limited = _config({"injection_pressure_bar": None}, limits={"injection_pressure_bar": {"max": 1500}})
    assert resolve_controls(limited, template, FEATURES)[0].high == 1500


@pytest.mark.parametrize(
    ("controllable", "expected"),
    [
        ({"hold": {"min": 50, "max": 700}}, "columns.controllable.hold: the range 50..700 is wider"),
        ({"speed": {}}, "columns.controllable.speed: 'speed' is not a feature of the model"),
        ({"product": {"min": 0, "max": 1}}, None),  # text column: refused by the recommender, below
        ({"hold": {"min": 500, "max": 510, "step": 1}}, None),
    ],
)
def test_range_mistakes_name_the_key(controllable: dict, expected: str | None) -> None:
    config = _config(controllable, map={"holding_pressure_bar": "hold"})
    if expected is None:
        resolve_controls(config, load_process("injection_molding"), FEATURES)
        return
    with pytest.raises(ConfigError, match=expected.replace(".", r"\.").replace("(", r"\(")):
        resolve_controls(config, load_process("injection_molding"), FEATURES)


def test_no_template_range_and_none_given_is_a_config_error() -> None:
    config = config_from_dict(
        {
            "project": {"name": "ranges"},
            "data": {"demo": {}},
            "target": {"column": "defect"},
            "columns": {"controllable": {"speed": {"step": 1}}},
        }
    )
    with pytest.raises(ConfigError, match=r"columns\.controllable\.speed: no safe range"):
        resolve_controls(config, load_process("generic"), ["speed"])


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ({"min": 10, "max": 5}, "min (10.0) must be below max (5.0)"),
        ({"min": 0, "max": 1, "step": 2}, "step (2.0) is wider than the range"),
        ({"step": -1}, "greater than 0"),
    ],
)
def test_the_schema_refuses_a_broken_entry_naming_its_key(entry: dict, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        _config({"hold": entry})
    assert "columns.controllable.hold" in info.value.message and expected in info.value.message


def test_step_grid_and_snapping() -> None:
    from axpoc.recommend import Control

    control = Control("p", low=100, high=200, step=7)
    assert control.grid(103, 150) == (107, 149)
    assert control.snap(250) == 198 and control.snap(110) == 107
    assert np.allclose(np.diff(control.values(100, 198)) % 7, 0)


def test_support_counts_neighbours_within_the_training_parts_own_spacing() -> None:
    rng = np.random.default_rng(0)
    train = pd.DataFrame({"a": rng.normal(size=400), "b": rng.normal(size=400), "kind": ["x"] * 400})
    support = Support.fit(train, ["a", "b", "kind"], product="kind")
    probe = pd.DataFrame({"a": [0.0, 8.0, 0.0], "b": [0.0, 8.0, 0.0], "kind": ["x", "x", "y"]})
    counts = support.count(probe)
    assert counts[0] >= support.k and counts[1] == 0 and counts[2] == 0
    assert support.observed_range(probe.head(1), "a") == pytest.approx((train["a"].min(), train["a"].max()))
    # an unusual context needs as many neighbours as today's setting has, never none
    assert [support.needed(n) for n in (0, 1, 3, 5, 40)] == [1, 1, 3, 5, 5]


# --- the verb's mistakes --------------------------------------------------------------------------------


def test_the_verbs_mistakes_are_one_paragraph_and_exit_2(cli: Any, trained: dict, tmp_path: Path) -> None:
    unknown = _recommend(cli, trained, "--row", "999", "--json")
    assert unknown.code == 2 and "no part with shot_id = 999" in unknown.stderr
    assert unknown.json()["ok"] is False and unknown.json()["error"]["exit_code"] == 2
    both = _recommend(cli, trained, "--row", "1", "--context", str(tmp_path / "x.csv"))
    assert both.code == 2 and "not both" in both.stderr
    reference = pd.read_parquet(next(Path(trained["project"]).rglob("training_snapshot.parquet")))
    two = tmp_path / "two.csv"
    reference.drop(columns=["cavity_pressure"]).head(2).to_csv(two, index=False)
    rows = _recommend(cli, trained, "--context", str(two))
    assert rows.code == 2 and "holds 2 rows" in rows.stderr and "Traceback" not in rows.stderr
    lacking = tmp_path / "lacking.csv"
    reference.drop(columns=["cavity_pressure", "clamp_force_ton"]).head(1).to_csv(lacking, index=False)
    missing = _recommend(cli, trained, "--context", str(lacking))
    assert missing.code == 2 and "clamp_force_ton" in missing.stderr
    blocked = tmp_path / "a_file"
    blocked.write_text("not a folder", encoding="utf-8")
    out = _recommend(cli, trained, "--row", _a_shot(trained), "--out", str(blocked / "figures"))
    assert out.code == 2 and "--out" in out.stderr and "Traceback" not in out.stderr


def test_a_context_file_is_one_row(cli: Any, trained: dict, tmp_path: Path) -> None:
    reference = pd.read_parquet(next(Path(trained["project"]).rglob("training_snapshot.parquet")))
    one = tmp_path / "one.csv"
    reference.drop(columns=["cavity_pressure"]).tail(1).to_csv(one, index=False)
    result = _recommend(cli, trained, "--context", str(one), "--json", "--out", str(tmp_path / "fig"))
    assert result.code == 0, result.stderr
    assert result.json()["context"]["shot_id"] == int(reference["shot_id"].iloc[-1])


def test_no_controllable_settings_is_a_config_error(
    cli: Any, trained: dict, write_config: Any, tmp_path: Path
) -> None:
    config = write_config(tmp_path, {"columns.controllable": {}})
    result = cli("recommend", config, "--project-dir", trained["project"], "--row", "1", *FAST)
    assert result.code == 2 and "columns.controllable is empty" in result.stderr


def test_the_radius_is_how_far_a_new_run_lies_from_the_others_not_the_scatter_within_one() -> None:
    rng = np.random.default_rng(1)
    centres = rng.normal(size=(12, 2)) * 2  # twelve production runs, each at its own set points
    runs = np.repeat(np.arange(12), 40)
    points = centres[runs] + rng.normal(scale=0.02, size=(len(runs), 2))
    train = pd.DataFrame({"a": points[:, 0], "b": points[:, 1]})
    by_run = Support.fit(train, ["a", "b"], runs=runs)
    by_part = Support.fit(train, ["a", "b"], runs=np.arange(len(runs)))  # every part its own run
    assert by_run.radius(train.head(1)) > 10 * by_part.radius(train.head(1))
    new_run = pd.DataFrame({"a": [centres[0, 0] + 0.3], "b": [centres[0, 1]]})  # near, not on, a past run
    assert by_run.count(new_run)[0] >= by_run.k and by_part.count(new_run)[0] == 0


def test_a_regression_target_with_a_spec_is_moved_away_from_its_limit() -> None:
    """Ra with only an upper spec limit: the recommendation lowers the predicted Ra and its out-of-spec share."""
    from sklearn.compose import make_column_transformer
    from sklearn.ensemble import RandomForestRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    import axpoc
    from axpoc.artifact import PocModel

    frame = axpoc.demo_frame("cnc_machining", rows=600, defect_rate=0.1, drift=0.0, seed=5)
    features = ["spindle_speed_rpm", "feed_mm_rev", "depth_of_cut_mm", "tool_passes", "product"]
    forest = make_pipeline(
        make_column_transformer((OneHotEncoder(), ["product"]), remainder="passthrough"),
        RandomForestRegressor(n_estimators=40, min_samples_leaf=5, random_state=0),
    ).fit(frame[features], frame["ra_um"])
    model = PocModel(
        estimator=forest,
        task="regression",
        features=features,
        target="ra_um",
        family="random_forest",
        spec={"lsl": None, "usl": 1.6},
        product_column="product",
    )
    config = config_from_dict(
        {
            "project": {"name": "ra"},
            "process": "cnc_machining",
            "data": {"demo": {}},
            "target": {"column": "ra_um", "task": "regression", "spec": {"usl": 1.6}},
            "columns": {"controllable": {"feed_mm_rev": {"step": 0.005}, "spindle_speed_rpm": {"step": 10}}},
        }
    )
    controls = resolve_controls(config, load_process("cnc_machining"), features)
    recommender = Recommender(model, frame, frame["ra_um"].to_numpy(), controls, refits=0)
    worst = frame.loc[[int(frame["ra_um"].idxmax())]].reset_index(drop=True)
    rec = recommender.recommend(worst, n=2, trials=30)
    assert rec.best is not None and rec.best.supported
    assert rec.best.predicted < rec.today.predicted and rec.best.defect_rate < rec.today.defect_rate
    assert rec.best.settings["feed_mm_rev"] <= worst["feed_mm_rev"].iloc[0]  # finer feed, smoother surface
