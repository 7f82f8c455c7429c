"""``axpoc run``'s report tells the promotion's actual outcome, in the report's language.

A lost race (another run promoted while this one decided) must leave a report saying challenger, as the
``--json`` outcome does; the decision, the gate reasons and the threshold note of a Korean report are Korean.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path
from typing import Any

import pytest
from retrain_helpers import PROJECT, write_config

# One fast candidate: what is tested is the decision and its report, not the comparison.
FAST = {"candidates": ["logistic"], "retrain.per_product": False}


def test_run_that_loses_the_race_reports_challenger(
    project_copy: dict, cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Between this run's decision and its promotion another version takes ``champion``: the promotion
    (forced, so it was decided) finds a champion it did not decide against, and the report says so."""
    from axpoc import tracking
    from axpoc.steps import _train

    real_register = _train.register_candidate
    rival: dict[str, str] = {}

    def register_then_lose_the_race(config: Any, store: Any, *args: Any, **kwargs: Any) -> Any:
        version, decision = real_register(config, store, *args, **kwargs)
        assert decision.promote and decision.champion == "1"
        source = store.client.get_model_version(PROJECT, "1").source
        rival["version"] = str(store.client.create_model_version(PROJECT, source).version)
        assert tracking.promote(store, rival["version"], reason="another run", expected_champion="1")
        return version, decision

    monkeypatch.setattr(_train, "register_candidate", register_then_lose_the_race)
    config = write_config(tmp_path, FAST)
    result = cli(
        "run", config, "--project-dir", project_copy["project"], "--force", "--reason", "test", "--json"
    )

    assert result.code == 0, result.stderr
    outcome = result.json()
    assert outcome["alias"] == "challenger" and outcome["model_version"] == "2"
    assert (
        outcome["decision_reason"]
        == "another process moved champion meanwhile; this version stays challenger"
    )
    html = Path(outcome["report_path"]).read_text(encoding="utf-8")
    assert 'data-verdict="challenger"' in html and 'data-verdict="champion"' not in html
    assert "그사이 다른 프로세스가 챔피언을 바꿨습니다; 이 버전은 도전자로 남습니다" in html
    store = tracking.open_store(project_name=PROJECT, project_dir=project_copy["project"])
    assert tracking.alias_version(store, tracking.CHAMPION) == rival["version"] == "3"
    assert tracking.alias_version(store, tracking.CHALLENGER) == "2"


def test_korean_report_words_decision_gates_and_threshold_in_korean(
    tmp_path: Path, mlflow_db_template: Path
) -> None:
    """A first run whose gate fails: the verdict reason, the gate's reason and the cost-optimal threshold
    note read in Korean, and none of their English wording is left in the report."""
    from axpoc.config import load_config
    from axpoc.steps import run_poc

    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(mlflow_db_template, project / "mlflow.db")
    config = write_config(tmp_path, {**FAST, "kpi.gates": {"roc_auc": ">= 0.99"}})
    outcome = run_poc(load_config(config), project_dir=project)

    assert outcome.alias == "challenger" and outcome.gates_passed is False
    # the registry and the CLI stay English; a built-in rule may fail beside the gate
    assert outcome.decision_reason.startswith("gates failed: roc_auc")
    roc_auc = next(g for g in outcome.gates if g["name"] == "roc_auc")
    html = Path(outcome.report_path).read_text(encoding="utf-8")
    assert "게이트 불합격: roc_auc" in html
    basis = "측정값" if roc_auc["used_value"] == roc_auc["value"] else "신뢰구간 하한"
    assert f"{basis} {roc_auc['used_value']:.4g}: 기준 ≥ 0.99 미달" in html
    assert "비용 최적 임계값 " in html and "교차 검증 밖(out-of-fold) 예측" in html and "원" in html
    for english in (
        "gates failed",
        "misses",
        "meets",
        "CI lower bound",
        "cost-optimal threshold",
        "out-of-fold predictions",
        "calibration), expected cost",
        "undefined: ",  # a KPI's reason why it is undefined
        "is flagged",
        "no defective part",
        "holds only one class",
    ):
        assert english not in html, english
    undefined = [name for name, value in outcome.kpis.items() if math.isnan(value)]
    assert all(f"{name} 정의 불가: " in html for name in undefined), undefined
