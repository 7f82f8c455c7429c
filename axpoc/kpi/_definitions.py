"""The KPI registry, gate parsing and the ``Undefined`` value.

Every KPI is defined once here (name, labels, formula, unit, direction, tasks) so the config
loader, the gates and the report all speak about the same thing. This module imports only the
standard library: the config loader imports it to validate ``kpi.gates`` keys at start-up.
"""

from __future__ import annotations

import difflib
import math
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from axpoc.i18n import Reason

Task = Literal["binary", "multiclass", "regression", "anomaly"]
Group = Literal["ml", "quality", "productivity", "stability"]
Op = Literal[">=", "<=", ">", "<", "=="]

TASKS: tuple[Task, ...] = ("binary", "multiclass", "regression", "anomaly")
UNITS = ("ratio", "nats", "target unit", "currency/month", "parts/1000", "h/month", "index")
_ALL_TASKS = frozenset(TASKS)
_CLASSIFY = frozenset({"binary", "anomaly"})


class Undefined(float):
    """A NaN that remembers why a KPI could not be computed.

    It is a ``float``, so it travels through ``dict[str, float]``, JSON and MLflow unchanged,
    and a gate on it can say *why* it failed instead of just "nan". The reasons this package gives
    are :class:`Reason` sentences, so a Korean report can say them in Korean.
    """

    reason: str

    def __new__(cls, reason: str) -> Undefined:
        self = super().__new__(cls, math.nan)
        self.reason = reason
        return self

    def __reduce__(self) -> tuple[type[Undefined], tuple[str]]:
        return (Undefined, (self.reason,))

    def __repr__(self) -> str:
        return f"Undefined({self.reason!r})"


def undefined_reason(value: float) -> str | None:
    """Why ``value`` is undefined, or None when it is a finite or infinite number."""
    if isinstance(value, Undefined):
        return value.reason
    if value is None or math.isnan(value):
        return Reason("nan")
    return None


@dataclass(frozen=True)
class KPI:
    """One KPI: how it is named to the plant (Korean and English), computed and judged."""

    name: str
    label_ko: str
    label_en: str
    formula: str
    unit: str
    higher_is_better: bool
    tasks: frozenset[Task]
    group: Group

    def unit_for(self, currency: str = "KRW") -> str:
        """The unit with the cost model's currency filled in (``currency/month`` -> ``KRW/month``)."""
        return self.unit.replace("currency", currency)

    def __post_init__(self) -> None:
        if self.unit not in UNITS or not self.tasks <= _ALL_TASKS:
            raise ValueError(f"KPI {self.name!r}: unit must be one of {UNITS}, tasks a subset of {TASKS}")


_BIN_MC = frozenset({"binary", "multiclass"})
_LABELS = frozenset({"binary", "multiclass", "anomaly"})
_REG = frozenset({"regression"})

_REGISTRY: tuple[KPI, ...] = (
    # ML metrics
    KPI("roc_auc", "ROC AUC", "ROC AUC",
       "P(score of a defective part > score of a good part), ties count 1/2; multiclass: mean one-vs-rest",
       "ratio", True, _LABELS, "ml"),
    KPI("average_precision", "평균 정밀도 (AP)", "Average precision",
       "sum over score thresholds of (R_k - R_(k-1)) * P_k", "ratio", True, _CLASSIFY, "ml"),
    KPI("f1", "F1 점수", "F1 score", "2*TP / (2*TP + FP + FN)", "ratio", True, _CLASSIFY, "ml"),
    KPI("macro_f1", "매크로 F1", "Macro F1",
       "mean over classes c of 2*TP_c / (2*TP_c + FP_c + FN_c)", "ratio", True, _LABELS, "ml"),
    KPI("accuracy", "정확도", "Accuracy", "correct predictions / N", "ratio", True, _LABELS, "ml"),
    KPI("balanced_accuracy", "균형 정확도", "Balanced accuracy",
       "mean over classes c of TP_c / (TP_c + FN_c)", "ratio", True, _LABELS, "ml"),
    KPI("precision", "정밀도", "Precision", "TP / (TP + FP)", "ratio", True, _CLASSIFY, "ml"),
    KPI("recall", "재현율 (불량 검출률)", "Recall (defect detection rate)", "TP / (TP + FN)",
       "ratio", True, _CLASSIFY, "ml"),
    KPI("brier", "브라이어 점수", "Brier score", "mean((p - y)^2)", "ratio", False,
       frozenset({"binary"}), "ml"),
    KPI("log_loss", "로그 손실", "Log loss", "-mean(ln p(true class))", "nats", False, _BIN_MC, "ml"),
    KPI("r2", "결정계수 (R²)", "R²", "1 - sum((y - y_hat)^2) / sum((y - mean(y))^2)", "ratio", True,
       _REG, "ml"),
    KPI("rmse", "평균제곱근오차 (RMSE)", "RMSE", "sqrt(mean((y_hat - y)^2))", "target unit", False,
       _REG, "ml"),
    KPI("mae", "평균절대오차 (MAE)", "MAE", "mean(|y_hat - y|)", "target unit", False, _REG, "ml"),
    KPI("mape", "평균절대백분율오차 (MAPE)", "MAPE", "mean(|y_hat - y| / |y|)", "ratio", False, _REG, "ml"),
    # quality
    KPI("defect_escape_rate", "불량 유출률", "Defect escape rate", "FN / (TP + FN)", "ratio", False,
       _ALL_TASKS, "quality"),
    KPI("false_alarm_rate", "과검출률", "False alarm rate", "FP / (FP + TN)", "ratio", False,
       _ALL_TASKS, "quality"),
    KPI("defects_caught_per_1000", "1,000개당 검출 불량 수", "Defects caught per 1000 parts",
       "1000 * TP / N", "parts/1000", True, _ALL_TASKS, "quality"),
    # productivity
    KPI("manual_inspection_share", "수동 검사 비율", "Manual inspection share", "(TP + FP) / N",
       "ratio", False, _ALL_TASKS, "productivity"),
    KPI("inspection_hours_saved_per_month", "월간 검사 시간 절감", "Inspection hours saved per month",
       "(baseline inspected share - (TP + FP) / N) * parts_per_day * working_days_per_month"
       " * inspection_minutes_per_part / 60",
       "h/month", True, _ALL_TASKS, "productivity"),
    KPI("monthly_saving", "월간 비용 절감액", "Monthly saving",
       "(baseline cost per part - model cost per part) * parts_per_day * working_days_per_month",
       "currency/month", True, _ALL_TASKS, "productivity"),
    KPI("no_model_saving", "모델 없이 가능한 월간 절감액", "Monthly saving a no-model policy achieves",
       "(baseline cost per part - cheapest no-model policy cost per part) * parts_per_day"
       " * working_days_per_month",
       "currency/month", True, _ALL_TASKS, "productivity"),
    KPI("saving_vs_best_policy", "최선의 무모델 방식 대비 월간 절감액",
       "Monthly saving over the best no-model policy",
       "(cheapest no-model policy cost per part - model cost per part) * parts_per_day"
       " * working_days_per_month",
       "currency/month", True, _ALL_TASKS, "productivity"),
    # stability
    KPI("defect_rate_passed", "합격 판정품 불량률", "Defect rate of passed parts", "FN / (FN + TN)",
       "ratio", False, _ALL_TASKS, "stability"),
    KPI("baseline_defect_rate", "기존 방식 유출 불량률", "Baseline outgoing defect rate",
       "D * (1 - s*d) / (N - D*s*d); D defects, s baseline inspected share, d detection rate",
       "ratio", False, _ALL_TASKS, "stability"),
    KPI("cp", "공정능력지수 Cp", "Cp", "(USL - LSL) / (6 * sigma_within)", "index", True, _REG,
       "stability"),
    KPI("cpk", "공정능력지수 Cpk", "Cpk", "min(USL - mean, mean - LSL) / (3 * sigma_within)", "index",
       True, _REG, "stability"),
    KPI("ppk", "공정성능지수 Ppk", "Ppk", "min(USL - mean, mean - LSL) / (3 * sigma_overall)", "index",
       True, _REG, "stability"),
    KPI("cpk_passed", "합격 판정품 Cpk", "Cpk of passed parts",
       "min(USL - mean, mean - LSL) / (3 * sigma_within) over parts not flagged", "index", True, _REG,
       "stability"),
    KPI("ppk_passed", "합격 판정품 Ppk", "Ppk of passed parts",
       "min(USL - mean, mean - LSL) / (3 * sigma_overall) over parts not flagged", "index", True, _REG,
       "stability"),
    KPI("control_signal_rate", "관리한계 이탈 비율", "Control signal rate",
       "points outside the control limits of the score chart / N", "ratio", False, _ALL_TASKS,
       "stability"),
)  # fmt: skip

KPIS: Mapping[str, KPI] = MappingProxyType({k.name: k for k in _REGISTRY})
KPI_NAMES: tuple[str, ...] = tuple(KPIS)


def get_kpi(name: str) -> KPI:
    """The registry entry for ``name``; an unknown name raises ``ValueError`` naming the closest one."""
    try:
        return KPIS[name]
    except KeyError:
        close = difflib.get_close_matches(str(name), KPI_NAMES, n=1, cutoff=0.5)
        hint = f"did you mean {close[0]!r}?" if close else f"valid names: {', '.join(KPI_NAMES)}"
        raise ValueError(f"unknown KPI {name!r}; {hint}") from None


_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
}
_GATE_RE = re.compile(r"^\s*(>=|<=|==|>|<)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$")


@dataclass(frozen=True)
class Gate:
    """A pass condition on one KPI value, e.g. ``Gate(">=", 0.9)``.

    ``==`` compares with a relative tolerance of 1e-9, because KPI values come out of float
    arithmetic and a gate like ``== 1`` must hold for 0.9999999999999999.
    """

    op: Op
    value: float

    def __post_init__(self) -> None:
        if self.op not in (*_OPS, "=="):
            raise ValueError(f"expected a comparison like '>= 0.9', got operator {self.op!r}")
        value = float(self.value)
        if not math.isfinite(value):
            raise ValueError(f"expected a comparison like '>= 0.9', got value {self.value!r}")
        object.__setattr__(self, "value", value)

    def check(self, x: float) -> bool:
        """Whether ``x`` satisfies the gate; NaN (an undefined KPI) never does."""
        x = float(x)
        if math.isnan(x):
            return False
        if self.op == "==":
            return math.isclose(x, self.value, rel_tol=1e-9, abs_tol=1e-12)
        return bool(_OPS[self.op](x, self.value))

    def __str__(self) -> str:
        return f"{self.op} {self.value:g}"


def parse_gate(text: str) -> Gate:
    """Parse ``">= 0.9"``, ``"<= 0.05"``, ``"> 0"``, ``"< 3"`` or ``"== 1"`` into a :class:`Gate`.

    The error message is one clause (no key path) so the config loader can prefix where it came from.
    """
    match = _GATE_RE.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"expected a comparison like '>= 0.9', got {text!r}")
    return Gate(match.group(1), float(match.group(2)))  # type: ignore[arg-type]
