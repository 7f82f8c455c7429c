"""What every worker shares: read one written split, write test-part predictions.

Pure pandas/numpy, so it imports in every peer's own environment (none of them has axpoc).
A split folder holds ``train.parquet``, ``test.parquet`` (features as axpoc read and cleaned them,
the encoded target ``__y__`` and, for grouped splits, ``__group__``) and ``meta.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

TARGET, GROUP = "__y__", "__group__"

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_name, "1")  # one thread each, whatever the library's own default


def arguments(description: str) -> argparse.Namespace:
    """The worker command line: the split folder, the budget, the seed, where predictions go."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--split", type=Path, required=True)
    ap.add_argument("--budget", type=float, required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--out", type=Path, required=True, help="predictions .parquet; a .json of facts beside it"
    )
    ap.add_argument("--library", default=None, help="floor worker only: lightgbm or hgb")
    ap.add_argument(
        "--trials", type=int, default=None, help="axpoc worker only: tune by trial count, not by the clock"
    )
    ap.add_argument("--scratch", type=Path, default=None, help="a folder a tool may write models to")
    return ap.parse_args()


def read_split(folder: Path, *, safe_names: bool) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Train and test frames (target and group included) and the meta data.

    ``safe_names`` renames the features f0, f1, ...: LightGBM (also inside FLAML) rejects names with
    JSON characters such as '[K]'; the order of the columns is kept, so nothing else changes.
    """
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    train = pd.read_parquet(folder / "train.parquet")
    test = pd.read_parquet(folder / "test.parquet")
    if safe_names:
        names = {c: f"f{i}" for i, c in enumerate(meta["features"])}
        train, test = train.rename(columns=names), test.rename(columns=names)
        meta = {**meta, "features": list(names.values())}
    return train, test, meta


def peak_mib() -> float:
    """Peak resident memory of this worker and of any process it started and waited for (MiB).

    The runner cannot measure it from outside: a child's ``ru_maxrss`` (``os.wait4``) starts from the
    high-water mark of the process that spawned it, so every tool would report at least the runner's
    own size. ``VmHWM`` belongs to this process's memory since its exec, so it is the worker's own.
    """
    status = Path("/proc/self/status")
    found = re.search(r"VmHWM:\s+(\d+) kB", status.read_text()) if status.exists() else None
    own = int(found.group(1)) if found else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    return round(max(own, children) / 1024, 1)


def write_predictions(out: Path, meta: dict[str, Any], values: np.ndarray, facts: dict[str, Any]) -> None:
    """binary: P(class 1) as ``score``; multiclass: one column per class (meta's order); regression: ``pred``.

    The facts get the worker's peak memory (`peak_mib`), measured last.
    """
    values = np.asarray(values, dtype=float)
    if meta["task"] == "regression":
        frame = pd.DataFrame({"pred": values})
    elif meta["task"] in ("binary", "anomaly"):
        frame = pd.DataFrame({"score": values})
    else:
        frame = pd.DataFrame(values, columns=[str(c) for c in meta["classes"]])
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(out)
    facts = {**facts, "peak_mib": peak_mib()}
    out.with_suffix(".json").write_text(json.dumps(facts, indent=1, default=str), encoding="utf-8")


def align_proba(proba: np.ndarray, fitted: list[Any], classes: list[Any]) -> np.ndarray:
    """Probabilities in the meta's class order; a class the tool never saw gets 0."""
    out = np.zeros((len(proba), len(classes)))
    where = {str(c): i for i, c in enumerate(fitted)}
    for j, c in enumerate(classes):
        if str(c) in where:
            out[:, j] = proba[:, where[str(c)]]
    return out


def output_of(proba: np.ndarray, fitted: list[Any], meta: dict[str, Any]) -> np.ndarray:
    """What write_predictions wants from a classifier's predict_proba."""
    aligned = align_proba(np.asarray(proba, dtype=float), fitted, meta["classes"])
    return aligned[:, 1] if meta["task"] in ("binary", "anomaly") else aligned
