"""The ML metrics: label, score and regression metrics with their batched evaluators.

Each evaluator is written once as a *weighted* metric (see `axpoc.kpi._metrics`): the point value is the
same code with every weight 1, so point, bootstrap interval and cross-validation score never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from axpoc.kpi._definitions import Kpi
from axpoc.kpi._metrics import (
    ConfusionKpi,
    Evaluator,
    _as_binary,
    _as_finite,
    _class_columns,
    _mean_where,
    _one_hots,
    _ratio,
    _weighted_mean,
)

_CLASSIFY = frozenset({"binary", "anomaly"})
_BIN_MC = frozenset({"binary", "multiclass"})
_LABELS = frozenset({"binary", "multiclass", "anomaly"})
_REG = frozenset({"regression"})


# ---------------------------------------------------------------- label metrics


@dataclass(frozen=True)
class _Accuracy(Kpi):
    def evaluator(self, y_true: Any, y: Any, labels: Sequence[Any] | None) -> Evaluator:
        return _weighted_mean((y_true == y).astype(float))


@dataclass(frozen=True)
class _MacroF1(Kpi):
    def evaluator(self, y_true: Any, y: Any, labels: Sequence[Any] | None) -> Evaluator:
        true, pred = _one_hots(y_true, y, labels)
        hit, either = true * pred, true + pred

        def evaluate(w: np.ndarray) -> np.ndarray:
            # Averages over classes present in y_true or y_pred of *this* resample, like sklearn.
            tp, support = w @ hit, w @ either
            return _mean_where(_ratio(2 * tp, support), support > 0)

        return evaluate


@dataclass(frozen=True)
class _BalancedAccuracy(Kpi):
    def evaluator(self, y_true: Any, y: Any, labels: Sequence[Any] | None) -> Evaluator:
        true, pred = _one_hots(y_true, y, labels)
        hit = true * pred

        def evaluate(w: np.ndarray) -> np.ndarray:
            support = w @ true
            present = support > 0
            mean = _mean_where(_ratio(w @ hit, support), present)
            return np.where(present.sum(axis=1) >= 2, mean, np.nan)

        return evaluate


# ---------------------------------------------------------------- score metrics


def _score_groups(score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row order by ascending score and the start of each run of tied scores."""
    order = np.argsort(score, kind="stable")
    s = score[order]
    return order, np.flatnonzero(np.r_[True, s[1:] != s[:-1]])


def _auc_evaluator(pos: np.ndarray, score: np.ndarray) -> Evaluator:
    order, starts = _score_groups(score)
    pos_sorted = pos[order]

    def evaluate(w: np.ndarray) -> np.ndarray:
        ws = w[:, order]
        p = np.add.reduceat(ws * pos_sorted, starts, axis=1)
        q = np.add.reduceat(ws, starts, axis=1) - p
        below = np.cumsum(q, axis=1) - q  # negatives strictly below each score; ties count 1/2
        return _ratio((p * (below + 0.5 * q)).sum(axis=1), p.sum(axis=1) * q.sum(axis=1))

    return evaluate


def _one_dim(y_score: np.ndarray) -> np.ndarray:
    if y_score.ndim != 1:
        raise ValueError(f"this metric needs a one-dimensional score, got shape {y_score.shape}")
    return y_score


def _probability(y_score: np.ndarray) -> np.ndarray:
    if (y_score < 0).any() or (y_score > 1).any():
        raise ValueError("y_score must hold probabilities in [0, 1] for this metric")
    return y_score


@dataclass(frozen=True)
class _RocAuc(Kpi):
    def evaluator(self, y_true: Any, y: Any, labels: Sequence[Any] | None) -> Evaluator:
        if y.ndim == 1:
            return _auc_evaluator(_as_binary(y_true, "y_true"), y)
        t, classes = _class_columns(y_true, y, labels)
        per_class = [_auc_evaluator((t == c).astype(float), y[:, c]) for c in range(classes.size)]

        def evaluate(w: np.ndarray) -> np.ndarray:
            # One-vs-rest macro average over the classes whose AUC is defined in this resample.
            values = np.stack([fn(w) for fn in per_class], axis=1)
            return _mean_where(values, ~np.isnan(values))

        return evaluate


@dataclass(frozen=True)
class _AveragePrecision(Kpi):
    def evaluator(self, y_true: Any, y: Any, labels: Sequence[Any] | None) -> Evaluator:
        pos = _as_binary(y_true, "y_true")
        order, starts = _score_groups(_one_dim(y))
        pos_sorted = pos[order]

        def evaluate(w: np.ndarray) -> np.ndarray:
            ws = w[:, order]
            p = np.add.reduceat(ws * pos_sorted, starts, axis=1)
            flagged = np.add.reduceat(ws, starts, axis=1)
            # Counts at threshold "score >= this group": reverse cumulative sums.
            tp_at = np.cumsum(p[:, ::-1], axis=1)[:, ::-1]
            flagged_at = np.cumsum(flagged[:, ::-1], axis=1)[:, ::-1]
            precision = np.where(p > 0, _ratio(tp_at, flagged_at), 0.0)
            defects, parts = p.sum(axis=1), ws.sum(axis=1)
            # Without a good part every ranking scores 1: as undefined as ROC AUC is then.
            return np.where(defects < parts, _ratio((p * precision).sum(axis=1), defects), np.nan)

        return evaluate


@dataclass(frozen=True)
class _Brier(Kpi):
    def evaluator(self, y_true: Any, y: Any, labels: Sequence[Any] | None) -> Evaluator:
        return _weighted_mean((_probability(_one_dim(y)) - _as_binary(y_true, "y_true")) ** 2)


@dataclass(frozen=True)
class _LogLoss(Kpi):
    def evaluator(self, y_true: Any, y: Any, labels: Sequence[Any] | None) -> Evaluator:
        eps = np.finfo(float).eps
        proba = np.clip(_probability(y), eps, 1 - eps)
        if proba.ndim == 1:
            t = _as_binary(y_true, "y_true")
            loss = -(t * np.log(proba) + (1 - t) * np.log1p(-proba))
        else:
            t, _ = _class_columns(y_true, proba, labels)
            proba = proba / proba.sum(axis=1, keepdims=True)
            loss = -np.log(proba[np.arange(t.size), t])
        return _weighted_mean(loss)


# ---------------------------------------------------------------- regression metrics


@dataclass(frozen=True)
class _Regression(Kpi):
    """A metric of true values, predicted values and their errors."""

    of_errors: Callable[[np.ndarray, np.ndarray, np.ndarray], Evaluator] | None = None

    def evaluator(self, y_true: Any, y: Any, labels: Sequence[Any] | None) -> Evaluator:
        truth, pred = _as_finite(y_true, "y_true"), _as_finite(y, "y_pred")
        assert self.of_errors is not None
        return self.of_errors(truth, pred, pred - truth)


def _r2(y: np.ndarray, pred: np.ndarray, err: np.ndarray) -> Evaluator:
    # Centre once on the full-data mean: dimensions like 50.000 +- 0.005 would otherwise lose
    # all precision in sum(y^2) - sum(y)^2 / n.
    yc = y - y.mean()
    columns = np.column_stack([np.ones_like(y), yc, yc**2, err**2])

    def evaluate(w: np.ndarray) -> np.ndarray:
        sw, sy, syy, sse = (w @ columns).T
        ss_tot = syy - _ratio(sy**2, sw)
        ss_tot = np.where(ss_tot > 1e-12 * syy, ss_tot, 0.0)
        return 1.0 - _ratio(sse, ss_tot)

    return evaluate


def _rmse(y: np.ndarray, pred: np.ndarray, err: np.ndarray) -> Evaluator:
    mse = _weighted_mean(err**2)
    return lambda w: np.sqrt(mse(w))


def _mae(y: np.ndarray, pred: np.ndarray, err: np.ndarray) -> Evaluator:
    return _weighted_mean(np.abs(err))


def _mape(y: np.ndarray, pred: np.ndarray, err: np.ndarray) -> Evaluator:
    zero = (y == 0).astype(float)
    mean_rel = _weighted_mean(np.abs(err) / np.where(y == 0, 1.0, np.abs(y)))
    return lambda w: np.where(w @ zero > 0, np.nan, mean_rel(w))


_SCORE = {"reads": "scores"}
_LABEL = {"reads": "labels"}

KPIS = (
    _RocAuc("roc_auc", "ROC AUC", "ROC AUC",
            "P(score of a defective part > score of a good part), ties count 1/2; multiclass: mean one-vs-rest",
            "ratio", True, _LABELS, "ml", **_SCORE, undefined_when="one_class", leaderboard=_LABELS,
            decimal=True),
    _AveragePrecision("average_precision", "평균 정밀도 (AP)", "Average precision",
                      "sum over score thresholds of (R_k - R_(k-1)) * P_k", "ratio", True, _CLASSIFY, "ml",
                      **_SCORE, undefined_when="one_class", leaderboard=_CLASSIFY, decimal=True),
    ConfusionKpi("f1", "F1 점수", "F1 score", "2*TP / (2*TP + FP + FN)", "ratio", True, _CLASSIFY, "ml",
                 **_LABEL, undefined_when="no_defect_none_flagged", leaderboard=frozenset({"binary"}),
                 decimal=True, counts=lambda tp, d, f, n: _ratio(2 * tp, d + f)),
    _MacroF1("macro_f1", "매크로 F1", "Macro F1", "mean over classes c of 2*TP_c / (2*TP_c + FP_c + FN_c)",
             "ratio", True, _LABELS, "ml", **_LABEL, leaderboard=frozenset({"multiclass"}), decimal=True),
    _Accuracy("accuracy", "정확도", "Accuracy", "correct predictions / N", "ratio", True, _LABELS, "ml",
              **_LABEL, leaderboard=frozenset({"multiclass"})),
    _BalancedAccuracy("balanced_accuracy", "균형 정확도", "Balanced accuracy",
                      "mean over classes c of TP_c / (TP_c + FN_c)", "ratio", True, _LABELS, "ml", **_LABEL,
                      undefined_when="fewer_than_two_classes", leaderboard=_BIN_MC),
    ConfusionKpi("precision", "정밀도", "Precision", "TP / (TP + FP)", "ratio", True, _CLASSIFY, "ml",
                 **_LABEL, undefined_when="none_flagged", counts=lambda tp, d, f, n: _ratio(tp, f)),
    ConfusionKpi("recall", "재현율 (불량 검출률)", "Recall (defect detection rate)", "TP / (TP + FN)",
                 "ratio", True, _CLASSIFY, "ml", **_LABEL, undefined_when="no_defect",
                 counts=lambda tp, d, f, n: _ratio(tp, d)),
    _Brier("brier", "브라이어 점수", "Brier score", "mean((p - y)^2)", "ratio", False, frozenset({"binary"}),
           "ml", **_SCORE, leaderboard=frozenset({"binary"}), decimal=True),
    _LogLoss("log_loss", "로그 손실", "Log loss", "-mean(ln p(true class))", "nats", False, _BIN_MC, "ml",
             **_SCORE, leaderboard=_BIN_MC),
    _Regression("r2", "결정계수 (R²)", "R²", "1 - sum((y - y_hat)^2) / sum((y - mean(y))^2)", "ratio", True,
                _REG, "ml", **_LABEL, undefined_when="constant_target", leaderboard=_REG, decimal=True,
                bounds=(-np.inf, 1.0), of_errors=_r2),
    _Regression("rmse", "평균제곱근오차 (RMSE)", "RMSE", "sqrt(mean((y_hat - y)^2))", "target unit", False,
                _REG, "ml", **_LABEL, leaderboard=_REG, of_errors=_rmse),
    _Regression("mae", "평균절대오차 (MAE)", "MAE", "mean(|y_hat - y|)", "target unit", False, _REG, "ml",
                **_LABEL, leaderboard=_REG, of_errors=_mae),
    _Regression("mape", "평균절대백분율오차 (MAPE)", "MAPE", "mean(|y_hat - y| / |y|)", "ratio", False, _REG,
                "ml", **_LABEL, undefined_when="zero_target", bounds=(0.0, np.inf), of_errors=_mape),
)  # fmt: skip
