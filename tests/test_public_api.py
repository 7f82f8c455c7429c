"""The top-level ``axpoc`` namespace a notebook user meets: complete, lazy, one naming scheme, no side effects."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys

import axpoc

AFTER_HANDOVER = ("run_retrain", "drift_check", "rollback", "predict_batch", "open_project", "list_models")


def test_tab_completion_lists_every_public_name() -> None:
    listed = dir(axpoc)
    assert set(axpoc.__all__) <= set(listed)
    assert set(AFTER_HANDOVER) <= set(listed)


def test_every_public_name_resolves_to_a_public_object() -> None:
    for name in axpoc.__all__:
        value = getattr(axpoc, name)
        assert value is not None, name
        if inspect.isfunction(value) or inspect.isclass(value):
            assert not value.__name__.startswith("_"), name


def test_verbs_return_outcomes_of_one_naming_scheme() -> None:
    verbs = ("run_poc", "run_retrain", "drift_check", "predict_batch", "validate_data")
    returned = {name: inspect.signature(getattr(axpoc, name)).return_annotation for name in verbs}
    for name, annotation in returned.items():
        assert str(annotation).endswith("Outcome"), f"{name} returns {annotation}"
        assert hasattr(axpoc, str(annotation)), f"{annotation} is not at the top level"


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        axpoc.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("axpoc.no_such_name resolved")


def test_importing_axpoc_and_its_names_leaves_the_environment_and_heavy_libraries_alone() -> None:
    code = (
        "import json, os, sys; before = dict(os.environ); import axpoc; lazy = 'sklearn' in sys.modules;"
        " [getattr(axpoc, n) for n in axpoc.__all__];"
        " print(json.dumps({'same': before == dict(os.environ), 'sklearn_at_import': lazy}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"same": True, "sklearn_at_import": False}
