"""``axpoc worker CONFIG``: join the comparison of a running ``axpoc run`` on another process or PC.

The worker reads the same data with the same config (so the same split, folds and size-adaptive defaults),
finds the newest run of the project whose comparison is open (parent-run tag ``axpoc.workers=open``),
refuses when its data differ from the run's (the digests), and takes trials from the run's Optuna studies in
``tuning.storage`` until the run closes them (:mod:`axpoc.compare._shared` says the rules). It logs one
child run ``worker HOST PID`` under the run's parent run with the trials it ran per candidate.
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from axpoc._hooks import pause_point
from axpoc.config import PocConfig
from axpoc.errors import UserError
from axpoc.i18n import console_text
from axpoc.steps._compare import DIGEST_TAG, PREFIX_TAG, WORKERS_TAG, comparison_inputs
from axpoc.steps._prepare import prepare


@dataclass
class WorkerOutcome:
    project: str
    run_id: str
    worker_run_id: str
    trials: dict[str, int] = field(default_factory=dict)
    elapsed_s: float = 0.0


def run_worker(
    config: PocConfig,
    *,
    project_dir: Path | None = None,
    wait_s: float = 600.0,
    say: Callable[[str], None] | None = None,
) -> WorkerOutcome:
    """Take trials of the open run's comparison until it closes; ``wait_s`` is how long to wait for one, and
    how long to stay idle in it before ending (its coordinator may have died on another PC)."""
    import mlflow

    from axpoc import tracking
    from axpoc.compare import join_comparison

    say = say or (lambda message: None)
    started = time.monotonic()
    if not config.tuning.storage:
        raise UserError(
            "tuning.storage: a worker joins a run's Optuna studies in a database every PC reaches; set "
            "tuning.storage (e.g. postgresql+psycopg://axpoc:PASSWORD@SERVER:5432/axpoc) in the config the run "
            "and the workers share (README 'Distributed tuning')."
        )
    prepared = prepare(config)
    store = tracking.open_store(
        project_name=config.project.name,
        project_dir=config.project_dir(project_dir),
        tracking_uri=config.tracking.uri,
        registry_uri=config.tracking.registry_uri,
        database=config.tracking.database,
    )
    run = _open_run(store, wait_s=wait_s, say=say, language=config.language)
    if run.data.tags.get(DIGEST_TAG) != prepared.digest:
        raise UserError(
            f"the run {run.info.run_id} compares other data than this worker read ({prepared.source_label}): "
            "its data digest differs. Give the worker the same data file and config as the run, then start it "
            "again."
        )
    prefix = run.data.tags[PREFIX_TAG]
    inputs = comparison_inputs(config, prepared)
    columns = _study_columns(config, prefix, list(inputs.families), wait_s=wait_s)
    outcome = WorkerOutcome(config.project.name, run.info.run_id, "")
    say(console_text("worker_joined", config.language, run=run.info.run_id, features=len(columns)))
    with tracking.parent_run(
        store,
        run_name=f"worker {platform.node()} {os.getpid()}",
        tags={"mlflow.parentRunId": run.info.run_id, "axpoc.kind": "worker"},
    ) as child:
        outcome.worker_run_id = child.info.run_id
        pause_point("worker:joined")
        outcome.trials = join_comparison(
            inputs.X,
            inputs.y,
            classes=inputs.classes,
            splits=inputs.plan.splits(),
            candidates=inputs.candidates,
            families=inputs.families,
            builder=lambda family, params: inputs.build(columns, family, params),
            defaults=inputs.defaults(len(columns)),
            skipped=inputs.skipped,
            tuning=config.tuning,
            scorer=inputs.scorer,
            study_prefix=prefix,
            still_open=lambda: _still_open(store, run.info.run_id),
            max_idle_s=wait_s,
        )
        outcome.elapsed_s = time.monotonic() - started
        mlflow.log_metrics(
            {f"trials_{name}": float(n) for name, n in outcome.trials.items()}
            | {"elapsed_s": outcome.elapsed_s}
        )
    return outcome


def _open_run(store: Any, *, wait_s: float, say: Callable[[str], None], language: str) -> Any:
    """The newest running parent run of the project that is open to workers, waiting up to ``wait_s``."""
    deadline = time.monotonic() + wait_s
    told = False
    while True:
        runs = store.client.search_runs(
            [store.experiment_id],
            filter_string=f"tags.`{WORKERS_TAG}` = 'open' and attributes.status = 'RUNNING'",
            order_by=["attributes.start_time DESC"],
            max_results=1,
        )
        if runs:
            return runs[0]
        if time.monotonic() >= deadline:
            raise UserError(
                f"no run of project '{store.model_name}' took workers within {wait_s:g} s. Start 'axpoc run "
                "CONFIG' (with tuning.storage) on the coordinating PC, then this worker, or wait longer with "
                "--wait SECONDS."
            )
        if not told:
            say(console_text("worker_waiting", language, seconds=wait_s))
            told = True
        time.sleep(1.0)


def _study_columns(config: PocConfig, prefix: str, names: list[str], *, wait_s: float) -> list[str]:
    """The feature columns the coordinator compares on (its group-level screen may have dropped some),
    from the first of its studies; the run creates them just after it opens to workers."""
    import optuna

    from axpoc.compare import COLUMNS_ATTR

    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        for name in names:
            try:
                study = optuna.load_study(study_name=f"{prefix}/{name}", storage=config.tuning.storage)
            except KeyError:  # not created yet, or a candidate the coordinator skipped
                continue
            if COLUMNS_ATTR in study.user_attrs:
                return list(study.user_attrs[COLUMNS_ATTR])
        time.sleep(0.5)
    raise UserError(
        f"the run's studies ({prefix}/...) did not appear in tuning.storage within {wait_s:g} s; give the worker "
        "the same tuning.storage as the run."
    )


def _still_open(store: Any, run_id: str) -> bool:
    run = store.client.get_run(run_id)
    return run.info.status == "RUNNING" and run.data.tags.get(WORKERS_TAG) == "open"
