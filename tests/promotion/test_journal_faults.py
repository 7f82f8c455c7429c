"""A champion move survives SIGKILL and Ctrl-C at every stage boundary (issue 14, item 1).

A real ``axpoc rollback`` (champion v2, forced -> v1) is paused by the test hook at each boundary of the
journaled move and then killed (SIGKILL: the next command completes or undoes the move from the journal)
or interrupted (SIGINT: held until the move is complete, then exit 130 saying where the champion is).
Afterwards the next command (``axpoc models --json``) must succeed and show the invariant: the champion is the version of
the promotion log's last move, and its tags say the same (promoted, the reason, the forced flag).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from promotion_helpers import FORCED_REASON, axpoc_process, paused_rollback, wait_paused

from axpoc.tracking import JOURNAL, MOVE_STAGES, PAUSE_ENV, RESUME_ENV


def assert_consistent(listing: dict) -> dict:
    """The invariant; returns the champion's row."""
    log = listing["promotion_log"]
    ids = [e["id"] for e in log if "id" in e]
    assert len(ids) == len(set(ids)), "a move was logged twice"
    last = [e for e in log if e["action"] in ("promote", "rollback")][-1]
    assert listing["champion"] == last["version"]
    row = next(v for v in listing["versions"] if v["version"] == listing["champion"])
    assert row["aliases"][0] == "champion" and row["decision"] == "promoted"
    assert row["reason"] == last["reason"] and row["forced"] == last["forced"]
    return row


def _next_command(config: Path, project: Path, *, as_subprocess: bool) -> tuple[dict, str]:
    """``axpoc models --json`` and its console: as a process for the issue's own case (champion moved,
    nothing else), in this process otherwise (the same functions, without another interpreter start)."""
    if as_subprocess:
        after = axpoc_process("models", config, "--project-dir", project, "--json")
        out, err = after.communicate(timeout=120)
        assert after.returncode == 0, err[-2000:]
        return json.loads(out), err
    from axpoc.config import load_config
    from axpoc.retrain import list_models, open_project

    return json.loads(json.dumps(list_models(open_project(load_config(config), project)))), ""


def _pending(project: Path) -> list[str]:
    lines = [json.loads(line) for line in (project / JOURNAL).read_text(encoding="utf-8").splitlines()]
    closed = {line["id"] for line in lines if line["state"] != "intent"}
    return [line["id"] for line in lines if line["state"] == "intent" and line["id"] not in closed]


@pytest.mark.parametrize("how", ["SIGKILL", "SIGINT"])
@pytest.mark.parametrize("stage", MOVE_STAGES)
def test_champion_move_is_all_or_nothing(promo_copy: dict, tmp_path: Path, stage: str, how: str) -> None:
    config, project = promo_copy["config"], promo_copy["project"]
    go = tmp_path / "go"
    proc = paused_rollback(config, project, stage=stage, resume=go, reason="과검 증가")
    try:
        proc.send_signal(getattr(signal, how))
        if how == "SIGINT":
            time.sleep(0.3)  # the signal is in; the move goes on only when the hook lets it
            go.touch()
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()

    if how == "SIGKILL":
        assert proc.returncode == -signal.SIGKILL and _pending(project)
    else:  # the move was completed first, and the message says so
        assert proc.returncode == 130, err[-2000:]
        assert "Traceback" not in err and "nothing was registered" not in err
        assert "completed first" in err and "v1 is champion (was v2)" in err, err[-2000:]

    listing, console = _next_command(config, project, as_subprocess=stage == "promote:aliases")
    champion = assert_consistent(listing)
    assert not _pending(project)
    rolled_back = how == "SIGINT" or stage != "promote:intent"  # killed with only the intent: undone
    versions = {v["version"]: v for v in listing["versions"]}
    if rolled_back:
        assert champion["version"] == "1" and champion["reason"].startswith(
            "rollback from v2 to v1: 과검 증가"
        )
        assert versions["2"]["decision"] == "rolled_back" and versions["2"]["aliases"] == ["previous"]
    else:
        assert champion["version"] == "2" and champion["forced"] and champion["reason"] == FORCED_REASON
        assert versions["1"]["aliases"] == ["previous"] and versions["1"]["decision"] == "promoted"
    if how == "SIGKILL":
        word = "completed" if rolled_back else "undid"
        assert any(note.startswith(word) for note in listing["notes"]), listing["notes"]
        if console:  # the command says it too, and keeps it in the project's log file
            assert f"WARNING: {word} an alias move" in console, console[-2000:]
            assert f"{word} an alias move" in (project / "logs" / "axpoc.log").read_text(encoding="utf-8")
    else:
        assert listing["notes"] == []


def test_forced_promotion_killed_after_the_alias_moved_is_completed_with_its_flag(
    promo_copy: dict, tmp_path: Path
) -> None:
    """The issue's own case: a forced promotion killed right after ``champion`` moved (no tags, no log
    line yet). The next opening completes it: the forced flag and the reason are the move's, not lost."""
    from axpoc import tracking
    from axpoc.retrain import list_models

    project = promo_copy["project"]
    script = (
        "import sys; from pathlib import Path; from axpoc import tracking; "
        "store = tracking.open_store(project_name=sys.argv[1], project_dir=Path(sys.argv[2])); "
        "tracking.promote(store, '1', reason='forced: 라인 긴급 전환', forced=True)"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, "promo_demo", str(project)],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, PAUSE_ENV: "promote:aliases", RESUME_ENV: str(tmp_path / "never")},
    )
    try:
        wait_paused(proc, "promote:aliases")
        proc.kill()
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()

    store = tracking.open_store(project_name="promo_demo", project_dir=project)
    assert [note.code for note in store.recovered] == ["completed"]  # type: ignore[attr-defined]
    listing = json.loads(json.dumps(list_models(store)))
    champion = assert_consistent(listing)
    assert (
        champion["version"] == "1" and champion["forced"] and champion["reason"] == "forced: 라인 긴급 전환"
    )
    assert listing["promotion_log"][-1]["previous"] == "2"
