"""Random forest: many bootstrapped decision trees, averaged."""

from __future__ import annotations

from axpoc.models.families._base import SUPERVISED
from axpoc.models.families._forest import Forest

FAMILY = Forest(
    "random_forest",
    "Random forest",
    SUPERVISED,
    why_ko="많은 결정 트리의 평균: 안정적이고 과적합에 강함",
    why_en="an average of many decision trees: stable and hard to overfit",
    screen_rank=4,
)
