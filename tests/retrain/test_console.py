"""The after-handover verbs print in the config's language: Korean lines for drift, retrain, rollback, export
and import (``--json`` stays the English data the other tests read)."""

from __future__ import annotations

from pathlib import Path

import pytest
from retrain_helpers import write_config


def test_after_handover_verbs_speak_korean(
    cli, project_copy: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from axpoc.cli._output import err_console

    monkeypatch.setattr(err_console, "width", 400)  # whole words in the table cells
    config, project, new = project_copy["config"], project_copy["project"], project_copy["new"]
    at = ("--project-dir", project)

    drift = cli("drift", config, "--data", new, *at)
    assert drift.code == 0, drift.stderr
    assert (
        "새 제품" in drift.stderr and "보고서: " in drift.stderr and "새 데이터에서 챔피언 v1" in drift.stderr
    )
    assert (
        "드리프트: 큰 드리프트 " in drift.stderr and "기준 → 새 데이터" in drift.stderr
    )  # the table's words

    monthly = write_config(config.parent, {"retrain.per_product": False}, name="monthly.yaml")
    retrained = cli("retrain", monthly, "--data", new, *at)
    assert retrained.code == 0, retrained.stderr
    for line in ("챔피언: ", "드리프트: ", "학습 데이터: ", "챔피언 vs 도전자", "결정: v2", "완료: "):
        assert line in retrained.stderr, (line, retrained.stderr[-3000:])
    assert "(decision)" not in retrained.stderr and "rows —" not in retrained.stderr

    back = cli("rollback", config, *at, "--reason", "품질팀 요청")
    assert back.code == 0, back.stderr
    assert "되돌리기: " in back.stderr and "품질팀 요청" in back.stderr

    exported = cli("export", config, "--out", tmp_path / "p.axpoc.zip", *at)
    assert exported.code == 0, exported.stderr
    assert "내보내기 완료: " in exported.stderr
    imported = cli("import", tmp_path / "p.axpoc.zip", "--into", tmp_path / "moved")
    assert imported.code == 0, imported.stderr
    assert "가져오기 완료: " in imported.stderr and "다음 단계: " in imported.stderr
