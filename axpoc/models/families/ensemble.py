"""A weighted blend of other candidates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from axpoc.config import Task
from axpoc.models.families._base import SUPERVISED, Family

if TYPE_CHECKING:
    import optuna


class Ensemble(Family):
    """A weighted blend of other candidates' pipelines (`axpoc.models.BlendClassifier` / ``BlendRegressor``).

    Listed without params, the comparison picks the members and weights greedily from the finished
    candidates' out-of-fold outputs; with ``params.members`` (what retraining passes) that blend is
    cross-validated as it is. Anomaly scores of different detectors are not on one scale, so no anomaly.
    """

    tunable = False
    combines_members = True

    def defaults(
        self, *, task: Task, n_rows: int, n_features: int, n_classes: int, curve_length: int | None = None
    ) -> dict[str, Any]:
        return {}

    def space(self, trial: optuna.Trial, *, task: Task, n_rows: int) -> dict[str, Any]:
        return {}

    def build(self, params: dict[str, Any], **options: Any) -> Any:
        raise TypeError(
            "an ensemble has no estimator of its own: build_pipeline builds it from params['members']"
        )


FAMILY = Ensemble(
    "ensemble",
    "Ensemble",
    SUPERVISED,
    why_ko="여러 후보 모델의 가중 평균: 서로 다른 실수를 상쇄해 단일 모델보다 안정적",
    why_en="a weighted average of several candidates: their different mistakes partly cancel out",
)
