"""Scoring with the registered model: batch files and tables (``axpoc predict``) and HTTP (``axpoc serve``).

Both paths load one registered version, check every row against the model's data contract and score
with ``PocModel.predict_frame``, so what is served is exactly what was evaluated; large batches score
LightGBM trees compiled (:func:`accelerate`, the ``fast`` extra) once verified equal. FastAPI is
imported only by :func:`create_app`.
"""

from __future__ import annotations

import importlib
from typing import Any

from axpoc.serve._batch import COMPILE_MIN_ROWS, DEFAULT_CHUNK_ROWS, BatchOutcome, predict_batch
from axpoc.serve._compiled import Acceleration, accelerate
from axpoc.serve._model import ServedModel, load_served_model, open_project_store, scoring_contract
from axpoc.serve._predlog import PREDICTION_LOG, append_prediction_log, read_prediction_log, score_summary
from axpoc.serve._run import BatchProgress

__all__ = [
    "COMPILE_MIN_ROWS",
    "DEFAULT_CHUNK_ROWS",
    "PREDICTION_LOG",
    "Acceleration",
    "BatchOutcome",
    "BatchProgress",
    "ServedModel",
    "accelerate",
    "append_prediction_log",
    "create_app",
    "load_served_model",
    "open_project_store",
    "predict_batch",
    "read_prediction_log",
    "score_summary",
    "scoring_contract",
]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        return importlib.import_module("axpoc.serve._http").create_app
    raise AttributeError(f"module 'axpoc.serve' has no attribute {name!r}")
