"""Constants of the promotion tests: the tiny project every fault case copies."""

from __future__ import annotations

PROJECT = "promo_demo"
FORCED_REASON = "forced: 품질팀 요청"
TINY = {
    "project": {"name": PROJECT, "title": "승격 테스트"},
    "process": "injection_molding",
    "language": "ko",
    "data": {"demo": {"rows": 400, "defect_rate": 0.08, "seed": 3}},
    "target": {"column": "defect", "task": "binary", "positive_class": 1},
    "columns": {"id": "shot_id", "time": "timestamp", "exclude": ["defect_type", "cavity_pressure", "lot"]},
    "split": {"cv_folds": 3},
    "candidates": ["logistic"],
    "tuning": {"trials": 1},
    "kpi": {"gates": {"roc_auc": ">= 0.5"}},
    "tracking": {"snapshot_max_mb": 0},
}
