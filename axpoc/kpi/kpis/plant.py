"""The plant's KPIs: quality and productivity from which parts are defects and which are flagged, money and
hours from the cost model, process capability from the spec limits, and the control chart's signal rate.

The ``reads="flags"`` ones have an evaluator (they resample like ML metrics); the others are computed by
their room (`axpoc.kpi.business_kpis`, `capability`, `control_signals`) from the whole evaluation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from axpoc.kpi._definitions import TASKS, Kpi
from axpoc.kpi._metrics import ConfusionKpi, _ratio

_ALL = frozenset(TASKS)
_REG = frozenset({"regression"})
_MONEY = ("kpi.costs.inspection_cost", "kpi.costs.escape_cost", "kpi.costs.false_alarm_cost")
_SPEC = ("target.spec",)


@dataclass(frozen=True)
class _Saving(Kpi):
    """The monthly saving: priced by the unit costs, or by ``kpi.costs.class_costs`` (multiclass) instead."""

    def missing(self, setting: Callable[[str], object]) -> list[str]:
        if setting("kpi.costs.class_costs") is not None:
            return [key for key in self.needs if key.startswith("kpi.volumes.") and setting(key) is None]
        return super().missing(setting)


KPIS = (
    # quality
    ConfusionKpi("defect_escape_rate", "불량 유출률", "Defect escape rate", "FN / (TP + FN)", "ratio", False,
                 _ALL, "quality", reads="flags", undefined_when="no_defect",
                 counts=lambda tp, d, f, n: _ratio(d - tp, d)),
    ConfusionKpi("false_alarm_rate", "과검출률", "False alarm rate", "FP / (FP + TN)", "ratio", False, _ALL,
                 "quality", reads="flags", undefined_when="no_good",
                 counts=lambda tp, d, f, n: _ratio(f - tp, n - d)),
    ConfusionKpi("defects_caught_per_1000", "1,000개당 검출 불량 수", "Defects caught per 1000 parts",
                 "1000 * TP / N", "parts/1000", True, _ALL, "quality", reads="flags",
                 counts=lambda tp, d, f, n: 1000 * _ratio(tp, n)),
    # productivity
    ConfusionKpi("manual_inspection_share", "수동 검사 비율", "Manual inspection share", "(TP + FP) / N",
                 "ratio", False, _ALL, "productivity", reads="flags", counts=lambda tp, d, f, n: _ratio(f, n)),
    Kpi("inspection_hours_saved_per_month", "월간 검사 시간 절감", "Inspection hours saved per month",
        "(baseline inspected share - (TP + FP) / N) * parts_per_day * working_days_per_month"
        " * inspection_minutes_per_part / 60",
        "h/month", True, _ALL, "productivity",
        needs=("kpi.costs.inspection_minutes_per_part", "kpi.volumes.parts_per_day")),
    _Saving("monthly_saving", "월간 비용 절감액", "Monthly saving",
            "(baseline cost per part - model cost per part) * parts_per_day * working_days_per_month",
            "currency/month", True, _ALL, "productivity", needs=(*_MONEY, "kpi.volumes.parts_per_day")),
    Kpi("no_model_saving", "모델 없이 가능한 월간 절감액", "Monthly saving a no-model policy achieves",
        "(baseline cost per part - cheapest no-model policy cost per part) * parts_per_day"
        " * working_days_per_month",
        "currency/month", True, _ALL, "productivity"),
    Kpi("saving_vs_best_policy", "최선의 무모델 방식 대비 월간 절감액",
        "Monthly saving over the best no-model policy",
        "(cheapest no-model policy cost per part - model cost per part) * parts_per_day"
        " * working_days_per_month",
        "currency/month", True, _ALL, "productivity"),
    # stability
    ConfusionKpi("defect_rate_passed", "합격 판정품 불량률", "Defect rate of passed parts", "FN / (FN + TN)",
                 "ratio", False, _ALL, "stability", reads="flags", undefined_when="all_flagged",
                 counts=lambda tp, d, f, n: _ratio(d - tp, n - f)),
    Kpi("baseline_defect_rate", "기존 방식 유출 불량률", "Baseline outgoing defect rate",
        "D * (1 - s*d) / (N - D*s*d); D defects, s baseline inspected share, d detection rate",
        "ratio", False, _ALL, "stability"),
    Kpi("cp", "공정능력지수 Cp", "Cp", "(USL - LSL) / (6 * sigma_within)", "index", True, _REG, "stability",
        needs=_SPEC),
    Kpi("cpk", "공정능력지수 Cpk", "Cpk", "min(USL - mean, mean - LSL) / (3 * sigma_within)", "index", True,
        _REG, "stability", needs=_SPEC),
    Kpi("ppk", "공정성능지수 Ppk", "Ppk", "min(USL - mean, mean - LSL) / (3 * sigma_overall)", "index", True,
        _REG, "stability", needs=_SPEC),
    Kpi("cpk_passed", "합격 판정품 Cpk", "Cpk of passed parts",
        "min(USL - mean, mean - LSL) / (3 * sigma_within) over parts not flagged", "index", True, _REG,
        "stability", needs=_SPEC),
    Kpi("ppk_passed", "합격 판정품 Ppk", "Ppk of passed parts",
        "min(USL - mean, mean - LSL) / (3 * sigma_overall) over parts not flagged", "index", True, _REG,
        "stability", needs=_SPEC),
    Kpi("control_signal_rate", "관리한계 이탈 비율", "Control signal rate",
        "points outside the control limits of the score chart / N", "ratio", False, _ALL, "stability"),
)  # fmt: skip
