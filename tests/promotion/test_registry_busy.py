"""A registry held by another command: recovery at start-up leaves that command's move alone (a predict
started mid-promotion scores instead of waiting), and a move that waits too long says so in words."""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from typing import Any

import pytest
from lock_holder import lock_held

from axpoc.errors import UserError
from axpoc.tracking import JOURNAL, LOCK_FILE, Move, RegistryBusy, recover, registry_lock


def test_a_held_registry_is_busy_in_words_and_recovery_waits_for_nobody(empty_store: Any) -> None:
    move = Move(action="promote", version="1", aliases={"champion": "1"}, prior={"champion": None},
                tags={}, log={"action": "promote", "version": "1"}, id="x1")  # fmt: skip
    line = json.dumps({"id": move.id, "state": "intent", "move": asdict(move)})
    (empty_store.project_dir / JOURNAL).write_text(line + "\n", encoding="utf-8")
    with lock_held(empty_store.project_dir / LOCK_FILE):
        started = time.monotonic()
        assert recover(empty_store) == []  # the holder is alive and moving: its move is its own
        assert time.monotonic() - started < 5
        assert len((empty_store.project_dir / JOURNAL).read_text(encoding="utf-8").splitlines()) == 1
        with pytest.raises(RegistryBusy, match="is busy") as caught, registry_lock(empty_store, wait_s=0.2):
            pass
        assert isinstance(caught.value, UserError) and LOCK_FILE in str(caught.value)
