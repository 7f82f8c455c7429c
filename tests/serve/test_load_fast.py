"""Loading a registered PocModel straight from its local pyfunc folder: same model, same errors.

The registry still resolves the alias and the version; only ``mlflow.pyfunc.load_model`` (and its scan
of every installed package) is skipped, so the folder must stay a standard pyfunc model.
"""

from __future__ import annotations

import importlib.metadata
import shutil
import warnings
from pathlib import Path

import mlflow
import numpy as np
import pytest

from axpoc.errors import UserError

_WARNING = "requirements differ from this environment"


def _requirement_warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if _WARNING in str(w.message)]


def test_direct_load_scores_like_plain_mlflow(champion_project) -> None:
    from axpoc.tracking import load_poc_model
    from axpoc.tracking._registry import _local_poc_model

    store = champion_project.store()
    parts = champion_project.parts(300, seed=7)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        by_alias = load_poc_model(store, "champion")
        by_number = load_poc_model(store, champion_project.champion)
    assert _requirement_warnings(caught) == []  # the fixture pins the installed versions

    version = store.client.get_model_version(champion_project.model_name, champion_project.champion)
    pickled = _local_poc_model(store.client, version.source)
    assert pickled is not None and pickled.name == "poc_model.pkl"
    assert (pickled.parents[1] / "MLmodel").is_file()

    plain = mlflow.pyfunc.load_model(f"models:/{champion_project.model_name}/{champion_project.champion}")
    expected = plain.predict(parts[list(champion_project.features)])
    for model in (by_alias, by_number):
        got = model.predict_frame(parts)
        np.testing.assert_allclose(got["score"].to_numpy(), expected["score"].to_numpy(), rtol=0, atol=0)
        assert got["decision"].tolist() == expected["decision"].tolist()
    waiting = load_poc_model(store, champion_project.waiting)
    assert waiting.threshold == 0.2 and by_alias.threshold == 0.5


def test_mismatched_requirements_warn_and_missing_files_are_a_user_error(project) -> None:
    import pandas as pd

    from axpoc.serve import load_served_model
    from axpoc.tracking import log_poc_model, register_version

    store = project.store()
    model = project.model(project.champion)
    lightgbm = f"lightgbm=={importlib.metadata.version('lightgbm')}"
    with mlflow.start_run(experiment_id=store.experiment_id):
        uri = log_poc_model(
            model,
            input_example=project.train[list(project.features)].head(5),
            pip_requirements=["scikit-learn==0.0.1", lightgbm],
        )
    version = register_version(store, uri, tags={"axpoc.family": "lightgbm"})

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        served = load_served_model(store, version=version)
    (message,) = _requirement_warnings(caught)
    assert "scikit-learn (current: " in message and "required: scikit-learn==0.0.1" in message
    assert "lightgbm" not in message
    parts = project.parts(50, seed=3)
    pd.testing.assert_frame_equal(served.model.predict_frame(parts), model.predict_frame(parts))

    location = store.client.get_logged_model(uri.removeprefix("models:/")).artifact_location
    folder = Path(location.removeprefix("file://"))
    shutil.rmtree(folder)
    with pytest.raises(UserError, match=f"Version {version} of the model 'serve_test' could not be loaded"):
        load_served_model(store, version=version)
