"""Helpers of the retrain tests: the small config, new data with drift and a product change, project copies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
from config_files import write_yaml_config

PROJECT = "rt_demo"
NEW_PRODUCT = "HSG-1010B"
BASE = {
    "project": {"name": PROJECT, "title": "재학습 테스트 사출 PoC"},
    "process": "injection_molding",
    "language": "ko",
    # 2,000 shots: enough defects in the test weeks for the built-in evidence rule (900 left 3 there)
    "data": {"demo": {"rows": 2000, "defect_rate": 0.06, "seed": 1}},
    "target": {"column": "defect", "task": "binary", "positive_class": 1},
    # The curve column is left out to keep the suite fast; lot names restart in new data.
    "columns": {
        "id": "shot_id",
        "time": "timestamp",
        "product": "product",
        "exclude": ["defect_type", "cavity_pressure", "lot"],
    },
    "split": {"cv_folds": 3},
    "candidates": ["logistic", "lightgbm"],
    "tuning": {"trials": 1},
    "kpi": {
        "costs": {
            "inspection_cost": 300,
            "escape_cost": 5000,
            "false_alarm_cost": 300,
            "inspection_minutes_per_part": 0.5,
        },
        "volumes": {"parts_per_day": 4000},
        "primary": "roc_auc",
        "gates": {"roc_auc": ">= 0.6"},
        # These tests are about retraining mechanics on small demo months: the per-product demo model is not
        # surely cheaper than inspecting nothing, and a 600-shot month holds a handful of defects. The
        # user-facing switch turns those two rules off, with a reason, as a plant would; the rules themselves
        # are tested in tests/kpi/test_acceptance.py and tests/kpi/test_acceptance_run.py.
        "rules": {
            "beats_no_model": {
                "enabled": False,
                "reason": "retrain mechanics test: demo model not surely cheaper than inspecting nothing",
            },
            "enough_evidence": {
                "enabled": False,
                "reason": "retrain mechanics test: a 600-shot demo month holds a handful of defects",
            },
        },
    },
    "retrain": {"tolerance": 0.05, "per_product": True, "min_rows_per_product": 150},
}


def write_config(folder: Path, overrides: dict | None = None, name: str = "poc.yaml") -> Path:
    """The base config, with dotted-key overrides, written into ``folder``."""
    return write_yaml_config(BASE, folder, overrides, name)


def new_data(
    path: Path,
    *,
    rows: int = 600,
    drift: float = 1.0,
    seed: int = 5,
    new_product_rows: int = 120,
    days_later: int = 30,
) -> Path:
    """Data of the same line a month later: worn check ring (drift), ids and times after the training data,
    and ``new_product_rows`` rows made as a changed part number ``NEW_PRODUCT``."""
    from axpoc.steps import demo_frame

    frame = demo_frame("injection_molding", rows=rows, defect_rate=0.06, drift=drift, seed=seed)
    frame = frame.drop(columns=["cavity_pressure"])
    frame["shot_id"] = frame["shot_id"] + 100_000 * days_later
    frame["timestamp"] = frame["timestamp"] + pd.Timedelta(days=days_later)
    frame["lot"] = "N" + frame["lot"].astype(str)
    if new_product_rows:  # a changed part number ran for a while, early in the new month
        frame.loc[frame.index[100 : 100 + new_product_rows], "product"] = NEW_PRODUCT
    if path.suffix == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def copy_project(source: Path, target: Path) -> Path:
    """Copy a project folder and point its store at the copy (MLflow keeps absolute artifact paths)."""
    from axpoc.retrain import relocate_project

    shutil.copytree(source, target)
    relocate_project(target, old_dir=source)
    return target
