"""One comparison worked by several processes or PCs through Optuna's RDB storage (``tuning.storage``).

The coordinating ``axpoc run`` creates each candidate's study, runs its defaults and *opens* it (study user
attribute ``axpoc.open``) when it starts tuning; ``axpoc worker`` processes take trials from every open
study. The rules that keep it exact:

- **Trial counts are exact across processes.** Optuna numbers a study's trials atomically; a trial runs
  only if fewer than ``tuning.trials`` trials that did not fail have a lower number (:func:`has_room`),
  else it is dropped at once (state FAIL, user attribute ``axpoc.dropped``) and its process stops.
- **A dead worker loses only its running trial.** Every trial beats a heartbeat into the storage
  (``tuning.heartbeat_s``); a trial whose beat stops for two intervals is failed by whichever process looks
  next (Optuna's ``fail_stale_trials``). It then no longer counts, so its place is taken by another trial:
  the coordinator closes each study, waits for the trials still running and runs the missing ones itself.
- **The budget is the coordinator's wall clock.** It writes its deadline (``axpoc.deadline``, Unix time,
  its reserve for refitting taken off) into each study; workers start no trial they predict to end after it.

A worker's results reach the coordinator as trial values and parameters in the storage; the coordinator
cross-validates the configurations it did not run itself (the best, and the defaults) once more on the same
folds, so its leaderboard holds the same out-of-fold outputs as a single-process run would.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from typing import Any

from axpoc.errors import UserError

OPEN_ATTR, DEADLINE_ATTR, COLUMNS_ATTR, DROPPED_ATTR, FAILED_ATTR = (
    "axpoc.open",
    "axpoc.deadline",
    "axpoc.columns",
    "axpoc.dropped",
    "axpoc.failed",
)
_STORAGES: dict[tuple[str, int], Any] = {}


class TrialDropped(Exception):
    """A trial numbered past the study's trial count: failed at once, never run or counted."""


def shared_storage(url: str, *, heartbeat_s: int) -> Any:
    """The RDB storage with heartbeats, one per URL and process (its engine pools the connections)."""
    import optuna

    key = (url, heartbeat_s)
    if key not in _STORAGES:
        try:
            with warnings.catch_warnings():  # heartbeats are "experimental since v2.9"; axpoc relies on them
                warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
                _STORAGES[key] = optuna.storages.RDBStorage(
                    url, heartbeat_interval=heartbeat_s, grace_period=2 * heartbeat_s
                )
        except RuntimeError as exc:  # Optuna's schema check: another program's migrations live there
            raise UserError(
                f"tuning.storage: the database {_without_password(url)} holds another program's tables (Optuna "
                f"says: {str(exc).splitlines()[0]}); MLflow's server database cannot hold Optuna's studies, as both "
                "keep an alembic_version table. Give tuning.storage a database of its own (README 'Team server')."
            ) from None
    return _STORAGES[key]


def _without_password(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}:{parts.port or ''}{parts.path}"


def counted(study: Any, *, below: int | None = None) -> int:
    """Trials that count toward the trial count: all but those dropped or lost with a dead worker (a trial
    that failed on its own, an error or the budget, counts, as it does in one process)."""
    import optuna

    return sum(
        1
        for t in study.get_trials(deepcopy=False)
        if (below is None or t.number < below)
        and (t.state != optuna.trial.TrialState.FAIL or t.user_attrs.get(FAILED_ATTR))
    )


def has_room(study: Any, number: int, limit: int) -> bool:
    """Whether trial ``number`` is among the first ``limit`` counted trials of the study."""
    return counted(study, below=number) < limit


def is_open(study: Any) -> bool:
    return bool(study.user_attrs.get(OPEN_ATTR, False))


def first_heartbeat(storage: Any, *, study_name: str, number: int) -> None:
    """Beat the trial's heartbeat once, before any work.

    Optuna's heartbeat thread records its first beat on its own schedule; a worker killed before that beat
    left a RUNNING trial without any heartbeat, which ``fail_stale_trials`` never fails, and the run waited
    for it forever. With one beat written up front, a dead worker's trial always goes stale.
    """
    study_id = storage.get_study_id_from_name(study_name)
    storage.record_heartbeat(storage.get_trial_id_from_study_id_trial_number(study_id, number))


def wait_for_running(study: Any, *, poll_s: float = 0.2) -> None:
    """Block until no trial of the study runs; a trial whose heartbeat stopped (its worker died) is failed."""
    import optuna

    while True:
        with warnings.catch_warnings():  # "experimental since v2.9": the API axpoc relies on for dead workers
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            optuna.storages.fail_stale_trials(study)
        if not study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,)):
            return
        time.sleep(poll_s)


def best_finished(study: Any, *, higher_is_better: bool) -> Any:
    """The study's best completed trial with a finite value (any process's), or None."""
    import math

    import optuna

    done = [
        t
        for t in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))
        if t.value is not None and math.isfinite(t.value)
    ]
    if not done:
        return None
    return (max if higher_is_better else min)(done, key=lambda t: t.value)


def deadline_budget(study: Any) -> tuple[float | None, float]:
    """(seconds left until the coordinator's deadline, or None without a budget; the monotonic start)."""
    deadline = study.user_attrs.get(DEADLINE_ATTR)
    return (None if deadline is None else deadline - time.time()), time.monotonic()


def work_open_studies(
    tuners: Callable[[], dict[str, Any]],
    *,
    still_open: Callable[[], bool],
    max_idle_s: float,
    poll_s: float = 0.5,
) -> dict[str, int]:
    """Take one trial at a time from every open study with room, until the coordinator closes the run.

    ``tuners`` returns the worker's tuners of the studies that exist by now (the coordinator creates them
    one by one); ``still_open`` says whether the coordinator still takes trials. A worker with nothing to do
    for ``max_idle_s`` stops too: a coordinator killed on another PC cannot say that it has gone. Returns
    trials run here per candidate.
    """
    done: dict[str, int] = {}
    idle_since = time.monotonic()
    while True:
        worked = False
        for name, tuner in tuners().items():
            if tuner.takes_work():
                before = tuner.own_trials
                tuner.run(share_s=float("inf"), reserve_s=0.0, max_trials=1)
                done[name] = done.get(name, 0) + tuner.own_trials - before
                worked = True
        if worked:
            idle_since = time.monotonic()
        elif not still_open() or time.monotonic() - idle_since > max_idle_s:
            return done
        else:
            time.sleep(poll_s)
