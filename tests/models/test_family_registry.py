"""The family registry: every family is well formed, plug-ins come in through entry points, mistakes are said."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest
from plugin_env import run_with_plugin

from axpoc.errors import UserError
from axpoc.models import FAMILIES, SUPERVISED, Family, get_family
from axpoc.models.families import TASKS, FamilyRegistry


@pytest.mark.parametrize("name", list(FAMILIES))
def test_every_family_is_well_formed_and_says_why_in_both_languages(name: str) -> None:
    family = get_family(name)
    assert family.name == name and family.label
    assert family.tasks and set(family.tasks) <= TASKS
    assert family.why("ko") == family.why_ko and not family.why_ko.isascii()
    assert family.why("en") == family.why_en and family.why_en.isascii()
    module = importlib.import_module(f"axpoc.models.families.{name}")  # one file per built-in family
    assert module.FAMILY is family


def test_registry_refuses_what_it_could_not_use() -> None:
    registry = FamilyRegistry()  # a private one: the global registry stays as it is
    base = {"label": "X", "tasks": SUPERVISED, "why_ko": "설명", "why_en": "why"}
    with pytest.raises(UserError, match=r"expected an axpoc\.models\.Family instance, got dict"):
        registry.add({"name": "x"}, source="test")
    with pytest.raises(UserError, match="'Bad Name' is not a config name"):
        registry.add(Family("Bad Name", **base), source="test")
    with pytest.raises(UserError, match="each must be one of"):
        registry.add(Family("x", **{**base, "tasks": frozenset({"ranking"})}), source="test")
    with pytest.raises(UserError, match="has no why_ko/why_en text"):
        registry.add(Family("x", **{**base, "why_ko": ""}), source="test")
    registry.add(Family("x", **base), source="test")
    with pytest.raises(UserError, match="already registered"):
        registry.add(Family("x", **base), source="test")
    assert registry.add(Family("x", **{**base, "label": "Y"}), source="test", replace=True).label == "Y"


PLUGIN_RUN = """
import json
import numpy as np, pandas as pd
from axpoc.models import FAMILIES, build_pipeline, get_family
family = get_family("decision_tree")
rng = np.random.default_rng(0)
frame = pd.DataFrame({"a": rng.normal(size=120), "b": rng.normal(size=120)})
y = (frame["a"] > 0).astype(int).to_numpy()
params = family.defaults(task="binary", n_rows=120, n_features=2, n_classes=2)
pipe = build_pipeline(family, params, frame=frame, features=["a", "b"], task="binary").fit(frame, y)
print(json.dumps({"names": list(FAMILIES), "accuracy": float((pipe.predict(frame) == y).mean()),
                  "why": family.why("ko"), "depth": pipe["model"].get_depth()}))
"""


def test_a_family_from_another_package_is_found_through_its_entry_point(tmp_path: Path) -> None:
    result = run_with_plugin(tmp_path, PLUGIN_RUN)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["names"][-1] == "decision_tree" and "lightgbm" in out["names"]
    assert out["accuracy"] > 0.9 and out["depth"] <= 3 and out["why"].startswith("결정 트리")


def test_a_broken_plugin_is_named_with_the_fix(tmp_path: Path) -> None:
    broken = {"axpoc.families": {"broken": "acme_axpoc.missing:FAMILY"}}
    code = "from axpoc.models import get_family\nget_family('lightgbm')"
    result = run_with_plugin(tmp_path, code, entry_points=broken)
    assert result.returncode != 0
    assert (
        "entry point 'broken = acme_axpoc.missing:FAMILY' (group axpoc.families) of acme-axpoc"
        in result.stderr
    )
    assert "Fix or uninstall that package" in result.stderr


def test_the_reports_package_versions_name_every_familys_requirements() -> None:
    from importlib import metadata

    from axpoc.promotion import package_versions

    versions = package_versions()
    for family in FAMILIES.values():
        for requirement in family.pip_requirements:
            name = requirement.split("==")[0]
            try:
                assert versions[name] == metadata.version(name), family.name
            except metadata.PackageNotFoundError:
                assert name not in versions


def test_screen_probes_are_ranked_fastest_first() -> None:
    ranked = sorted((f for f in FAMILIES.values() if f.screen_rank is not None), key=lambda f: f.screen_rank)
    assert len({f.screen_rank for f in ranked}) == len(ranked)  # one probe per rank
    assert [f.name for f in ranked][:2] == ["lightgbm", "hist_gradient_boosting"]
    assert all(f.tasks == SUPERVISED and not f.needs_scaling for f in ranked)  # defaults on raw columns
