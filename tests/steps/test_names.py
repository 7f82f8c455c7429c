"""check_names: what ``run`` would refuse by name (process, KPI, candidates), refused before any data is read."""

from __future__ import annotations

import pytest

from axpoc.config import config_from_dict
from axpoc.errors import ConfigError
from axpoc.steps import check_names

BASE = {"project": {"name": "names"}, "data": {"demo": {}}, "target": {"column": "defect"}}


def test_a_config_with_known_names_passes() -> None:
    check_names(config_from_dict({**BASE, "process": "injection_molding", "candidates": ["logistic"]}))


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ({"candidates": ["logistic", "logistic"]}, ["candidates[1]", "listed twice"]),
        ({"candidates": ["no_such_family"]}, ["candidates[0]", "no_such_family"]),
        ({"process": "no_such_process"}, ["no_such_process"]),
        (
            {"target": {"column": "defect", "task": "regression"}, "candidates": ["isolation_forest"]},
            ["regression"],
        ),
    ],
)
def test_each_unknown_or_misfit_name_is_refused_with_its_key(extra: dict, words: list[str]) -> None:
    config = config_from_dict({**BASE, **extra})
    with pytest.raises(ConfigError) as refused:
        check_names(config, source="poc.yaml")
    assert refused.value.message.startswith("poc.yaml: ")
    for word in words:
        assert word in refused.value.message
