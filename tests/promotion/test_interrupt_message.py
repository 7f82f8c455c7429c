"""An interrupted run says what it registered and where the champion stands, read from the registry
(issue 14: after SIGINT during the move the message said "nothing was registered" while the champion had
moved)."""

from __future__ import annotations

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
