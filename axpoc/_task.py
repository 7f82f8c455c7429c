"""The four kinds of PoC target, defined once for the config, the KPI registry and the model families."""

from __future__ import annotations

from typing import Literal, get_args

Task = Literal["binary", "multiclass", "regression", "anomaly"]
TASKS: tuple[Task, ...] = get_args(Task)
"""Every task, in the order the config documents them."""
