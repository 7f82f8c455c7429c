"""axpoc's side of the benchmark: which data sets, how a config is set for one seed, the written split.

Every tool sees the rows axpoc's own ``prepare`` (reading, cleaning, roles, split) gives: the
features after axpoc's reading and cleaning are written to Parquet, so only the modelling differs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "configs" / "examples"

TARGET, GROUP = "__y__", "__group__"


def datasets() -> dict[str, Path]:
    """Every realdata config, and every process template's demo config (named ``demo_<process>``)."""
    found = {p.stem: p for p in sorted((EXAMPLES / "realdata").glob("*.yaml"))}
    found.update({f"demo_{p.stem}": p for p in sorted(EXAMPLES.glob("*.yaml"))})
    return found


def configured(path: Path, *, seed: int, budget_s: float, trials: int | None = None) -> Any:
    """The data set's config for one split seed: one thread, the benchmark's budget.

    ``trials`` tunes by trial count instead (``tuning.budget_s`` null, ``tuning.trials`` = trials): the
    repeatable setting, whose choice does not depend on what else the machine is doing.

    Demo data sets are split by time and lot, which no seed changes: for them the seed also draws
    the demo data (``data.demo.seed``), so seeds differ there by the rows, as elsewhere by the split.
    """
    import axpoc

    config = axpoc.load_config(path)
    update: dict[str, Any] = {
        "split": config.split.model_copy(update={"seed": seed}),
        "tuning": config.tuning.model_copy(
            update={"budget_s": None, "trials": trials, "n_jobs": 1, "seed": seed}
            if trials
            else {"budget_s": budget_s, "n_jobs": 1, "seed": seed}
        ),
    }
    if config.data.demo is not None:
        demo = config.data.demo.model_copy(update={"seed": seed})
        update["data"] = config.data.model_copy(update={"demo": demo})
    return config.model_copy(update=update)


def curve_columns(frame: Any, features: list[str]) -> list[str]:
    """Feature columns whose cells are arrays (sensor curves)."""
    out = []
    for column in features:
        first = frame[column].dropna().head(1)
        if frame[column].dtype == object and len(first) and isinstance(first.iloc[0], np.ndarray):
            out.append(column)
    return out


def write_split(name: str, path: Path, *, seed: int, budget_s: float, folder: Path) -> dict[str, Any]:
    """Prepare with axpoc and write the train/test rows every tool gets; return the meta data.

    Sensor curves cannot go to Parquet for the peers as arrays: every tool gets axpoc's own curve
    features instead (`axpoc.features.CurveFeatures`, all groups, its reference curves fitted on the
    training rows only) beside the scalar columns. axpoc itself reads the curves as its config says.
    """
    import axpoc
    from axpoc.compare import Scorer

    config = configured(path, seed=seed, budget_s=budget_s)
    prepared = axpoc.prepare(config)
    features = list(prepared.roles.features)
    curves = curve_columns(prepared.frame, features)
    parts = {"train": prepared.split.train_index, "test": prepared.split.test_index}
    tables = {
        part: prepared.frame.iloc[index][features].reset_index(drop=True) for part, index in parts.items()
    }
    if curves:
        from axpoc.features import CurveFeatures

        maker = CurveFeatures(channels=curves, passthrough=True).fit(tables["train"], prepared.y_train)
        tables = {part: pd.DataFrame(maker.transform(table)) for part, table in tables.items()}
    written = list(tables["train"].columns)
    group = config.columns.group if config.columns.group in prepared.frame.columns else None
    folder.mkdir(parents=True, exist_ok=True)
    for part, index in parts.items():
        rows = prepared.frame.iloc[index]
        table = tables[part].copy()
        for column in table.columns:  # Parquet wants one type a column: text stays text
            if table[column].dtype == object:
                table[column] = table[column].astype("string")
        table[TARGET] = prepared.target.y[index]
        if group:
            table[GROUP] = rows[group].astype(str).to_numpy()
        table.to_parquet(folder / f"{part}.parquet")
    task = config.target.task
    meta = {
        "dataset": name,
        "config": str(path),
        "seed": seed,
        "budget_s": budget_s,
        "task": task,
        "primary": Scorer.for_task(task, config.kpi.primary).primary,
        "classes": [c.item() if hasattr(c, "item") else c for c in prepared.target.classes],
        "features": written,
        "curves": curves,
        "grouped": bool(group),
        "split": prepared.split.description if hasattr(prepared.split, "description") else "",
        "train_rows": [int(i) for i in prepared.split.train_index],
        "test_rows": [int(i) for i in prepared.split.test_index],
    }
    (folder / "meta.json").write_text(json.dumps(meta, indent=1, default=str), encoding="utf-8")
    return meta
