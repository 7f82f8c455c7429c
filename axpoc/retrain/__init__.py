"""After handover: retrain with champion/challenger, drift, rollback, product changes, project export.

Every verb the company's IT staff runs months after the PoC: ``retrain`` (new data -> challenger ->
promote only when not worse), ``drift``, ``models``, ``rollback``, ``export`` / ``import``. Heavy
imports (mlflow, sklearn, GX) happen inside the functions.
"""

from axpoc._hooks import PAUSE_ENV, PAUSED_MARK, RESUME_ENV, pause_point
from axpoc.retrain._bundle import (
    BUNDLE_FORMAT,
    BUNDLE_VERSION,
    export_project,
    import_project,
    point_config_here,
    relocate_project,
)
from axpoc.retrain._combine import ORDER_COLUMN, Combined, combine, recent_holdout, reference_data
from axpoc.retrain._drift import DriftOutcome, DriftResult, drift_check, drift_step
from axpoc.retrain._flow import RetrainOutcome, retrain
from axpoc.retrain._newdata import NewDataRejected, check_new, read_new, target_like
from axpoc.retrain._project import open_project
from axpoc.retrain._versions import (
    champion_history,
    list_models,
    promotion_log_table,
    rollback,
    versions_table,
)
from axpoc.steps import check_per_product, product_changes, train_product_models

__all__ = [
    "BUNDLE_FORMAT",
    "BUNDLE_VERSION",
    "ORDER_COLUMN",
    "PAUSED_MARK",
    "PAUSE_ENV",
    "RESUME_ENV",
    "Combined",
    "DriftOutcome",
    "DriftResult",
    "NewDataRejected",
    "RetrainOutcome",
    "champion_history",
    "check_new",
    "check_per_product",
    "combine",
    "drift_check",
    "drift_step",
    "export_project",
    "import_project",
    "list_models",
    "open_project",
    "pause_point",
    "point_config_here",
    "product_changes",
    "promotion_log_table",
    "read_new",
    "recent_holdout",
    "reference_data",
    "relocate_project",
    "retrain",
    "rollback",
    "target_like",
    "train_product_models",
    "versions_table",
]
