"""End to end: ``axpoc run`` on a tiny demo project whose model flags nothing is never champion, its report
shows the built-in rules apart from the configured gates, and no saving is headlined for it."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

from config_files import write_yaml_config

FLAGS_NOTHING = {
    "project": {"name": "rules_e2e", "title": "규칙 테스트"},
    "process": "injection_molding",
    "language": "ko",
    "data": {"demo": {"rows": 1200, "defect_rate": 0.08, "seed": 3}},
    "target": {"column": "defect", "task": "binary", "positive_class": 1},
    "columns": {"id": "shot_id", "time": "timestamp", "exclude": ["defect_type", "cavity_pressure"]},
    "split": {"cv_folds": 3},
    "candidates": ["logistic"],
    "tuning": {"trials": 1},
    "kpi": {
        # an escape costs less than inspecting a part: the cost-optimal threshold flags nothing, and
        # stopping inspection "saves" money that needs no model (the shot-log case)
        "costs": {"inspection_cost": 300, "escape_cost": 10, "false_alarm_cost": 1500},
        "volumes": {"parts_per_day": 4000},
        "gates": {},  # the process template's gates apply; the built-in rules apply on top
    },
}


def _run(raw: dict, tmp_path: Path, project_dir: Path) -> subprocess.CompletedProcess:
    """``axpoc run --json`` on the config ``raw`` written into ``tmp_path``, as a plant would run it."""
    config = write_yaml_config(raw, tmp_path, None, "poc.yaml")
    return subprocess.run(
        [sys.executable, "-m", "axpoc", "run", str(config), "--project-dir", str(project_dir), "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_model_that_flags_nothing_is_never_champion(tmp_path: Path, project_dir: Path) -> None:
    done = _run(FLAGS_NOTHING, tmp_path, project_dir)
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout)
    assert outcome["alias"] != "champion" and outcome["gates_passed"] is False
    rules = {g["name"]: g for g in outcome["gates"] if g["kind"] == "rule"}
    assert not rules["catches_defects"]["passed"] and rules["catches_defects"]["value"] == 0
    # stopping inspection is cheaper than today's practice, but inspecting nothing needs no model
    assert outcome["kpis"]["monthly_saving"] > 0
    assert not rules["beats_inspect_none"]["passed"]
    saving = outcome["kpis"]["saving_vs_best_policy"]
    assert saving is None or math.isnan(saving)
    html = Path(outcome["report_path"]).read_text(encoding="utf-8")
    summary = html[html.index('<section id="summary">') : html.index('<section id="data">')]
    assert "기본 인수 규칙" in summary and 'data-rule="catches_defects"' in summary
    assert "불량을 잡아냄" in summary and "모델 없는 방식보다 나음: 무검사" in summary
    tiles = summary[summary.index('class="tile"') : summary.index('class="grid2"')]
    today_saving = f"{outcome['kpis']['monthly_saving']:,.0f}원"
    assert f'<div class="value">{today_saving}' not in tiles  # never headlined as the model's saving
    assert "모델이 불량을 하나도 잡지 못함" in tiles
    assert (
        f"기존 방식 대비 {today_saving} 중 {today_saving}은(는) 모델 없이도 가능" in tiles
    )  # all of it needs no model


def test_multiclass_without_defect_classes_headlines_no_money(tmp_path: Path, project_dir: Path) -> None:
    """A defect-type model whose config says no class is a defect: no business KPI is a number, the rules
    ask recall of every class, and the report shows metric KPIs and the per-class table instead."""
    raw = {
        **FLAGS_NOTHING,
        "project": {"name": "rules_types", "title": "불량 유형"},
        "target": {"column": "defect_type", "task": "multiclass"},
        "columns": {"id": "shot_id", "time": "timestamp", "exclude": ["defect", "cavity_pressure"]},
        "split": {"method": "stratified", "cv_folds": 3},
        "kpi": {
            "primary": "macro_f1",
            "costs": {"inspection_cost": 300, "escape_cost": 50000, "false_alarm_cost": 1500},
            "volumes": {"parts_per_day": 4000},
            "gates": {"macro_f1": ">= 0.1"},
        },
    }
    done = _run(raw, tmp_path, project_dir)
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout)
    for name in ("monthly_saving", "saving_vs_best_policy", "defects_caught_per_1000", "defect_rate_passed"):
        value = outcome["kpis"][name]
        assert value is None or math.isnan(value), name
    rules = {g["name"]: g for g in outcome["gates"] if g["kind"] == "rule"}
    assert "not applicable" in rules["beats_no_model"]["reason"]
    per_class = [name for name in rules if name.startswith("catches_defects[")]
    assert {"catches_defects[none]", "catches_defects[flash]"} <= set(per_class)
    html = Path(outcome["report_path"]).read_text(encoding="utf-8")
    summary = html[html.index('<section id="summary">') : html.index('<section id="data">')]
    assert 'id="per-class"' in summary and "불량 클래스" in summary and "클래스별 결과" in summary
    assert "매크로 F1" in summary and "재현율: flash" in summary
    assert "불량 클래스(target.defect_classes)나 클래스별 비용이 없어" in html


MATRIX = {
    "none": {"short_shot": 900, "flash": 900, "sink_mark": 900},
    "short_shot": {"none": 40000, "flash": 3000, "sink_mark": 3000, "short_shot": 1000},
    "flash": {"none": 30000, "short_shot": 2000, "sink_mark": 2000, "flash": 800},
    "sink_mark": {"none": 20000, "short_shot": 1500, "flash": 1500, "sink_mark": 600},
}


def _run_types(tmp_path: Path, project_dir: Path, class_costs: dict) -> subprocess.CompletedProcess:
    raw = {
        **FLAGS_NOTHING,
        "project": {"name": "rules_matrix", "title": "불량 유형 비용"},
        "target": {"column": "defect_type", "task": "multiclass"},
        "columns": {"id": "shot_id", "time": "timestamp", "exclude": ["defect", "cavity_pressure"]},
        "split": {"method": "stratified", "cv_folds": 3},
        "kpi": {
            "primary": "macro_f1",
            "costs": {"inspection_cost": 300, "class_costs": class_costs},
            "volumes": {"parts_per_day": 4000},
            "gates": {"macro_f1": ">= 0.1"},
        },
    }
    return _run(raw, tmp_path, project_dir)


def test_multiclass_cost_matrix_prices_the_model_and_the_no_model_policies(
    tmp_path: Path, project_dir: Path
) -> None:
    """With kpi.costs.class_costs and no defect_classes the saving is a number, with its formula, and the
    model is judged against today's practice and inspect nothing on that matrix."""
    done = _run_types(tmp_path, project_dir, MATRIX)
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout)
    assert math.isfinite(outcome["kpis"]["monthly_saving"])
    assert math.isfinite(outcome["kpis"]["no_model_saving"])
    rules = {g["name"]: g for g in outcome["gates"] if g["kind"] == "rule"}
    assert {"beats_today", "beats_inspect_none"} <= set(rules)
    assert "KRW/month" in rules["beats_inspect_none"]["reason"]
    html = Path(outcome["report_path"]).read_text(encoding="utf-8")
    assert "class_costs[actual][predicted]" in html


def test_multiclass_cost_matrix_with_an_unknown_class_is_a_config_error(
    tmp_path: Path, project_dir: Path
) -> None:
    done = _run_types(tmp_path, project_dir, {**MATRIX, "burr": {"none": 100}})
    assert done.returncode == 2, done.stderr[-3000:]
    error = json.loads(done.stdout)["error"]
    text = json.dumps(error, ensure_ascii=False)
    assert "kpi.costs.class_costs.burr" in text and "short_shot" in text
