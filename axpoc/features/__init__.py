"""Feature transformers that run inside the model pipeline, so a served model takes raw inputs.

`CurveFeatures` turns sensor curves (one row per cycle, a 1-D array per channel) into per-cycle
features; `curves_from_long` builds that layout from a long sample table.
"""

from __future__ import annotations

from axpoc.features._curves import CurveFeatures, curve_array_frame, feature_groups
from axpoc.features._long import curves_from_long

__all__ = ["CurveFeatures", "curve_array_frame", "curves_from_long", "feature_groups"]
