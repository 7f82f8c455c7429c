"""Static figures for the report, as inline PNG data URIs.

matplotlib draws through ``Figure`` objects (no pyplot, so no global figure registry or backend
switch) inside ``rc_context``, so the report never changes the caller's matplotlib settings. PNG
keeps the bundled Korean font's glyphs inside the image: the figures read the same on a viewer
without any Korean font.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from axpoc.report._fonts import figure_rc

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

DPI = 130
WIDTH = 7.6  # inches: about the width of the report's text column at DPI
NAVY, BLUE, LIGHT, GREY, RED, GREEN, ORANGE = (
    "#1f3a5f",
    "#3b6ea8",
    "#a9c1dd",
    "#9aa5b1",
    "#c0392b",
    "#2e7d32",
    "#e67e22",
)
MAX_POINTS = 4000


@contextmanager
def _canvas(width: float, height: float) -> Iterator[Figure]:
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    with rc_context(figure_rc()):
        yield Figure(figsize=(width, height), dpi=DPI, layout="constrained")


def _encode(fig: Figure) -> str:
    """The figure as a ``data:image/png;base64,...`` URI, drawn while the rc_context is active."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, facecolor="white", pil_kwargs={"optimize": True})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _finite(values: Any) -> np.ndarray:
    return np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)


def leaderboard_chart(board: pd.DataFrame, *, metric: str, t: Mapping[str, str]) -> str | None:
    """Each finished candidate's mean CV score with its 95 % interval; #1 in navy, significantly worse in grey."""
    if metric not in board.columns:
        return None
    ok = board[board.get("status", pd.Series("ok", index=board.index)) == "ok"].reset_index(drop=True)
    means = _finite(ok[metric]) if len(ok) else np.array([])
    if not np.isfinite(means).any():
        return None
    low = _finite(ok["ci_low"]) if "ci_low" in ok else np.full(len(ok), np.nan)
    high = _finite(ok["ci_high"]) if "ci_high" in ok else np.full(len(ok), np.nan)
    worse = ok["significantly_worse"].fillna(False).astype(bool) if "significantly_worse" in ok else None
    n = len(ok)
    with _canvas(WIDTH, 0.9 + 0.38 * n) as fig:
        ax = fig.subplots()
        y = np.arange(n)[::-1]
        for i in range(n):
            color = NAVY if i == 0 else (GREY if worse is not None and worse.iloc[i] else BLUE)
            if np.isfinite(low[i]) and np.isfinite(high[i]):
                ax.plot([low[i], high[i]], [y[i], y[i]], color=color, linewidth=2.2, solid_capstyle="round")
            ax.plot(means[i], y[i], "o", color=color, markersize=7, zorder=3)
            ax.annotate(
                f"{means[i]:.4g}",
                (means[i], y[i]),
                xytext=(0, 7),
                textcoords="offset points",
                ha="center",
                fontsize=8,
                color=color,
            )
        ax.set_yticks(y, [f"{i + 1}. {name}" for i, name in enumerate(ok["candidate"].astype(str))])
        ax.set_ylim(-0.7, n - 0.3)
        ax.set_xlabel(metric)
        ax.set_title(t["fig_leaderboard_title"], loc="left")
        ax.grid(axis="y", visible=False)
        return _encode(fig)


def importance_chart(importances: pd.DataFrame, *, t: Mapping[str, str], top: int = 15) -> str | None:
    """Horizontal bars of permutation importance with one standard deviation, largest on top."""
    if importances is None or importances.empty or "importance" not in importances:
        return None
    frame = importances.assign(importance=_finite(importances["importance"]))
    frame = frame[np.isfinite(frame["importance"])].sort_values("importance", ascending=False).head(top)
    if frame.empty:
        return None
    std = _finite(frame["std"]) if "std" in frame else None
    n = len(frame)
    with _canvas(WIDTH, 0.8 + 0.3 * n) as fig:
        ax = fig.subplots()
        y = np.arange(n)[::-1]
        ax.barh(
            y,
            frame["importance"],
            xerr=std,
            color=BLUE,
            height=0.62,
            error_kw={"ecolor": NAVY, "elinewidth": 1, "capsize": 2},
        )
        ax.set_yticks(y, frame["feature"].astype(str))
        ax.axvline(0, color=GREY, linewidth=0.8)
        ax.set_title(t["fig_importance_title"].format(n=n), loc="left")
        ax.grid(axis="y", visible=False)
        return _encode(fig)


def effects_chart(
    effects: Mapping[str, pd.DataFrame], order: list[str], *, ylabel: str, top: int = 6
) -> str | None:
    """Small multiples of the mean prediction over each top feature's range, on a shared y axis."""
    names = [name for name in order if name in effects][:top] or list(effects)[:top]
    names = [name for name in names if {"value", "mean_prediction"} <= set(effects[name].columns)]
    if not names:
        return None
    cols = min(3, len(names))
    rows = math.ceil(len(names) / cols)
    with _canvas(WIDTH, 0.4 + 2.1 * rows) as fig:
        axes = np.atleast_1d(fig.subplots(rows, cols, sharey=True, squeeze=False)).ravel()
        for ax, name in zip(axes, names, strict=False):
            frame = effects[name]
            ax.plot(
                _finite(frame["value"]),
                _finite(frame["mean_prediction"]),
                "-o",
                color=NAVY,
                markersize=3.5,
                linewidth=1.8,
            )
            ax.set_xlabel(str(name))
        for ax in axes[len(names) :]:
            ax.set_visible(False)
        for ax in axes[::cols]:
            ax.set_ylabel(ylabel)
        return _encode(fig)


def confusion_chart(confusion: pd.DataFrame, *, t: Mapping[str, str]) -> str | None:
    """Counts per (actual, predicted), coloured by the share of each actual class."""
    if confusion is None or confusion.empty:
        return None
    counts = confusion.to_numpy(dtype=float)
    share = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    n_rows, n_cols = counts.shape
    side = min(WIDTH, 1.9 + 0.8 * max(n_rows, n_cols))
    with _canvas(side + 0.9, 0.9 + 0.65 * n_rows + 0.6) as fig:
        ax = fig.subplots()
        ax.imshow(share, cmap="Blues", vmin=0, vmax=1, aspect="auto")
        for i in range(n_rows):
            for j in range(n_cols):
                color = "white" if share[i, j] > 0.55 else "#1b2631"
                ax.text(
                    j,
                    i,
                    f"{counts[i, j]:,.0f}\n({share[i, j]:.1%})",
                    ha="center",
                    va="center",
                    fontsize=8.5,
                    color=color,
                )
        ax.set_xticks(range(n_cols), [str(c) for c in confusion.columns])
        ax.set_yticks(range(n_rows), [str(r) for r in confusion.index])
        ax.set_xlabel(t["predicted"])
        ax.set_ylabel(t["actual"], rotation=0, ha="right", va="center")
        ax.xaxis.set_label_position("top")
        ax.xaxis.tick_top()
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set_visible(False)
        return _encode(fig)


def _spec_lines(
    ax: Axes, spec: Mapping[str, float | None] | None, *, vertical: bool, horizontal: bool
) -> None:
    for key in ("lsl", "usl"):
        value = (spec or {}).get(key)
        if value is None or not np.isfinite(value):
            continue
        if vertical:
            ax.axvline(value, color=RED, linestyle="--", linewidth=1)
        if horizontal:
            ax.axhline(value, color=RED, linestyle="--", linewidth=1)
            ax.annotate(
                key.upper(),
                (1, value),
                xycoords=("axes fraction", "data"),
                xytext=(-2, 2),
                textcoords="offset points",
                ha="right",
                fontsize=8,
                color=RED,
            )


def regression_chart(
    y_true: np.ndarray | None,
    y_pred: np.ndarray | None,
    spec: Mapping[str, float | None] | None,
    *,
    target: str,
    t: Mapping[str, str],
) -> str | None:
    """Predicted vs actual with the spec limits, and residuals vs actual; at most MAX_POINTS points."""
    if y_true is None or y_pred is None or len(y_true) == 0 or len(y_true) != len(y_pred):
        return None
    actual, predicted = _finite(y_true), _finite(y_pred)
    keep = np.flatnonzero(np.isfinite(actual) & np.isfinite(predicted))
    if len(keep) == 0:
        return None
    if len(keep) > MAX_POINTS:
        keep = np.sort(np.random.default_rng(0).choice(keep, size=MAX_POINTS, replace=False))
    actual, predicted = actual[keep], predicted[keep]
    residual = predicted - actual
    alpha = 0.55 if len(keep) < 800 else 0.3
    with _canvas(WIDTH, 3.4) as fig:
        left, right = fig.subplots(1, 2)
        lo, hi = float(min(actual.min(), predicted.min())), float(max(actual.max(), predicted.max()))
        left.scatter(actual, predicted, s=9, color=BLUE, alpha=alpha, linewidths=0)
        left.plot([lo, hi], [lo, hi], color=GREY, linewidth=1)
        _spec_lines(left, spec, vertical=True, horizontal=True)
        left.set_xlabel(f"{t['actual']} {target}")
        left.set_ylabel(f"{t['predicted']} {target}")
        left.set_title(t["fig_pred_vs_actual"], loc="left")
        right.scatter(actual, residual, s=9, color=BLUE, alpha=alpha, linewidths=0)
        right.axhline(0, color=GREY, linewidth=1)
        _spec_lines(right, spec, vertical=True, horizontal=False)
        right.set_xlabel(f"{t['actual']} {target}")
        right.set_ylabel(t["residual"])
        right.set_title(t["fig_residuals"], loc="left")
        return _encode(fig)


def threshold_chart(
    curve: pd.DataFrame | None, threshold: float | None, *, currency: str, t: Mapping[str, str]
) -> str | None:
    """Expected cost per part over the threshold (left axis), recall and false alarm rate (right axis)."""
    if curve is None or curve.empty or not {"threshold", "cost"} <= set(curve.columns):
        return None
    frame = curve.assign(threshold=_finite(curve["threshold"]), cost=_finite(curve["cost"]))
    frame = frame[np.isfinite(frame["threshold"]) & np.isfinite(frame["cost"])].sort_values("threshold")
    if frame.empty:
        return None
    with _canvas(WIDTH, 3.3) as fig:
        ax = fig.subplots()
        ax.plot(
            frame["threshold"],
            frame["cost"],
            color=NAVY,
            linewidth=2,
            label=t["fig_cost"].format(currency=currency),
        )
        ax.set_xlabel(t["fig_threshold_axis"])
        ax.set_ylabel(t["fig_cost"].format(currency=currency))
        ax.yaxis.set_major_formatter("{x:,.0f}" if frame["cost"].abs().max() >= 100 else "{x:,.3g}")
        lines = ax.get_lines()
        rates = ax.twinx()
        rates.grid(False)
        rates.spines["right"].set_visible(True)
        for column, color, label in (
            ("recall", GREEN, t["fig_recall"]),
            ("false_alarm_rate", ORANGE, t["fig_false_alarm"]),
        ):
            if column in frame:
                lines += rates.plot(
                    frame["threshold"],
                    100 * _finite(frame[column]),
                    color=color,
                    linewidth=1.3,
                    linestyle="--",
                    label=label,
                )
        rates.set_ylim(0, 102)
        rates.set_ylabel("%")
        if threshold is not None and np.isfinite(threshold):
            ax.axvline(threshold, color=RED, linewidth=1.4)
            ax.annotate(
                t["fig_chosen"].format(t=f"{threshold:.3f}"),
                (threshold, 1),
                xycoords=("data", "axes fraction"),
                xytext=(4, -12),
                textcoords="offset points",
                color=RED,
                fontsize=8.5,
            )
        ax.legend(
            lines,
            [line.get_label() for line in lines],
            loc="upper center",
            ncols=3,
            fontsize=8,
            bbox_to_anchor=(0.5, -0.2),
        )
        return _encode(fig)


def headline_chart(rows: list[tuple[str, float, float, str, str]], *, t: Mapping[str, str]) -> str | None:
    """One small panel per headline KPI: current practice vs with the model, labelled with the shown text."""
    if not rows:
        return None
    cols = min(4, len(rows))
    n_rows = math.ceil(len(rows) / cols)
    with _canvas(min(WIDTH, 0.3 + 2.2 * cols), 0.2 + 1.75 * n_rows) as fig:
        axes = np.atleast_1d(fig.subplots(n_rows, cols, squeeze=False)).ravel()
        for ax, (label, before, after, before_text, after_text) in zip(axes, rows, strict=False):
            bars = ax.bar([0, 1], [before, after], color=[GREY, NAVY], width=0.6)
            for bar, text in zip(bars, (before_text, after_text), strict=True):
                ax.annotate(
                    text,
                    (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    xytext=(0, 3),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=10.5,
                )
            ax.set_xticks([0, 1], [t["before"], t["after"]], fontsize=10.5)
            ax.set_title(label, fontsize=11, loc="center")
            ax.set_yticks([])
            ax.spines["left"].set_visible(False)
            ax.grid(False)
            ax.margins(y=0.22)
        for ax in axes[len(rows) :]:
            ax.set_visible(False)
        return _encode(fig)
