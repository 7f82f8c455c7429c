"""Rollback rules (issue 14, item 6) and the stale-run cleanup's limits, on a real registry.

A rollback never makes champion a version that was never decided (its run was killed) or had too little
evidence, nor one whose model cannot be loaded (a clear exit 2, no traceback); after ``--to`` a version
outside the chain, a plain rollback still walks back; ``incomplete`` never lands on a version that holds
an alias.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from promotion_helpers import PROJECT

from axpoc.errors import UserError


def _store(project: Path) -> Any:
    from axpoc.tracking import open_store

    return open_store(project_name=PROJECT, project_dir=project)


def _new_version(store: Any, tags: dict[str, str] | None = None) -> str:
    """One more version of v1's logged model (loadable), with the given tags."""
    source = store.client.get_model_version(PROJECT, "1").source
    return str(store.client.create_model_version(PROJECT, source, tags=tags or {}).version)


@pytest.mark.parametrize(
    ("tags", "says"),
    [
        ({}, "was never decided"),
        ({"axpoc.decision": "incomplete"}, "was never decided"),
        ({"axpoc.decision": "insufficient_evidence"}, "too little evidence"),
    ],
)
def test_rollback_never_to_an_undecided_version(promo_copy: dict, tags: dict, says: str) -> None:
    from axpoc import tracking
    from axpoc.retrain import rollback

    store = _store(promo_copy["project"])
    target = _new_version(store, tags)
    with pytest.raises(UserError, match=says):
        rollback(store, to=target, reason="test")
    assert tracking.alias_version(store, tracking.CHAMPION) == "2"
    assert store.client.get_model_version(PROJECT, target).tags.get("axpoc.decision") == tags.get(
        "axpoc.decision"
    )


def test_chain_stays_walkable_after_rollback_to_outside_it(promo_copy: dict) -> None:
    """Chain v1 -> v2; ``--to 3`` (a challenger) -> champion v3; a plain rollback then goes back to v2."""
    from axpoc import tracking
    from axpoc.retrain import rollback

    store = _store(promo_copy["project"])
    challenger = _new_version(store, {"axpoc.decision": "rejected"})
    assert rollback(store, to=challenger, reason="현장 판단")["to_version"] == challenger
    assert tracking.alias_version(store, tracking.PREVIOUS) == "2"
    back = rollback(store, reason="원복")
    assert (back["from_version"], back["to_version"]) == (challenger, "2")
    assert rollback(store, reason="한 번 더")["to_version"] == "1"


def test_rollback_to_a_damaged_model_is_a_clear_exit_2(promo_copy: dict) -> None:
    """A truncated pickle: exit 2, a message naming the version and the fix, no traceback, champion kept."""
    from axpoc import tracking

    pickles = list((promo_copy["project"] / "artifacts").rglob("poc_model.pkl"))
    assert len(pickles) == 1  # v1 and v2 share the one logged model
    data = pickles[0].read_bytes()
    pickles[0].write_bytes(data[: len(data) // 2])
    done = subprocess.run(
        [sys.executable, "-m", "axpoc", "rollback", str(promo_copy["config"]), "--project-dir",
         str(promo_copy["project"]), "--to", "1"],
        capture_output=True, text=True, timeout=120, check=False, env=dict(os.environ),
    )  # fmt: skip
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert "v1 cannot be loaded" in done.stderr and "damaged" in done.stderr
    assert tracking.alias_version(_store(promo_copy["project"]), tracking.CHAMPION) == "2"


def test_stale_cleanup_never_marks_a_version_that_holds_an_alias(promo_copy: dict) -> None:
    """A run left RUNNING by a dead process registered v3, and v3 got ``champion`` before the process
    died: the next store opening ends the run KILLED but leaves v3's decision alone."""
    import platform

    from mlflow import MlflowClient

    from axpoc import tracking

    store = _store(promo_copy["project"])
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    client = MlflowClient(tracking_uri=store.tracking_uri, registry_uri=store.registry_uri)
    run = client.create_run(
        store.experiment_id, tags={tracking.PID_TAG: str(dead.pid), tracking.HOST_TAG: platform.node()}
    )
    source = client.get_model_version(PROJECT, "1").source
    held = str(client.create_model_version(PROJECT, source, run_id=run.info.run_id).version)
    loose = str(client.create_model_version(PROJECT, source, run_id=run.info.run_id).version)
    client.set_registered_model_alias(PROJECT, tracking.CHALLENGER, held)

    _store(promo_copy["project"])

    assert client.get_run(run.info.run_id).info.status == "KILLED"
    assert "axpoc.decision" not in client.get_model_version(PROJECT, held).tags
    assert client.get_model_version(PROJECT, loose).tags["axpoc.decision"] == "incomplete"
