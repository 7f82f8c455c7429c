"""The prediction log: one JSON line per scoring call, so that drift can be judged later without the data.

Each line records what was scored (input digest, row counts), with which model version, and how the
scores were distributed (quantiles, flagged share). The log lives in the project folder beside the
promotion log; appending one ``write`` per line keeps concurrent callers from interleaving.
"""

from __future__ import annotations

import getpass
import json
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from axpoc.errors import UserError

PREDICTION_LOG = "predictions.jsonl"
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def score_summary(scores: np.ndarray, flags: np.ndarray) -> dict[str, Any]:
    """Quantiles p5..p95, mean and flagged share of the scored rows (None when nothing was scored)."""
    scores = np.asarray(scores, dtype=float)
    finite = scores[np.isfinite(scores)]
    if finite.size == 0:
        return {**{f"p{round(q * 100)}": None for q in QUANTILES}, "mean": None, "flagged_share": None}
    values = np.quantile(finite, QUANTILES)
    summary: dict[str, Any] = {f"p{round(q * 100)}": float(v) for q, v in zip(QUANTILES, values, strict=True)}
    summary["mean"] = float(finite.mean())
    summary["flagged_share"] = float(np.mean(flags)) if len(flags) else None
    return summary


def append_prediction_log(project_dir: Path, entry: dict[str, Any]) -> Path:
    """Append one entry (time, user and host added) to ``<project>/predictions.jsonl``."""
    path = Path(project_dir) / PREDICTION_LOG
    path.parent.mkdir(parents=True, exist_ok=True)
    line = {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "user": getpass.getuser(),
        "host": platform.node(),
        **entry,
    }
    text = json.dumps(line, ensure_ascii=False, default=str) + "\n"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)
    return path


def read_prediction_log(project_dir: str | Path) -> list[dict[str, Any]]:
    """Every entry of the project's prediction log, oldest first; an empty list when nothing was scored yet."""
    path = Path(project_dir) / PREDICTION_LOG
    if not path.exists():
        return []
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise UserError(
                f"{path}: line {number} is not valid JSON ({exc.msg}). The file was edited or cut; remove or "
                "repair that line."
            ) from None
    return entries
