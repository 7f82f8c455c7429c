"""One trained injection-molding demo project carried through a short field period (the field and serve tests).

:func:`build_field_project` trains a small model and makes version 1 champion (the point here is the field
period, not the gates), writes a three-week field period with a drift in week 2, scores each week with
``axpoc predict``'s engine and records the baseline history and the weekly outcomes. The root conftest
builds it once per session (``field_project``); tests that write into the project copy it.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from config_files import write_yaml_config

DEPLOYED = "2024-03-25"
FIELD_RUN = {
    "project": {
        "name": "field_demo",
        "title": "현장 실증 테스트 사출 PoC",
        "dir": "project",
        "problem": "사출 불량(미성형, 버, 싱크마크)이 고객사에서 발견되어 반품 비용이 큼",
        "owner": "생산기술팀 김팀장",
        "industry": "자동차 부품",
        "lessons": ["결과 데이터는 id 열을 함께 내보내야 연결된다"],
    },
    "process": "injection_molding",
    "language": "ko",
    "data": {"demo": {"rows": 1200, "defect_rate": 0.06, "seed": 1}},
    "target": {"column": "defect", "task": "binary", "positive_class": 1},
    "columns": {"id": "shot_id", "time": "timestamp", "group": "lot", "product": "product"},
    "split": {"cv_folds": 3},
    "candidates": ["logistic"],
    "tuning": {"trials": 1},
    "kpi": {
        "costs": {
            "inspection_cost": 300,
            "escape_cost": 8000,
            "false_alarm_cost": 500,
            "inspection_minutes_per_part": 0.5,
        },
        "volumes": {"parts_per_day": 4000},
        "gates": {"roc_auc": ">= 0.5"},
        "targets": {
            "defect_escape_rate": "<= 0.6",
            "false_alarm_rate": "<= 0.2",
            "monthly_saving": ">= 0",
            "cpk": ">= 0.5",
        },
    },
    "plan": {
        "engineer": "PoC 엔지니어 이수진",
        "it_contact": "전산팀 박과장",
        "visits": [
            {"date": "2024-02-05", "purpose": "착수 회의, 문제 정의"},
            {"date": "2024-02-19", "purpose": "MES 데이터 범위 확정"},
            {"date": "2024-03-11", "purpose": "모델 결과 설명, 게이트 합의"},
            {"date": "2024-03-25", "purpose": "라인 적용"},
            {"date": "2024-04-12", "purpose": "현장 결과 검토, 최종 보고"},
        ],
    },
    "field": {
        "deployed": DEPLOYED,
        "baseline_days": 14,
        "monitor": {"column": "weight_dev_pct", "lsl": -1.5, "usl": 1.5},
    },
}
WEEKS = 3
PARTS_PER_DAY = 60


@dataclass(frozen=True)
class FieldProject:
    folder: Path
    config_path: Path
    demo: Path
    written: dict[str, Any]
    recorded: list[dict[str, Any]]

    @property
    def project(self) -> Path:
        return self.folder / "project"

    def config(self) -> Any:
        from axpoc.config import load_config

        return load_config(self.config_path)

    def copy(self, tmp_path: Path) -> FieldProject:
        """A private copy (outcomes or visits written there leave the shared project alone)."""
        target = tmp_path / "copy"
        shutil.copytree(self.folder, target)
        return FieldProject(
            target, target / self.config_path.name, target / "demo", self.written, self.recorded
        )

    def scores(self) -> list[Path]:
        return [self.demo / f"scores_week{w}.csv" for w in range(1, WEEKS + 1)]


OTHER_PROCESSES = {
    "press_forming": {
        "process": "press_forming",
        "target": {"column": "defect", "task": "binary", "positive_class": 1},
        "columns": {"id": "stroke_id", "time": "timestamp", "group": "lot", "product": "product"},
        "field.monitor": {"column": "springback_deg", "lsl": -1.0, "usl": 1.0},
    },
    "cnc_machining": {
        "process": "cnc_machining",
        "target": {"column": "ra_um", "task": "regression", "spec": {"usl": 1.6}},
        "columns": {"id": "part_id", "time": "timestamp", "group": "tool_id", "product": "product"},
        "candidates": ["ridge"],
        "kpi.gates": {"r2": ">= -10"},
        "field.monitor": {"column": "ra_um", "usl": 1.6},
    },
}
"""What differs from the injection-molding project for the other process templates."""


def build_field_project(folder: Path, overrides: dict[str, Any] | None = None) -> FieldProject:
    from axpoc.config import load_config
    from axpoc.field import read_scored, record_outcomes
    from axpoc.retrain import open_project
    from axpoc.serve import predict_batch
    from axpoc.steps import run_poc, write_field_demo
    from axpoc.tracking import CHAMPION, alias_version, promote

    config_path = write_yaml_config(FIELD_RUN, folder, overrides, "poc.yaml")
    config = load_config(config_path)
    run_poc(config)
    store = open_project(config)
    if alias_version(store, CHAMPION) is None:  # its verdict does not matter here: version 1 goes live
        promote(store, "1", reason="field tests: version 1 goes live", forced=True)
    demo = folder / "demo"
    written = write_field_demo(config, demo, weeks=WEEKS, parts_per_day=PARTS_PER_DAY, drift_week=2)
    for week in range(1, WEEKS + 1):
        predict_batch(
            config,
            source=demo / f"parts_week{week}.parquet",
            output=demo / f"scores_week{week}.csv",
            model_version="1",
        )
    project = config.project_dir()
    scored, _ = read_scored(config, [str(demo / f"scores_week{w}.csv") for w in range(1, WEEKS + 1)])
    recorded = [
        record_outcomes(config, demo / name, project_dir=project, scored=scored).to_dict()
        for name in ["history.csv", *(f"outcomes_week{w}.csv" for w in range(1, WEEKS + 1))]
    ]
    return FieldProject(folder, config_path, demo, written, recorded)
