"""The flow as plain, typed step functions; ``axpoc run`` chains them, notebooks call them one by one."""

from axpoc.steps._compare import resolve_candidates, run_comparison
from axpoc.steps._demo import demo_frame, write_demo_data, write_field_demo
from axpoc.steps._evaluate import Evaluation, build_poc_model, check_kpi_inputs, evaluate
from axpoc.steps._names import check_names
from axpoc.steps._prepare import Prepared, Target, encode_target, prepare, prepare_loaded
from axpoc.steps._products import check_per_product, product_changes, train_product_models
from axpoc.steps._report import kpi_rows
from axpoc.steps._run import STEPS, RunOutcome, run_poc
from axpoc.steps._starter import starter_from_data, starter_from_template
from axpoc.steps._train import STAGES as TRAIN_STAGES
from axpoc.steps._train import Trained, train_evaluate_register
from axpoc.steps._ui import serve_mlflow_ui
from axpoc.steps._validate import (
    ValidationOutcome,
    build_and_check,
    profile_data,
    save_contract,
    training_contract,
    validate_data,
)
from axpoc.steps._worker import WorkerOutcome, run_worker

__all__ = [
    "STEPS",
    "TRAIN_STAGES",
    "Evaluation",
    "Prepared",
    "RunOutcome",
    "Target",
    "Trained",
    "ValidationOutcome",
    "WorkerOutcome",
    "build_and_check",
    "build_poc_model",
    "check_kpi_inputs",
    "check_names",
    "check_per_product",
    "demo_frame",
    "encode_target",
    "evaluate",
    "kpi_rows",
    "prepare",
    "prepare_loaded",
    "product_changes",
    "profile_data",
    "resolve_candidates",
    "run_comparison",
    "run_poc",
    "run_worker",
    "save_contract",
    "serve_mlflow_ui",
    "starter_from_data",
    "starter_from_template",
    "train_evaluate_register",
    "train_product_models",
    "training_contract",
    "validate_data",
    "write_demo_data",
    "write_field_demo",
]
