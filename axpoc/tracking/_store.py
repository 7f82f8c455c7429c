"""Everything MLflow: the project's store, runs, datasets, the pyfunc model and the registry.

Layout: one experiment per project; one parent run per ``axpoc run`` / ``retrain``; a child run per
candidate; one registered model per project with aliases ``champion``/``challenger``/``previous``.
"""

from __future__ import annotations

import logging
import os
import platform
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mlflow
import numpy as np
import pandas as pd
from mlflow import MlflowClient

from axpoc._columns import curve_columns
from axpoc.errors import Interrupted, UserError
from axpoc.kpi import clip_to_range
from axpoc.tracking._ledger import is_server_uri, open_ledger

CHAMPION, CHALLENGER, PREVIOUS = "champion", "challenger", "previous"
PID_TAG, HOST_TAG = "axpoc.pid", "axpoc.host"


@dataclass
class Store:
    """An opened tracking store for one project."""

    tracking_uri: str
    registry_uri: str
    experiment_id: str
    experiment_name: str
    model_name: str
    project_dir: Path
    ledger: Any
    """Where the registry lock, move journal and promotion log live (:mod:`axpoc.tracking._ledger`)."""
    recovered: list[str] = field(default_factory=list)
    """What opening the store did with alias moves a stopped process left half done (notes for the user)."""

    @property
    def client(self) -> MlflowClient:
        return MlflowClient(tracking_uri=self.tracking_uri, registry_uri=self.registry_uri)

    def ui_command(self) -> str:
        return f"axpoc ui <config>  (or: mlflow ui --backend-store-uri {self.tracking_uri} --host 127.0.0.1)"


def default_tracking_uri(project_dir: Path) -> str:
    return f"sqlite:///{(project_dir / 'mlflow.db').as_posix()}"


def open_store(
    *,
    project_name: str,
    project_dir: Path,
    tracking_uri: str | None = None,
    registry_uri: str | None = None,
    database: str | None = None,
) -> Store:
    """Create or open the project's experiment; artifacts go under the project folder, never ./mlruns.

    Against an MLflow server (``http(s)://``) the experiment takes the server's artifact location (proxied
    artifacts: ``mlflow-artifacts:/``), so no host needs a shared folder; ``database`` (``tracking.database``)
    then holds the registry lock, journal and promotion log that every host shares.

    Under the CLI, MLflow's own log lines from here on go to ``<project_dir>/logs/axpoc.log``.
    """
    from axpoc._env import apply_quiet_defaults
    from axpoc._logs import log_to_project

    apply_quiet_defaults()
    project_dir.mkdir(parents=True, exist_ok=True)
    log_to_project(project_dir)
    uri = tracking_uri or default_tracking_uri(project_dir)
    reg = registry_uri or uri
    # set_experiment() elsewhere leaks MLFLOW_EXPERIMENT_ID into child processes that use another store.
    os.environ.pop("MLFLOW_EXPERIMENT_ID", None)
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(reg)
    client = MlflowClient(tracking_uri=uri, registry_uri=reg)
    experiment = client.get_experiment_by_name(project_name)
    if experiment is None and is_server_uri(uri):
        experiment_id = _create_experiment(client, project_name, artifact_location=None)
    elif experiment is None:
        artifacts = (project_dir / "artifacts").resolve()
        artifacts.mkdir(parents=True, exist_ok=True)
        experiment_id = _create_experiment(client, project_name, artifact_location=artifacts.as_uri())
    elif experiment.lifecycle_stage == "deleted":
        raise UserError(
            f"The MLflow experiment '{project_name}' in {uri} was deleted. Restore it in the MLflow UI or "
            "choose another project.name."
        )
    else:
        experiment_id = experiment.experiment_id
    ledger = open_ledger(project_dir=project_dir, project=project_name, tracking_uri=uri, database=database)
    store = Store(uri, reg, experiment_id, project_name, project_name, project_dir, ledger)
    from axpoc.tracking._moves import recover

    store.recovered.extend(recover(store))  # before the cleanup below, which must see the moves settled
    for note in store.recovered:  # every verb says it: on the console and in the project's log file
        logging.getLogger(__name__).warning("%s", note)
    mark_stale_runs(store)
    return store


def _create_experiment(client: MlflowClient, name: str, *, artifact_location: str | None) -> str:
    """A new experiment; when another host created it meanwhile (a shared server), that one."""
    from mlflow.exceptions import MlflowException

    try:
        return client.create_experiment(name, artifact_location=artifact_location)
    except MlflowException:
        existing = client.get_experiment_by_name(name)
        if existing is None:
            raise
        return existing.experiment_id


def mark_stale_runs(store: Store) -> list[str]:
    """End as KILLED the runs left RUNNING by an axpoc process of this host that no longer exists.

    A run killed with SIGKILL (or a power cut) cannot end itself; the next command that opens the store
    does it, with its unfinished child runs, and tags a model version it registered without a decision
    ``axpoc.decision=incomplete`` — never a version that holds an alias or that a journaled alias move
    names (its move was completed, so it is decided). Runs of other hosts, or without the pid tag, are
    left alone: whether their process lives cannot be known from here. MLflow's SQLite sessions wait up to 20 s on a locked
    database (``PRAGMA busy_timeout``), so concurrent commands queue instead of failing.
    """
    client = store.client
    host = platform.node()
    running = client.search_runs(
        [store.experiment_id], filter_string="attributes.status = 'RUNNING'", max_results=500
    )
    stale = [
        run
        for run in running
        if run.data.tags.get(HOST_TAG) == host
        and run.data.tags.get(PID_TAG, "").isdigit()
        and not process_alive(int(run.data.tags[PID_TAG]))
    ]
    killed: list[str] = []
    if not stale:
        return killed
    from axpoc.tracking._moves import journaled_versions

    settled = journaled_versions(store) | _alias_holders(store)
    for run in stale:
        run_id = run.info.run_id
        children = client.search_runs(
            [store.experiment_id],
            filter_string=f"tags.mlflow.parentRunId = '{run_id}' and attributes.status = 'RUNNING'",
        )
        for child in children:
            client.set_terminated(child.info.run_id, status="KILLED")
        client.set_tag(
            run_id,
            "axpoc.stale",
            f"process {run.data.tags[PID_TAG]} on {host} ended without "
            "finishing this run; marked KILLED by the next command",
        )
        client.set_terminated(run_id, status="KILLED")
        killed.append(run_id)
        for version in client.search_model_versions(f"name='{store.model_name}' and run_id='{run_id}'"):
            if "axpoc.decision" not in version.tags and str(version.version) not in settled:
                client.set_model_version_tag(
                    store.model_name, version.version, "axpoc.decision", "incomplete"
                )
                client.set_model_version_tag(
                    store.model_name,
                    version.version,
                    "axpoc.decision_reason",
                    "the run was killed before a decision; never promoted",
                )
    return killed


def _alias_holders(store: Store) -> set[str]:
    from mlflow.exceptions import MlflowException

    try:
        return {str(v) for v in store.client.get_registered_model(store.model_name).aliases.values()}
    except MlflowException:  # no registered model yet
        return set()


def process_alive(pid: int) -> bool:
    """Whether a process with this id exists (a reused id counts as alive: never end a live run)."""
    if os.name == "nt":
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def parent_run(store: Store, *, run_name: str, tags: dict[str, str] | None = None) -> Iterator[Any]:
    """A parent run that ends KILLED on Ctrl-C and FAILED on an error, so nothing looks finished that is not."""
    active = mlflow.active_run()
    if active is not None:  # e.g. compare inside axpoc run: reuse the run
        yield active
        return
    owner = {
        PID_TAG: str(os.getpid()),
        HOST_TAG: platform.node(),
    }  # lets mark_stale_runs find it after a kill
    run = mlflow.start_run(
        experiment_id=store.experiment_id, run_name=run_name, tags={**(tags or {}), **owner}
    )
    try:
        yield run
    except KeyboardInterrupt:
        mlflow.end_run(status="KILLED")
        raise Interrupted(_interrupted(store, run.info.run_id)) from None
    except BaseException:
        mlflow.end_run(status="FAILED")
        raise
    mlflow.end_run(status="FINISHED")


def _interrupted(store: Store, run_id: str) -> str:
    """What an interrupted run leaves, read from the registry: its versions and where the champion stands."""
    from mlflow.exceptions import MlflowException

    from axpoc.tracking._moves import alias_version

    try:
        versions = store.client.search_model_versions(f"name='{store.model_name}' and run_id='{run_id}'")
        champion = alias_version(store, CHAMPION)
    except MlflowException:
        return "interrupted (Ctrl-C); the registry could not be read: see 'axpoc models CONFIG'."
    said = {
        "promoted": "was registered and promoted to champion",
        "rejected": "was registered as challenger",
        "insufficient_evidence": "was registered as challenger (insufficient evidence)",
    }
    done = [
        f"v{v.version} "
        + said.get(v.tags.get("axpoc.decision", ""), "was registered without a decision (not champion)")
        for v in sorted(versions, key=lambda v: int(v.version))
    ]
    where = f"the champion is v{champion}" if champion else "there is no champion"
    return f"interrupted (Ctrl-C); {'; '.join(done) or 'nothing was registered'}; {where}."


def _flat_params(params: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat = {}
    for key, value in params.items():
        if callable(value):
            continue
        text = repr(value) if not isinstance(value, str) else value
        flat[f"{prefix}{key}"] = text[:500]
    return flat


def metric_key(name: str) -> str:
    """A leaderboard name as an MLflow metric key, which cannot hold ``@``: ``f1@0.5`` -> ``f1_at_0.5``."""
    return name.replace("@", "_at_")


def log_candidate(store: Store, result: Any, *, primary: str, parent_run_id: str) -> str:
    """A child run with params, per-fold metrics, mean and CI, trials summary and timings.

    ``primary`` is the leaderboard's name of the ranking KPI (``f1@0.5`` is logged as ``cv_f1_at_0.5_mean``).
    """
    tags = {
        "mlflow.parentRunId": parent_run_id,
        "axpoc.status": result.status,
        "axpoc.reason": result.reason[:500],
    }
    with mlflow.start_run(
        experiment_id=store.experiment_id, run_name=f"candidate:{result.name}", nested=True, tags=tags
    ) as run:
        mlflow.log_params(_flat_params({"family": result.name, **result.params}))
        if result.defaults:
            mlflow.log_dict({k: repr(v) for k, v in result.defaults.items()}, "size_adaptive_defaults.json")
        metrics: dict[str, float] = {
            "n_trials": result.n_trials,
            "n_pruned": result.n_pruned,
            "elapsed_s": result.elapsed_s,
        }
        if result.ok:
            metrics.update(
                {
                    f"cv_{metric_key(primary)}_mean": result.interval.mean,
                    f"cv_{metric_key(primary)}_ci_low": clip_to_range(result.interval.low, primary),
                    f"cv_{metric_key(primary)}_ci_high": clip_to_range(result.interval.high, primary),
                    "fit_time_s": result.fit_time_s,
                    "predict_ms_per_1k": result.predict_time_ms_per_1k,
                }
            )
            for name, values in result.fold_metrics.items():
                if np.isfinite(values).any():
                    metrics[f"cv_{metric_key(name)}_mean"] = float(np.nanmean(values))
                for fold, value in enumerate(values):
                    if np.isfinite(value):
                        mlflow.log_metric(f"fold_{metric_key(name)}", float(value), step=fold)
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


def log_dataset(
    frame: pd.DataFrame, *, name: str, digest: str, source: str, target: str | None, context: str
) -> None:
    """The training data as an MLflow dataset input (name, source, digest); curves are not logged cell by cell.

    ``source`` is a URI or an absolute path (``LoadedData.source_uri``); a relative path is not resolved
    against the working folder, which need not be the config's, and is logged without a source.
    """
    import mlflow.data
    from mlflow.exceptions import MlflowException

    flat = frame.drop(columns=curve_columns(frame))
    source_uri = source if "://" in source else Path(source).as_uri() if Path(source).is_absolute() else None
    try:
        dataset = mlflow.data.from_pandas(
            flat, source=source_uri, targets=target if target in flat else None, name=name, digest=digest[:36]
        )
    except MlflowException:  # a source MLflow cannot resolve (e.g. a database URL): log without it
        dataset = mlflow.data.from_pandas(
            flat, targets=target if target in flat else None, name=name, digest=digest[:36]
        )
    try:
        mlflow.log_input(dataset, context=context)
    except MlflowException:  # two runs logging one dataset at once race on its unique key: the retry finds it
        mlflow.log_input(dataset, context=context)
