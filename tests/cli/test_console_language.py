"""What ``axpoc`` prints is in the config's language: Korean by default, English with ``language: en``.

``--json`` stays English data; decisions, gate reasons, notes and the registry table are said in Korean.
"""

from __future__ import annotations

import pytest


def test_progress_lines_are_korean(finished_run: dict) -> None:
    stderr = finished_run["stderr"]
    assert "데이터: " in stderr and "분할: " in stderr and "선택: " in stderr
    assert "(data)" not in stderr and "rows," not in stderr


def test_a_run_and_the_registry_speak_the_config_language(
    cli, write_config, run_copy: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    from axpoc.cli._output import err_console

    monkeypatch.setattr(err_console, "width", 400)  # whole words in the table cells
    folder, project = run_copy["config"].parent, run_copy["project"]
    strict = write_config(folder, {"kpi.gates": {"monthly_saving": "> 1e15"}}, name="strict.yaml")
    done = cli("run", strict, "--project-dir", project)
    assert done.code == 0, done.stderr
    # the gate's reason, the decision and the table titles in Korean; no English reason leaks
    assert "불합격" in done.stderr and "게이트 불합격: monthly_saving" in done.stderr
    assert "gates failed" not in done.stderr and "misses" not in done.stderr

    korean = cli("models", strict, "--project-dir", project)
    assert korean.code == 0, korean.stderr
    assert "결정" in korean.stderr and "승격" in korean.stderr and "도전자(보류)" in korean.stderr
    # the table and the promotion log's last lines: the rejection said in Korean both times
    assert "도전자로 보류" in korean.stderr and korean.stderr.count("게이트 불합격: monthly_saving") == 2
    assert "gates failed" not in korean.stderr

    english = write_config(folder, {"language": "en"}, name="english.yaml")
    listing = cli("models", english, "--project-dir", project)
    assert listing.code == 0, listing.stderr
    assert "decision" in listing.stderr and "promoted" in listing.stderr and "gates failed" in listing.stderr
    assert "승격" not in listing.stderr
    # --json is data: the English reason, the same keys as before
    data = cli("models", strict, "--project-dir", project, "--json").json()
    assert data["versions"][1]["reason"].startswith("gates failed: monthly_saving")
    assert set(data["versions"][0]) >= {"version", "aliases", "decision", "reason", "forced"}
