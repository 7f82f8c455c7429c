"""The process templates and their demo-data generators: declared columns, physics, learnability."""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
import re

import numpy as np
import pandas as pd
import pytest
from scipy.stats import ks_2samp
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.metrics import r2_score, roc_auc_score
from sklearn.model_selection import train_test_split

import pipelines
from axpoc.config import CostConfig, KpiConfig, SpecConfig
from axpoc.errors import UserError
from axpoc.models import FAMILIES
from axpoc.process import ProcessTemplate, available_processes, load_process

TEMPLATES = available_processes()
PROCESSES = tuple(name for name in TEMPLATES if load_process(name).generate is not None)
"""Every template with a demo-data generator; the physics checks below name their process."""
BINARY_LABEL = {"injection_molding": "defect", "press_forming": "defect", "cnc_machining": "out_of_spec"}
DRIFTING = {
    "injection_molding": ("cushion_mm", "mold_temp_c"),
    "press_forming": ("lubrication_g_m2", "die_temp_c"),
    "cnc_machining": ("coolant_temp_c", "vibration_rms_mm_s"),
}


@functools.cache
def demo(process: str, *, rows: int = 3000, defect_rate: float = 0.05, drift: float = 0.0, seed: int = 0):
    """Generated once per argument set; tests only read it."""
    return load_process(process).generate(rows=rows, defect_rate=defect_rate, drift=drift, seed=seed)


def features(process: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The scalar process columns plus the part number as a code: what a first model would see."""
    template = load_process(process)
    numeric = [c.name for c in template.columns if c.kind == "numeric"]
    return frame[numeric].assign(product=pd.factorize(frame["product"], sort=True)[0])


@pytest.mark.parametrize("process", TEMPLATES)
def test_template_is_a_consistent_process_template(process: str) -> None:
    template = load_process(process)
    assert isinstance(template, ProcessTemplate)
    assert template is load_process(process)
    assert template.name == process and template.title_ko and template.title_en
    assert set(template.candidates) <= set(FAMILIES) and template.candidates
    assert KpiConfig(gates=template.gates).gates == template.gates
    CostConfig(**template.costs)
    names = [c.name for c in template.columns]
    assert len(names) == len(set(names))
    for column in template.columns:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", column.name), column.name
        assert column.label_ko and column.label_en, column.name
        if column.min is not None and column.max is not None:
            assert column.min < column.max, column.name
    for role, name in template.roles.items():
        assert template.column(name) is not None and template.column(name).kind == role
    if template.target is not None:
        assert template.column(template.target).kind == "target"
    if template.spec:
        assert template.task == "regression"
        SpecConfig(**template.spec)


def test_generic_template_leaves_everything_to_the_config() -> None:
    template = load_process("generic")
    assert template.columns == () and template.generate is None and template.gates == {}
    assert template.target is None


def test_load_process_finds_modules_and_rejects_unknown_names() -> None:
    assert (
        load_process("injection_molding") is importlib.import_module("pipelines.injection_molding").TEMPLATE
    )
    with pytest.raises(UserError, match=re.escape("pipelines/nope.py")):
        load_process("nope")
    assert {"injection_molding", "press_forming", "cnc_machining", "generic"} <= set(available_processes())
    assert "_physics" not in available_processes()


@pytest.mark.parametrize("module", [m.name for m in pkgutil.iter_modules(pipelines.__path__)])
def test_process_layer_defines_no_class(module: str) -> None:
    """A class defined here could end up pickled into a model and tie it to the process layer."""
    mod = importlib.import_module(f"pipelines.{module}")
    own = [name for name, obj in inspect.getmembers(mod, inspect.isclass) if obj.__module__ == mod.__name__]
    assert own == []


@pytest.mark.parametrize("process", PROCESSES)
def test_generator_is_deterministic_in_its_seed(process: str) -> None:
    generate = load_process(process).generate
    first, again = (generate(rows=300, defect_rate=0.05, drift=0.5, seed=7) for _ in range(2))
    other = generate(rows=300, defect_rate=0.05, drift=0.5, seed=8)
    curves = load_process(process).curve_channels
    pd.testing.assert_frame_equal(first.drop(columns=curves), again.drop(columns=curves))
    for channel in curves:
        assert all(np.array_equal(a, b) for a, b in zip(first[channel], again[channel], strict=True))
    assert not first.drop(columns=curves).equals(other.drop(columns=curves))


@pytest.mark.parametrize("drift", [0.0, 1.0])
@pytest.mark.parametrize("process", PROCESSES)
def test_generated_columns_are_the_declared_ones_within_their_limits(process: str, drift: float) -> None:
    template = load_process(process)
    frame = demo(process, drift=drift)
    assert list(frame.columns) == [c.name for c in template.columns]
    assert frame[template.roles["id"]].is_unique
    assert pd.api.types.is_datetime64_any_dtype(frame["timestamp"])
    assert frame["timestamp"].is_monotonic_increasing
    for column in template.columns:
        if column.min is None:
            continue
        values = frame[column.name]
        values = np.concatenate(values.to_list()) if column.kind == "curve" else values.to_numpy()
        assert np.isfinite(values).all(), column.name
        assert column.min <= values.min() and values.max() <= column.max, (
            column.name,
            values.min(),
            values.max(),
        )


@pytest.mark.parametrize("rate", [0.01, 0.03, 0.1])
@pytest.mark.parametrize("process", sorted(BINARY_LABEL))
def test_realised_defect_rate_matches_the_request(process: str, rate: float) -> None:
    frame = demo(process, rows=2000, defect_rate=rate, seed=3)
    realised = frame[BINARY_LABEL[process]].mean()
    assert abs(realised - rate) <= 0.3 * rate, realised


@pytest.mark.parametrize("process", PROCESSES)
def test_curves_are_one_dimensional_float_arrays_of_varying_length(process: str) -> None:
    template = load_process(process)
    frame = demo(process)
    assert template.curve_channels
    for channel in template.curve_channels:
        curves = frame[channel]
        assert all(isinstance(c, np.ndarray) and c.ndim == 1 and c.dtype.kind == "f" for c in curves)
        lengths = curves.map(len)
        assert lengths.nunique() >= 10 and lengths.min() >= 50, lengths.describe()


@pytest.mark.parametrize("process", sorted(DRIFTING))
def test_drift_shifts_feature_distributions(process: str) -> None:
    steady, drifted = demo(process, drift=0.0), demo(process, drift=1.0)
    for column in DRIFTING[process]:
        assert ks_2samp(steady[column], drifted[column]).pvalue < 1e-6, column
    # Drift changes no random draw: the same seed gives the same lots and part numbers.
    assert steady["product"].equals(drifted["product"])


@pytest.mark.parametrize("process", ["injection_molding", "press_forming"])
def test_defect_label_is_learnable_but_no_single_column_gives_it_away(process: str) -> None:
    frame = demo(process)
    x, y = features(process, frame), frame["defect"]
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, stratify=y, random_state=0)
    model = HistGradientBoostingClassifier(random_state=0).fit(x_train, y_train)
    assert roc_auc_score(y_test, model.predict_proba(x_test)[:, 1]) >= 0.75
    single = {c: roc_auc_score(y, x[c]) for c in x}
    assert max(max(a, 1 - a) for a in single.values()) <= 0.95, single


def test_roughness_is_learnable_and_out_of_spec_not_given_away() -> None:
    frame = demo("cnc_machining")
    x = features("cnc_machining", frame)
    x_train, x_test, y_train, y_test = train_test_split(x, frame["ra_um"], test_size=0.25, random_state=0)
    model = HistGradientBoostingRegressor(random_state=0).fit(x_train, y_train)
    assert r2_score(y_test, model.predict(x_test)) >= 0.5
    single = {c: roc_auc_score(frame["out_of_spec"], x[c]) for c in x}
    assert max(max(a, 1 - a) for a in single.values()) <= 0.95, single


@pytest.mark.parametrize(
    ("process", "types"),
    [("injection_molding", {"short_shot", "flash", "sink_mark"}), ("press_forming", {"crack", "burr"})],
)
def test_defect_type_names_every_defect(process: str, types: set[str]) -> None:
    frame = demo(process)
    assert set(frame["defect_type"]) == types | {"none"}
    assert (frame["defect"] == (frame["defect_type"] != "none")).all()
    # defect_type is a label: a config built from the template never feeds it to a model.
    assert load_process(process).column("defect_type").kind == "target"


def test_out_of_spec_is_roughness_above_the_usl() -> None:
    template = load_process("cnc_machining")
    frame = demo("cnc_machining")
    assert template.spec == {"usl": 1.6} and template.target == "ra_um"
    assert (frame["out_of_spec"] == (frame["ra_um"] > template.spec["usl"])).all()


def test_molding_physics_warm_up_and_cavity_pressure() -> None:
    frame = demo("injection_molding", rows=5000)
    offset = frame["mold_temp_c"] - frame.groupby("product")["mold_temp_c"].transform("median")
    shift_start = frame["timestamp"].dt.hour.isin([6, 15]) & (frame["timestamp"].dt.minute < 10)
    warmed = ~frame["timestamp"].dt.hour.isin([6, 7, 15, 16])
    assert offset[shift_start].mean() < offset[warmed].mean() - 5.0
    peak = frame["cavity_pressure"].map(np.max) / frame.groupby("product")[
        "injection_pressure_bar"
    ].transform("median")
    assert peak[frame["defect_type"] == "short_shot"].median() < 0.8 * peak[frame["defect"] == 0].median()
    # A lot change every couple of hundred shots, three part numbers.
    assert 15 <= frame["lot"].nunique() <= 40 and frame["product"].nunique() == 3


def test_forming_physics_die_wear_and_maintenance() -> None:
    frame = demo("press_forming", rows=8000)
    strokes = frame["strokes_since_maintenance"]
    # The rows are the inspected strokes (one in ten): the counter grows from row to row as the stroke
    # number does, and falls only where the die was serviced.
    steps, serviced = np.diff(strokes), np.diff(strokes) < 0
    assert serviced.sum() >= 2 and (steps[~serviced] > 0).all()
    assert (np.diff(frame["stroke_id"])[~serviced] == steps[~serviced]).all()
    burr = frame["defect_type"] == "burr"
    assert burr[strokes > strokes.median()].mean() > 2 * burr[strokes <= strokes.median()].mean()
    first_hour = frame["timestamp"] < frame["timestamp"].iloc[0] + pd.Timedelta(minutes=10)
    assert frame.loc[first_hour, "die_temp_c"].mean() < frame.loc[~first_hour, "die_temp_c"].mean() - 10.0


def test_machining_physics_tool_wear_and_replacement() -> None:
    frame = demo("cnc_machining")
    new_tool = frame["tool_id"].ne(frame["tool_id"].shift())
    assert new_tool.sum() >= 5
    assert (frame.loc[new_tool, "tool_passes"] == 0).all()
    assert frame.groupby("tool_id")["tool_passes"].apply(lambda s: (np.diff(s) == 1).all()).all()
    assert frame["ra_um"].corr(frame["flank_wear_um"]) > 0.3
    assert (
        frame["diameter_mm"]
        .sub(frame.groupby("product")["diameter_mm"].transform("median"))
        .corr(frame["flank_wear_um"])
        > 0.3
    )


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"rows": 10, "defect_rate": 0.03, "drift": 0.0}, "data.demo.rows"),
        ({"rows": 500, "defect_rate": 0.7, "drift": 0.0}, "data.demo.defect_rate"),
        ({"rows": 500, "defect_rate": 0.03, "drift": -1.0}, "data.demo.drift"),
    ],
)
def test_bad_generator_arguments_name_the_config_key(kwargs: dict, key: str) -> None:
    with pytest.raises(UserError, match=re.escape(key)):
        load_process("press_forming").generate(**kwargs, seed=0)
