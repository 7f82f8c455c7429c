"""Extra trees: a forest of extremely randomised trees."""

from __future__ import annotations

from axpoc.models.families._base import SUPERVISED
from axpoc.models.families._forest import Forest

FAMILY = Forest(
    "extra_trees",
    "Extra trees",
    SUPERVISED,
    why_ko="무작위 분할 트리의 앙상블: 잡음에 강함",
    why_en="extremely randomised trees: robust to noise",
    extra=True,
    screen_rank=3,
)
