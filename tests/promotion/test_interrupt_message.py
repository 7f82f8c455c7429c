"""An interrupted run says what it registered and where the champion stands, read from the registry
(issue 14: after SIGINT during the move the message said "nothing was registered" while the champion had
moved)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from axpoc.errors import Interrupted


def _interrupted_run(store: Any, inside: Any) -> str:
    """The message of a KeyboardInterrupt raised inside ``parent_run`` after ``inside(run_id)`` ran."""
    from axpoc import tracking

    with pytest.raises(Interrupted) as caught, tracking.parent_run(store, run_name="interrupted") as run:
        inside(run.info.run_id)
        raise KeyboardInterrupt
    return caught.value.message


def test_nothing_registered_and_no_champion(empty_store: Any) -> None:
    message = _interrupted_run(empty_store, lambda run_id: None)
    assert message == "interrupted (Ctrl-C); nothing was registered; there is no champion."


def test_a_version_promoted_before_the_interrupt_is_named_as_champion(empty_store: Any) -> None:
    from axpoc import tracking

    client = empty_store.client
    client.create_registered_model(empty_store.model_name)

    def register_and_promote(run_id: str) -> None:
        first = str(client.create_model_version(empty_store.model_name, "file:///a", run_id=run_id).version)
        assert tracking.promote(empty_store, first, reason="first")
        client.create_model_version(empty_store.model_name, "file:///b", run_id=run_id)

    message = _interrupted_run(empty_store, register_and_promote)
    assert message == (
        "interrupted (Ctrl-C); v1 was registered and promoted to champion; v2 was registered without a "
        "decision (not champion); the champion is v1."
    )


def test_ctrl_c_inside_a_move_waits_for_it_and_then_says_where_things_stand(
    empty_store: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Ctrl-C arrives while a reject move waits at ``promote:tags``: the move is finished first (tags,
    log line, confirmation), then the interrupt is raised, naming the challenger and the champion."""
    import os
    import signal
    import threading

    from axpoc import tracking

    client = empty_store.client
    client.create_registered_model(empty_store.model_name)
    for source in ("file:///a", "file:///b"):
        client.create_model_version(empty_store.model_name, source)
    assert tracking.promote(empty_store, "1", reason="first")
    go = tmp_path / "go"
    monkeypatch.setenv(tracking.PAUSE_ENV, "promote:tags")
    monkeypatch.setenv(tracking.RESUME_ENV, str(go))

    def press_ctrl_c_then_resume() -> None:
        time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.2)
        go.touch()

    threading.Thread(target=press_ctrl_c_then_resume, daemon=True).start()
    with pytest.raises(Interrupted) as caught:
        tracking.mark_challenger(empty_store, "2", reason="gates failed: recall")

    assert caught.value.message.endswith(
        "completed first and recorded in the promotion log: v2 is challenger; the champion is v1."
    )
    assert client.get_model_version(empty_store.model_name, "2").tags["axpoc.decision"] == "rejected"
    assert tracking.read_promotion_log(empty_store)[-1]["action"] == "reject"
    assert tracking.recover(empty_store) == []  # nothing left half done
