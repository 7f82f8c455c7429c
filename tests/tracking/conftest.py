"""A project on the team server (``team_server`` in tests/conftest.py) that two hosts share."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from team_server import TEAM, TeamServer, open_host


@pytest.fixture(scope="session")
def served_project(team_server: TeamServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Host A's first run against the server (v1), then v2 and v3 of the same logged model; v1 is champion.

    The project's name is new per session: the server's database outlives test sessions.
    """
    from axpoc import tracking
    from axpoc.config import config_from_dict
    from axpoc.steps import run_poc

    name = f"team-{uuid.uuid4().hex[:10]}"
    settings = {**TEAM, "project": {"name": name}, "tracking": team_server.tracking()}
    host_a = tmp_path_factory.mktemp("host_a")
    outcome = run_poc(config_from_dict(settings), project_dir=host_a, until="register")
    store = open_host(settings, host_a)
    if tracking.alias_version(store, tracking.CHAMPION) != "1":
        assert tracking.promote(store, "1", reason="test fixture: first champion", forced=True)
    source = store.client.get_model_version(name, "1").source
    for _ in range(2):  # through the server, a version of a logged model needs its id: register it
        tracking.register_version(store, source, tags={"axpoc.decision": "rejected"})
    return {"settings": settings, "host_a": host_a, "run_id": outcome.run_id}
