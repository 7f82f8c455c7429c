"""axpoc: deliver an AI proof of concept to a manufacturer, then keep the model alive after handover."""

from __future__ import annotations

from axpoc._env import apply_quiet_defaults

apply_quiet_defaults()

__version__ = "0.1.0"

__all__ = ["__version__"]
