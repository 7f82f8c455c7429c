"""Log the one pyfunc model, register versions, load them back.

Alias moves (promote, reject, rollback) are journaled transactions in :mod:`axpoc.tracking._moves`.
"""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import cloudpickle
import mlflow
import pandas as pd

from axpoc._logs import warn
from axpoc.tracking._store import Store


def log_poc_model(poc_model: Any, *, input_example: pd.DataFrame, pip_requirements: list[str]) -> str:
    """Log the PocModel as one pyfunc model in the active run; returns its ``models:/`` URI."""
    with _pyfunc_arguments(poc_model, input_example, pip_requirements) as arguments:
        info = mlflow.pyfunc.log_model(name="model", **arguments)
    return info.model_uri


def save_poc_model(
    poc_model: Any, path: str | Path, *, input_example: pd.DataFrame, pip_requirements: list[str]
) -> Path:
    """Save the PocModel as a pyfunc model directory (no run, no registry): the same form ``log_poc_model`` logs."""
    with _pyfunc_arguments(poc_model, input_example, pip_requirements) as arguments:
        mlflow.pyfunc.save_model(str(path), **arguments)
    return Path(path)


@contextmanager
def _pyfunc_arguments(
    poc_model: Any, input_example: pd.DataFrame, pip_requirements: list[str]
) -> Iterator[dict[str, Any]]:
    """The pyfunc flavour's arguments, with the pickled PocModel in a temporary folder while they are used."""
    from mlflow.models import infer_signature

    from axpoc.tracking._pyfunc import MODEL_FILE, PocPyfunc

    example = _signature_frame(input_example)
    signature = infer_signature(example, poc_model.predict_frame(input_example))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / MODEL_FILE
        with path.open("wb") as handle:
            cloudpickle.dump(poc_model, handle)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*type hints to the `predict` method.*")
            yield {
                "python_model": PocPyfunc(),
                "artifacts": {"poc_model": str(path)},
                "signature": signature,
                "input_example": example,
                "pip_requirements": pip_requirements,
            }


def _signature_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The schema MLflow enforces when serving: curves (array cells) as lists (Array columns), integers as
    doubles, since a plant's next batch may have a missing value where training had none."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object and len(out) and hasattr(out[column].iloc[0], "tolist"):
            out[column] = out[column].map(lambda a: a.tolist())
        elif pd.api.types.is_integer_dtype(out[column].dtype) and not pd.api.types.is_bool_dtype(out[column]):
            out[column] = out[column].astype("float64")
    return out


def register_version(store: Store, model_uri: str, *, tags: dict[str, str], description: str = "") -> str:
    """A new version of the project's registered model (created on first use)."""
    client = store.client
    if not client.search_registered_models(filter_string=f"name='{store.model_name}'"):
        client.create_registered_model(store.model_name, description=f"axpoc PoC model of {store.model_name}")
    version = mlflow.register_model(
        model_uri, store.model_name, tags={k: str(v)[:5000] for k, v in tags.items()}
    )
    if description:
        client.update_model_version(store.model_name, version.version, description=description)
    return str(version.version)


def load_poc_model(store: Store, version_or_alias: str) -> Any:
    """The PocModel inside a registered version (a number) or alias (``champion``).

    The registry resolves the version and its logged model; a model stored in a local folder in the form
    ``log_poc_model`` writes is unpickled straight from there, without ``mlflow.pyfunc.load_model``
    (whose environment check scans every installed package on every call). Only the model's pinned
    requirements are compared with the installed versions. Any other model goes through MLflow.
    """
    from mlflow.exceptions import MlflowException

    client = store.client
    ref = str(version_or_alias)
    try:
        version = (
            client.get_model_version(store.model_name, ref)
            if ref.isdigit()
            else client.get_model_version_by_alias(store.model_name, ref)
        )
        pickled = _local_poc_model(client, version.source)
    except MlflowException:
        pickled = None
    if pickled is None:
        uri = f"models:/{store.model_name}/{ref}" if ref.isdigit() else f"models:/{store.model_name}@{ref}"
        return mlflow.pyfunc.load_model(uri).unwrap_python_model().poc_model
    _warn_requirement_mismatches(pickled.parents[1] / "requirements.txt")
    with pickled.open("rb") as handle:
        return cloudpickle.load(handle)


def _local_poc_model(client: Any, source: str) -> Path | None:
    """The pickled PocModel of a logged model (``models:/m-...``) whose files are in a local folder, if the
    folder is a pyfunc model of :class:`PocPyfunc` as ``log_poc_model`` writes it."""
    import yaml
    from mlflow.utils.file_utils import local_file_uri_to_path

    if not source.startswith("models:/m-") or "/" in source.removeprefix("models:/"):
        return None
    location = client.get_logged_model(source.removeprefix("models:/")).artifact_location
    scheme = urlsplit(location).scheme
    if len(scheme) > 1 and scheme != "file":  # a server's mlflow-artifacts:/, s3://; C:\ is a drive letter
        return None
    folder = Path(local_file_uri_to_path(location))
    try:
        meta = yaml.load((folder / "MLmodel").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    except (OSError, yaml.YAMLError):
        return None
    flavor = (meta or {}).get("flavors", {}).get("python_function", {})
    artifact = flavor.get("artifacts", {}).get("poc_model", {}).get("path")
    if flavor.get("loader_module") != "mlflow.pyfunc.model" or not artifact:
        return None
    path = folder / artifact
    return path if path.is_file() else None


def _warn_requirement_mismatches(requirements: Path) -> None:
    """Warn when an installed package does not satisfy the model's pinned requirements (as MLflow does)."""
    from importlib.metadata import PackageNotFoundError, version

    from packaging.requirements import InvalidRequirement, Requirement

    if not requirements.is_file():
        return
    mismatches = []
    for line in requirements.read_text(encoding="utf-8").splitlines():
        try:
            requirement = Requirement(line.split("#", 1)[0].strip())
        except InvalidRequirement:  # blank lines, pip options
            continue
        try:
            installed = version(requirement.name)
        except PackageNotFoundError:
            installed = None
        if installed is None or not requirement.specifier.contains(installed, prereleases=True):
            mismatches.append(
                f" - {requirement.name} (current: {installed or 'uninstalled'}, required: {line})"
            )
    if mismatches:
        warn(
            "The model's requirements differ from this environment; its predictions may differ from those "
            "evaluated. Install the required versions:\n" + "\n".join(mismatches)
        )
