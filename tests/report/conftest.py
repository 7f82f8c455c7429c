"""Hand-built ReportData for the report tests: realistic numbers of an injection-molding PoC."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from axpoc.compare import CompareNote, ScreenNote
from axpoc.i18n import Reason, RuleNote
from axpoc.kpi import KPIS, GateResult
from axpoc.models import SkipReason
from axpoc.report import KpiRow, ReportData

FEATURES = ["금형온도", "사출압력", "보압시간", "냉각시간", "사출속도", "실린더온도", "계량시간", "형체력"]
ASSUMPTION_KO = "비용(검사비 500원/개, 유출 비용 50,000원/개, 오검출 비용 2,000원/개)은 예시용 가정값입니다."
ASSUMPTION_EN = "Costs (inspection 500 KRW, escape 50,000 KRW, false alarm 2,000 KRW per part) are assumed for this example."
NO_POSITIVE = "no defective part in the test part: TP + FN = 0"


def kpi(
    name: str, value: float, ci: tuple[float, float] | None = None, *, language: str = "ko", reason: str = ""
) -> KpiRow:
    spec = KPIS[name]
    return KpiRow(
        name=name,
        label=spec.label_ko if language == "ko" else spec.label_en,
        value=value,
        ci_low=ci[0] if ci else None,
        ci_high=ci[1] if ci else None,
        unit=spec.unit_for("KRW"),
        formula=spec.formula,
        higher_is_better=spec.higher_is_better,
        group=spec.group,
        undefined_reason=reason,
    )


def built_in_rules() -> list[GateResult]:
    """Rule rows as the run makes them: today's practice beaten, every defect caught, one rule switched off."""
    from axpoc.i18n import RuleText
    from axpoc.kpi import catches_defects, enough_evidence, switched_off

    today = RuleText(
        "beats_cost",
        {
            "policy_name": "today",
            "model": "3,100,000",
            "policy": "15,440,000",
            "diff": "-12,340,000",
            "low": "-14,900,000",
            "high": "-9,800,000",
            "unit": "KRW/month",
        },
    )
    rules = [
        GateResult("beats_today", "<", 0.0, -12_340_000.0, -9_800_000.0, True, today, kind="rule"),
        *catches_defects({"불량": (96, 117)}),
        switched_off("beats_trivial", "고객사 요청: 단순 모델 비교 제외"),
        *enough_evidence({"불량": (117, 117)})[0],
    ]
    return rules


def gate(name: str, op: str, target: float, value: float, passed: bool) -> GateResult:
    """The gate ``name op target`` judged on ``value`` by the KPI module (its reason is a real phrase)."""
    from axpoc.kpi import evaluate_gates

    (result,) = evaluate_gates({name: f"{op} {target:g}"}, {name: value})
    assert result.passed == passed, result.reason
    return result


CANDIDATE_NOTES = {
    "lightgbm": "",
    "random_forest": CompareNote("defaults_kept", {"tuned": 0.9012, "defaults": 0.897}),
    "logistic": CompareNote("not_tuned", {"leader": "lightgbm", "p": 0.006}),
    "svm": CompareNote("stopped", {"why": CompareNote("predicted_folds", {"cost": 14.2, "left": 1.0})}),
    "knn": SkipReason(
        "too_many_rows",
        {"label": "k-NN", "n_rows": 150_000, "max_rows": 100_000, "why": SkipReason("all_pairs")},
    ),
}
"""Each candidate's note as the comparison made it; cnn1d is left out: it shows the board's plain note."""


def _leaderboard(metric: str) -> pd.DataFrame:
    """The board as pandas holds it: the notes are plain English strings, the phrases are lost."""
    notes = {name: str(note) for name, note in CANDIDATE_NOTES.items()}
    return pd.DataFrame(
        [
            {
                "rank": 1,
                "candidate": "lightgbm",
                "family": "LightGBM",
                "status": "ok",
                metric: 0.912,
                "ci_low": 0.889,
                "ci_high": 0.935,
                "diff_vs_1": 0.0,
                "p_value": np.nan,
                "significantly_worse": False,
                "fit_time_s": 4.2,
                "predict_ms_per_1k": 3.1,
                "trials": 24,
                "note": notes["lightgbm"],
            },
            {
                "rank": 2,
                "candidate": "random_forest",
                "family": "Random forest",
                "status": "ok",
                metric: 0.897,
                "ci_low": 0.871,
                "ci_high": 0.923,
                "diff_vs_1": -0.015,
                "p_value": 0.214,
                "significantly_worse": False,
                "fit_time_s": 7.9,
                "predict_ms_per_1k": 12.4,
                "trials": 18,
                "note": notes["random_forest"],
            },
            {
                "rank": 3,
                "candidate": "logistic",
                "family": "Logistic regression",
                "status": "ok",
                metric: 0.842,
                "ci_low": 0.810,
                "ci_high": 0.874,
                "diff_vs_1": -0.070,
                "p_value": 0.0004,
                "significantly_worse": True,
                "fit_time_s": 0.6,
                "predict_ms_per_1k": 0.8,
                "trials": 1,
                "note": notes["logistic"],
            },
            {
                "rank": np.nan,
                "candidate": "svm",
                "family": "SVM",
                "status": "stopped",
                "note": notes["svm"],
            },
            {
                "rank": np.nan,
                "candidate": "knn",
                "family": "k-NN",
                "status": "skipped",
                "note": notes["knn"],
            },
            {
                "rank": np.nan,
                "candidate": "cnn1d",
                "family": "1D-CNN",
                "status": "skipped",
                "note": "torch is not installed",
            },
        ]
    )


def _threshold_curve() -> pd.DataFrame:
    t = np.linspace(0.01, 0.99, 99)
    recall = 1 / (1 + np.exp((t - 0.45) * 9))
    false_alarm = np.exp(-t * 9)
    cost = 500 * false_alarm * 0.97 + 50_000 * (1 - recall) * 0.012 * 1.4 + 2_000 * false_alarm * 0.2 + 60
    return pd.DataFrame({"threshold": t, "cost": cost, "recall": recall, "false_alarm_rate": false_alarm})


def _validation() -> pd.DataFrame:
    rows = [
        ("금형온도", "between 20 and 120", "between", "critical", "config", True, 0, 0.0, "", ""),
        ("사출압력", "not null", "not_null", "critical", "inferred", True, 0, 0.0, "", ""),
        (
            "사이클시간",
            "between 10 and 95",
            "between",
            "warning",
            "inferred",
            False,
            12,
            0.00025,
            "96.2, 101.4",
            "drift feed",
        ),
        ("불량여부", "in {0, 1}", "in_set", "critical", "target", True, 0, 0.0, "", ""),
    ]
    columns = [
        "column",
        "expectation",
        "kind",
        "severity",
        "source",
        "success",
        "failing_count",
        "failing_share",
        "samples",
        "note",
    ]
    return pd.DataFrame(rows, columns=columns)


def _importances() -> pd.DataFrame:
    importance = [0.081, 0.054, 0.032, 0.017, 0.009, 0.004, 0.001, -0.0005]
    return pd.DataFrame(
        {
            "feature": FEATURES,
            "importance": importance,
            "std": [0.006, 0.005, 0.004, 0.003, 0.002, 0.002, 0.001, 0.001],
        }
    )


def _effects() -> dict[str, pd.DataFrame]:
    grid = np.linspace(0, 1, 12)
    return {
        "금형온도": pd.DataFrame({"value": 40 + 40 * grid, "mean_prediction": 0.004 + 0.05 * grid**3}),
        "사출압력": pd.DataFrame({"value": 800 + 400 * grid, "mean_prediction": 0.03 - 0.022 * grid}),
        "보압시간": pd.DataFrame({"value": 2 + 4 * grid, "mean_prediction": 0.02 + 0.01 * np.sin(6 * grid)}),
    }


CONFIG_YAML = """project:
  name: demo-mold
  title: 사출 성형 불량 예측 PoC
process: injection_molding
target:
  column: 불량여부
  task: binary
kpi:
  gates:
    recall: ">= 0.75"
    false_alarm_rate: "<= 0.05"
    monthly_saving: ">= 5000000"
"""


SCREEN_NOTE = ScreenNote(
    "dropped",
    {
        "columns": "설정온도",
        "group": "금형번호",
        "family": "lightgbm",
        "metric": "average_precision",
        "with_": 0.612,
        "without": 0.874,
        "why": ScreenNote("target_group_level", {"group": "금형번호"}),
    },
)


def _common(language: str) -> dict[str, object]:
    ko = language == "ko"
    return {
        "language": language,
        "project_name": "demo-mold",
        "title": "사출 성형 불량 예측 PoC" if ko else "Injection molding defect prediction PoC",
        "process": "injection_molding",
        "model_name": "demo-mold",
        "model_version": "3",
        "run_id": "8f2c1e0d9a7b4c3e",
        "tracking_uri": "sqlite:///axpoc_projects/demo-mold/mlflow.db",
        "data_source": "data/사출_2024.csv (cp949)",
        "data_digest": "sha256:4be1c9a0d2f3",
        "n_rows": 48_000,
        "n_features": len(FEATURES),
        "profile": {
            "n_rows": 48_000,
            "n_columns": 11,
            "target": "불량여부",
            "task": "binary",
            "time": {
                "column": "생산일시",
                "start": "2024-01-02 06:00",
                "end": "2024-06-28 22:00",
                "span": "178 days",
                "median_step_s": 28.0,
                "iqr_step_s": 3.0,
                "gap_share": 0.004,
                "out_of_order_share": 0.0,
                "unparsed": 0,
            },
            "label": {"counts": {"0": 47_424, "1": 576}, "shares": {"0": 0.988, "1": 0.012}},
            "missing_share": {"금형온도": 0.0, "사출압력": 0.0021, "보압시간": 0.0},
            "constant_columns": [],
            "group_level_columns": ["설정온도"],
            "duplicate_columns": [["형체력", "형체력_2"]],
            "duplicate_rows": 3,
            "duplicate_ids": None,
            "duplicate_id_values": [],
            "feature_scores": {name: round(0.75 - 0.02 * i, 4) for i, name in enumerate(FEATURES)},
            "leakage": [
                {
                    "column": "검사결과",
                    "kind": "post_process",
                    "reason": "name contains '검사'",
                    "score": None,
                }
            ],
            "problems": [],
        },
        "validation": _validation(),
        "split_description": "시간 순 분할: 마지막 20% (2024-05-25 이후)가 테스트"
        if ko
        else "by time: the last 20 % is the test part",
        "cv_description": "5-fold 시계열 교차 검증" if ko else "5-fold time-series cross-validation",
        "notes": ["CP949 인코딩으로 읽었습니다." if ko else "Read as CP949.", SCREEN_NOTE],
        "leaderboard": _leaderboard("roc_auc"),
        "candidate_notes": dict(CANDIDATE_NOTES),
        "primary_metric": "roc_auc",
        "conclusion": (
            "1위 lightgbm와 2위 random_forest는 유의한 차이가 없습니다 (p=0.214); 더 단순하거나 빠른 모델을 골라도 됩니다."
            if ko
            else "No significant difference between #1 lightgbm and #2 random_forest (p=0.214)."
        ),
        "chosen": "lightgbm",
        "chosen_params": {
            "n_estimators": 420,
            "learning_rate": 0.05,
            "num_leaves": 31,
            "class_weight": "balanced",
        },
        "pipeline_steps": [
            "impute: SimpleImputer",
            "scale: StandardScaler",
            "model: LGBMClassifier",
            "decision: threshold 0.270 (FixedThresholdClassifier)",
        ],
        "why_family": "빠르고 정확한 그래디언트 부스팅 트리"
        if ko
        else "fast, accurate gradient-boosted trees",
        "importances": _importances(),
        "effects": _effects(),
        "assumptions": [ASSUMPTION_KO if ko else ASSUMPTION_EN],
        "config_yaml": CONFIG_YAML,
        "config_digest": "sha256:9c0ffee12345",
        "packages": {"axpoc": "0.1.0", "scikit-learn": "1.9.1", "lightgbm": "4.7.0", "mlflow": "3.17.2"},
        "created_at": "2026-11-29T09:30:00+00:00",
    }


def binary_data(language: str = "ko") -> ReportData:
    kpis = [
        kpi("roc_auc", 0.9134, (0.8911, 0.9342), language=language),
        kpi("average_precision", 0.612, (0.55, 0.67), language=language),
        kpi("recall", 0.8214, (0.7712, 0.8650), language=language),
        kpi("precision", 0.4512, (0.40, 0.50), language=language),
        kpi("defect_escape_rate", 0.1786, (0.135, 0.2288), language=language),
        kpi("false_alarm_rate", 0.0312, (0.027, 0.036), language=language),
        kpi("manual_inspection_share", 0.0521, language=language),
        kpi("inspection_hours_saved_per_month", 86.4, language=language),
        kpi("monthly_saving", 12_340_000.0, (9_800_000.0, 14_900_000.0), language=language),
        kpi("no_model_saving", 3_240_000.0, language=language),
        kpi("saving_vs_best_policy", 9_100_000.0, language=language),
        kpi("defect_rate_passed", 0.0021, language=language),
        kpi("baseline_defect_rate", 0.0087, language=language),
    ]
    gates = [
        gate("recall", ">=", 0.75, 0.8214, True),
        gate("false_alarm_rate", "<=", 0.05, 0.0312, True),
        gate("monthly_saving", ">=", 5_000_000, 12_340_000.0, True),
        *built_in_rules(),
    ]
    confusion = pd.DataFrame(
        [[9342, 301], [21, 96]],
        index=pd.Index(["양품", "불량"], name="actual"),
        columns=pd.Index(["양품", "불량"], name="predicted"),
    )
    label = "합격 판정품 불량률" if language == "ko" else "Defect rate of passed parts"
    return ReportData(
        **_common(language),  # type: ignore[arg-type]
        task="binary",
        target="불량여부",
        verdict="champion",
        verdict_reason="모든 KPI 게이트를 통과했고 기존 방식보다 월 1,234만 원 절감합니다."
        if language == "ko"
        else "All KPI gates pass; saves KRW 12.3M per month over current practice.",
        kpis=kpis,
        gates=gates,
        threshold=0.27,
        threshold_note=RuleNote(
            "cost_optimal",
            {"threshold": 0.27, "n": 38_400, "method": "isotonic", "cost": 412.5, "currency": "KRW"},
        ),
        threshold_curve=_threshold_curve(),
        confusion=confusion,
        headline=[
            (label, "0.87%", "0.21%"),
            ("월간 검사 시간" if language == "ko" else "Inspection hours", "412 h", "326 h"),
        ],
    )


def multiclass_data() -> ReportData:
    classes = ["정상", "미성형", "버", "수축"]
    counts = np.array([[2410, 12, 8, 5], [9, 141, 3, 2], [6, 4, 98, 1], [7, 1, 2, 77]])
    return ReportData(
        **{**_common("ko"), "leaderboard": _leaderboard("macro_f1"), "primary_metric": "macro_f1"},  # type: ignore[arg-type]
        task="multiclass",
        target="불량유형",
        verdict="champion",
        verdict_reason="매크로 F1 기준 통과",
        kpis=[
            kpi("macro_f1", 0.874, (0.85, 0.90)),
            kpi("accuracy", 0.9652, (0.958, 0.972)),
            kpi("balanced_accuracy", 0.902),
        ],
        gates=[gate("macro_f1", ">=", 0.8, 0.874, True)],
        confusion=pd.DataFrame(
            counts, index=pd.Index(classes, name="actual"), columns=pd.Index(classes, name="predicted")
        ),
        per_class=pd.DataFrame(
            {
                "class": classes,
                "defect": [False, True, True, True],
                "support": counts.sum(axis=1),
                "recall": counts.diagonal() / counts.sum(axis=1),
                "precision": counts.diagonal() / counts.sum(axis=0),
            }
        ),
    )


def regression_data() -> ReportData:
    rng = np.random.default_rng(7)
    y_true = rng.normal(25.0, 0.04, 1500)
    y_pred = y_true + rng.normal(0, 0.012, 1500)
    return ReportData(
        **{**_common("ko"), "leaderboard": _leaderboard("rmse"), "primary_metric": "rmse"},  # type: ignore[arg-type]
        task="regression",
        target="치수_mm",
        verdict="challenger",
        verdict_reason="Cpk 게이트 미달",
        kpis=[
            kpi("r2", 0.912, (0.90, 0.925)),
            kpi("rmse", 0.0121, (0.0115, 0.0128)),
            kpi("cpk", 1.21),
            kpi("cpk_passed", 1.29),
        ],
        gates=[gate("cpk_passed", ">=", 1.33, 1.29, False)],
        y_true=y_true,
        y_pred=y_pred,
        spec={"lsl": 24.9, "usl": 25.1},
        headline=[("합격 판정품 Cpk", "1.21", "1.29")],
    )


def undefined_data() -> ReportData:
    """A test part without a single defective part: recall and escape rate cannot be computed."""
    kpis = [
        kpi("roc_auc", float("nan"), reason="only one class in the test part"),
        kpi("recall", float("nan"), reason=NO_POSITIVE),
        kpi("defect_escape_rate", float("nan"), reason=NO_POSITIVE),
        kpi("false_alarm_rate", 0.021, (0.015, 0.028)),
    ]
    gates = [
        GateResult(
            "recall",
            ">=",
            0.75,
            float("nan"),
            float("nan"),
            False,
            Reason("gate_undefined", {"why": NO_POSITIVE}),
        ),
        gate("false_alarm_rate", "<=", 0.05, 0.021, True),
    ]
    return ReportData(
        language="ko",
        project_name="demo-mold",
        title="불량 없는 테스트 데이터",
        process="injection_molding",
        task="binary",
        target="불량여부",
        verdict="challenger",
        verdict_reason="재현율 게이트를 판정할 수 없어 불합격입니다.",
        kpis=kpis,
        gates=gates,
        threshold=0.5,
    )


@pytest.fixture(scope="session")
def make_report_data() -> Callable[..., ReportData]:
    """``make_report_data(kind, language="ko")``; kind is binary, multiclass, regression or undefined."""
    builders = {
        "binary": binary_data,
        "multiclass": multiclass_data,
        "regression": regression_data,
        "undefined": undefined_data,
    }

    def make(kind: str, language: str = "ko") -> ReportData:
        return builders[kind](language) if kind == "binary" else builders[kind]()

    return make
