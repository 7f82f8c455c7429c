"""axpoc: deliver an AI proof of concept to a manufacturer, then keep the model alive after handover.

The names below load lazily, so ``import axpoc`` (and ``axpoc --help``) stays fast::

    import axpoc
    config = axpoc.load_config("configs/examples/injection_molding.yaml")
    outcome = axpoc.run_poc(config, project_dir="/tmp/my_poc")
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
    "PocModel": "axpoc.artifact",
    "load_process": "axpoc.process",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'axpoc' has no attribute {name!r}")
