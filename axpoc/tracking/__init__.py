"""Everything MLflow. Import lazily: ``import mlflow`` costs about a second."""

from axpoc.tracking._registry import (
    PROMOTION_LOG,
    alias_version,
    append_promotion_log,
    load_poc_model,
    log_poc_model,
    mark_challenger,
    promote,
    read_promotion_log,
    register_version,
)
from axpoc.tracking._store import (
    CHALLENGER,
    CHAMPION,
    PREVIOUS,
    Store,
    default_tracking_uri,
    log_candidate,
    log_dataset,
    log_frame,
    open_store,
    parent_run,
)

__all__ = [
    "CHALLENGER",
    "CHAMPION",
    "PREVIOUS",
    "PROMOTION_LOG",
    "Store",
    "alias_version",
    "append_promotion_log",
    "default_tracking_uri",
    "load_poc_model",
    "log_candidate",
    "log_dataset",
    "log_frame",
    "log_poc_model",
    "mark_challenger",
    "open_store",
    "parent_run",
    "promote",
    "read_promotion_log",
    "register_version",
]
