"""One PNG per controllable setting: the predicted defect rate along it, the others at the recommendation,
today's and the recommended value marked, the stretches without support shaded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from axpoc.recommend._words import words


def draw_profiles(
    recommender: Any, context: Any, recommendation: Any, folder: Path, *, language: str
) -> list[Path]:
    """Write ``profile_<column>.png`` into ``folder`` for every controllable; returns the paths."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    from axpoc.report import figure_font_family

    best = recommendation.best or recommendation.today
    regression = recommender.model.task == "regression" and recommender.defect_rate(np.zeros(1)) is None
    paths = []
    with rc_context({"font.family": figure_font_family(), "axes.unicode_minus": False}):
        for control in recommender.controls:
            curve = recommender.profile(context, best.settings, control.column)
            fig = Figure(figsize=(6.4, 3.4), dpi=110, layout="constrained")
            ax = fig.add_subplot()
            y = curve["predicted" if regression else "defect_rate"].to_numpy(dtype=float)
            ax.plot(curve["value"], y, color="#1f3a5f", lw=1.8)
            _shade_unsupported(ax, curve["value"].to_numpy(), curve["supported"].to_numpy(), language)
            today = recommendation.today.settings[control.column]
            ax.axvline(today, color="#9aa5b1", ls="--", lw=1.2, label=words("today", language))
            at = curve["value"].to_numpy() == best.settings[control.column]
            ax.plot(
                [best.settings[control.column]],
                [y[at][0]],
                marker="*",
                ms=14,
                color="#c0392b",
                ls="none",
                label=words("recommended", language),
            )
            unit = f" [{control.unit}]" if control.unit else ""
            ax.set_xlabel(f"{control.label(language)}{unit}")
            ax.set_ylabel(words("figure_y_value" if regression else "figure_y", language))
            if not regression:
                ax.yaxis.set_major_formatter(PercentFormatter(1.0))
            ax.set_title(words("figure_title", language, setting=control.label(language)), fontsize=10)
            ax.legend(fontsize=8, loc="best")
            path = folder / f"profile_{_safe(control.column)}.png"
            fig.savefig(path, facecolor="white")
            paths.append(path)
    return paths


def _shade_unsupported(ax: Any, values: np.ndarray, supported: np.ndarray, language: str) -> None:
    """Grey bands where no or too few training parts ran (one legend entry for all of them)."""
    half = (values[1] - values[0]) / 2 if len(values) > 1 else 0.0
    labelled = False
    for value, ok in zip(values, supported, strict=True):
        if not ok:
            label = None if labelled else words("figure_no_support", language)
            ax.axvspan(value - half, value + half, color="#e0e0e0", lw=0, label=label)
            labelled = True


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)
