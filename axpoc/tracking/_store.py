"""Everything MLflow: the project's store, runs, datasets, the pyfunc model and the registry.

Layout: one experiment per project; one parent run per ``axpoc run`` / ``retrain``; a child run per
candidate; one registered model per project with aliases ``champion``/``challenger``/``previous``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mlflow
import numpy as np
import pandas as pd
from mlflow import MlflowClient

from axpoc.errors import UserError

CHAMPION, CHALLENGER, PREVIOUS = "champion", "challenger", "previous"


@dataclass
class Store:
    """An opened tracking store for one project."""

    tracking_uri: str
    registry_uri: str
    experiment_id: str
    experiment_name: str
    model_name: str
    project_dir: Path

    @property
    def client(self) -> MlflowClient:
        return MlflowClient(tracking_uri=self.tracking_uri, registry_uri=self.registry_uri)

    def ui_command(self) -> str:
        return f"axpoc ui <config>  (or: mlflow ui --backend-store-uri {self.tracking_uri} --host 127.0.0.1)"


def default_tracking_uri(project_dir: Path) -> str:
    return f"sqlite:///{(project_dir / 'mlflow.db').as_posix()}"


def open_store(*, project_name: str, project_dir: Path, tracking_uri: str | None = None,
               registry_uri: str | None = None) -> Store:
    """Create or open the project's experiment; artifacts go under the project folder, never ./mlruns."""
    project_dir.mkdir(parents=True, exist_ok=True)
    uri = tracking_uri or default_tracking_uri(project_dir)
    reg = registry_uri or uri
    # set_experiment() elsewhere leaks MLFLOW_EXPERIMENT_ID into child processes that use another store.
    os.environ.pop("MLFLOW_EXPERIMENT_ID", None)
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(reg)
    client = MlflowClient(tracking_uri=uri, registry_uri=reg)
    experiment = client.get_experiment_by_name(project_name)
    if experiment is None:
        artifacts = (project_dir / "artifacts").resolve()
        artifacts.mkdir(parents=True, exist_ok=True)
        experiment_id = client.create_experiment(project_name, artifact_location=artifacts.as_uri())
    elif experiment.lifecycle_stage == "deleted":
        raise UserError(
            f"The MLflow experiment '{project_name}' in {uri} was deleted. Restore it in the MLflow UI or "
            "choose another project.name."
        )
    else:
        experiment_id = experiment.experiment_id
    return Store(uri, reg, experiment_id, project_name, project_name, project_dir)


@contextmanager
def parent_run(store: Store, *, run_name: str, tags: dict[str, str] | None = None) -> Iterator[Any]:
    """A parent run that ends KILLED on Ctrl-C and FAILED on an error, so nothing looks finished that is not."""
    active = mlflow.active_run()
    if active is not None:  # e.g. compare inside axpoc run: reuse the run
        yield active
        return
    run = mlflow.start_run(experiment_id=store.experiment_id, run_name=run_name, tags=tags or {})
    try:
        yield run
    except KeyboardInterrupt:
        mlflow.end_run(status="KILLED")
        raise
    except BaseException:
        mlflow.end_run(status="FAILED")
        raise
    mlflow.end_run(status="FINISHED")


def _flat_params(params: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat = {}
    for key, value in params.items():
        if callable(value):
            continue
        text = repr(value) if not isinstance(value, str) else value
        flat[f"{prefix}{key}"] = text[:500]
    return flat


def log_candidate(store: Store, result: Any, *, primary: str, parent_run_id: str) -> str:
    """A child run with params, per-fold metrics, mean and CI, trials summary and timings."""
    tags = {"mlflow.parentRunId": parent_run_id, "axpoc.status": result.status, "axpoc.reason": result.reason[:500]}
    with mlflow.start_run(
        experiment_id=store.experiment_id, run_name=f"candidate:{result.name}", nested=True, tags=tags
    ) as run:
        mlflow.log_params(_flat_params({"family": result.name, **result.params}))
        if result.defaults:
            mlflow.log_dict({k: repr(v) for k, v in result.defaults.items()}, "size_adaptive_defaults.json")
        metrics: dict[str, float] = {"n_trials": result.n_trials, "n_pruned": result.n_pruned,
                                     "elapsed_s": result.elapsed_s}
        if result.ok:
            metrics.update({
                f"cv_{primary}_mean": result.interval.mean,
                f"cv_{primary}_ci_low": result.interval.low,
                f"cv_{primary}_ci_high": result.interval.high,
                "fit_time_s": result.fit_time_s,
                "predict_ms_per_1k": result.predict_time_ms_per_1k,
            })
            for name, values in result.fold_metrics.items():
                if np.isfinite(values).any():
                    metrics[f"cv_{name}_mean"] = float(np.nanmean(values))
                for fold, value in enumerate(values):
                    if np.isfinite(value):
                        mlflow.log_metric(f"fold_{name}", float(value), step=fold)
        mlflow.log_metrics({k: float(v) for k, v in metrics.items() if v is not None and np.isfinite(v)})
        if not result.trials.empty:
            log_frame(result.trials, "trials.csv")
    return run.info.run_id


def log_frame(frame: pd.DataFrame, artifact_file: str) -> None:
    """A table as a CSV artifact (UTF-8 with BOM so Excel shows Korean)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(artifact_file).name
        frame.to_csv(path, index=False, encoding="utf-8-sig")
        folder = str(Path(artifact_file).parent) if Path(artifact_file).parent != Path(".") else None
        mlflow.log_artifact(str(path), artifact_path=folder)


def log_dataset(frame: pd.DataFrame, *, name: str, digest: str, source: str, target: str | None,
                context: str) -> None:
    """The training data as an MLflow dataset input (name, source, digest); curves are not logged cell by cell."""
    import mlflow.data
    from mlflow.exceptions import MlflowException

    flat = frame[[c for c in frame.columns if frame[c].dtype != object or not _is_curve(frame[c])]]
    source_uri = source if "://" in source else Path(source).resolve().as_uri() if source else None
    try:
        dataset = mlflow.data.from_pandas(flat, source=source_uri, targets=target if target in flat else None,
                                          name=name, digest=digest[:36])
    except MlflowException:  # a source MLflow cannot resolve (e.g. a database URL): log without it
        dataset = mlflow.data.from_pandas(flat, targets=target if target in flat else None, name=name,
                                          digest=digest[:36])
    mlflow.log_input(dataset, context=context)


def _is_curve(series: pd.Series) -> bool:
    first = series.dropna().head(1)
    return len(first) > 0 and isinstance(first.iloc[0], np.ndarray)
