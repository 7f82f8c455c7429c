"""axpoc: deliver an AI proof of concept to a manufacturer, then keep the model alive after handover.

The names below load lazily, so ``import axpoc`` (and ``axpoc --help``) stays fast; ``dir(axpoc)`` and
tab completion list them all. Importing axpoc changes nothing in ``os.environ``: the CLI entry and the
flows set their quiet defaults when they start::

    import axpoc
    config = axpoc.load_config("configs/examples/injection_molding.yaml")
    outcome = axpoc.run_poc(config, project_dir="/tmp/my_poc")              # axpoc run
    later = axpoc.run_retrain(config, data_path="new.csv")                  # axpoc retrain
    drift = axpoc.drift_check(config, data_path="new.csv")                  # axpoc drift
    batch = axpoc.predict_batch(config, source="new.csv", output="out.csv")  # axpoc predict
    axpoc.rollback(axpoc.open_project(config), reason="line 3 changed back")  # axpoc rollback

What a verb returns is its ``*Outcome`` (:class:`RunOutcome`, :class:`RetrainOutcome`,
:class:`DriftOutcome`, :class:`BatchOutcome`, :class:`ValidationOutcome`); ``*Result`` names what one
computation inside a verb found (a gate, a split, a threshold). ``run_retrain`` is named so because
``axpoc.retrain`` is the package of the after-handover verbs.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "load_config": "axpoc.config",
    "config_from_dict": "axpoc.config",
    "PocConfig": "axpoc.config",
    "load_data": "axpoc.data",
    "profile": "axpoc.data",
    "make_split": "axpoc.data",
    "prepare": "axpoc.steps",
    "validate_data": "axpoc.steps",
    "profile_data": "axpoc.steps",
    "run_comparison": "axpoc.steps",
    "build_poc_model": "axpoc.steps",
    "evaluate": "axpoc.steps",
    "run_poc": "axpoc.steps",
    "demo_frame": "axpoc.steps",
    "RunOutcome": "axpoc.steps",
    "ValidationOutcome": "axpoc.steps",
    "PocModel": "axpoc.artifact",
    "load_process": "axpoc.process",
    "run_retrain": "axpoc.retrain:retrain",
    "RetrainOutcome": "axpoc.retrain",
    "drift_check": "axpoc.retrain",
    "DriftOutcome": "axpoc.retrain",
    "open_project": "axpoc.retrain",
    "list_models": "axpoc.retrain",
    "rollback": "axpoc.retrain",
    "export_project": "axpoc.retrain",
    "import_project": "axpoc.retrain",
    "predict_batch": "axpoc.serve",
    "BatchOutcome": "axpoc.serve",
}
"""Public name -> ``module`` or ``module:name`` it is loaded from on first use."""

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, _, attr = _LAZY[name].partition(":")
        return getattr(importlib.import_module(module), attr or name)
    raise AttributeError(f"module 'axpoc' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
