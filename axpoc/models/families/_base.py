"""What a candidate family is: the `Family` base class a family file (built in or a plug-in) subclasses.

A config names candidates (``candidates: [lightgbm, random_forest]``); each name maps to a `Family`.
The comparison asks a family whether it fits the task and data (`Family.applicable`, a reason when
not), takes its `defaults` for the data size (log them), overlays a tuning trial's `space` and the
config's fixed params, and `build`\\ s the estimator. Heavy libraries (LightGBM, torch) are imported
only in `make_estimator`. The report says why the family was a candidate (`Family.why`), and
explanations (`axpoc.explain`) ask it for exact contributions (`Family.contributions`) before falling
back to occlusion.

Size tiers used by the defaults: *tiny* < 200 rows, *small* < 20,000, *large* otherwise. On tiny data
the libraries' own defaults do not learn (LightGBM and HistGradientBoosting need 20 rows per leaf, so
40 rows give a constant prediction); families shrink leaves, trees and networks with the data instead.
Defaults are chosen from the data's shape, never inside ``fit``.

Parameters for ``build`` are the estimator's own (``num_leaves``, ``C``, ``hidden_layer_sizes``);
a typo is a `UserError` naming the closest valid name. ``space`` returns such parameters too (the
trial's raw suggestions may be named differently, e.g. the MLP's ``n_layers`` and ``width``): to rebuild
the best trial, call ``space(optuna.trial.FixedTrial(study.best_params), ...)``.
"""

from __future__ import annotations

import difflib
import importlib.util
from dataclasses import dataclass
from importlib import metadata
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from axpoc.config import Task
from axpoc.errors import UserError
from axpoc.i18n import SkipReason

if TYPE_CHECKING:
    import numpy as np
    import optuna

CLASSIFICATION = frozenset({"binary", "multiclass"})
SUPERVISED = frozenset({"binary", "multiclass", "regression"})
ANOMALY = frozenset({"anomaly"})
TASKS = SUPERVISED | ANOMALY
TINY_ROWS = 200
LARGE_ROWS = 20_000

Tier = Literal["tiny", "small", "large"]


def size_tier(n_rows: int) -> Tier:
    """The size class that picks defaults: tiny < 200 rows <= small < 20,000 rows <= large."""
    return "tiny" if n_rows < TINY_ROWS else "small" if n_rows < LARGE_ROWS else "large"


def pinned(distribution: str) -> str:
    """``"name==version"`` of the installed distribution (local tags like ``+cpu`` dropped)."""
    try:
        return f"{distribution}=={metadata.version(distribution).split('+')[0]}"
    except metadata.PackageNotFoundError:
        return distribution


@dataclass(frozen=True)
class Family:
    """One candidate family. Subclasses supply ``defaults``, ``space`` and ``make_estimator``.

    Fields: ``name`` (config name: lower-case letters, digits and ``_``), ``label`` (display),
    ``tasks`` it handles, ``why_ko``/``why_en`` (one line for the report: why this family is worth
    trying, Korean and English), ``needs_scaling`` (the pipeline standardises its inputs),
    ``uses_curves`` (consumes raw sensor curves; the others get curve features),
    ``max_rows``/``min_rows`` (outside them it is skipped, ``max_rows_reason`` says why),
    ``pip_requirements`` (pinned extra packages a saved model of this family needs), ``screen_rank``
    (may probe the group-level screen with its defaults, lowest rank first: the fastest; None: never).
    """

    name: str
    label: str
    tasks: frozenset[str]
    why_ko: str = ""
    why_en: str = ""
    needs_scaling: bool = False
    uses_curves: bool = False
    max_rows: int | None = None
    max_rows_reason: str = ""  # a SkipReason says it in the report's language too
    min_rows: int = 10
    pip_requirements: tuple[str, ...] = ()
    screen_rank: int | None = None

    open_params: ClassVar[bool] = False
    """True when the library itself accepts parameters beyond the estimator's declared ones."""
    tunable: ClassVar[bool] = True
    """False when there is nothing for Optuna to search (only trial 0 runs)."""
    combines_members: ClassVar[bool] = False
    """True for a blend of other families: `build_pipeline` builds it from ``params["members"]``."""

    def why(self, language: str = "ko") -> str:
        """Why the family is a candidate, in the report's language ("ko" or "en")."""
        return self.why_ko if language == "ko" else self.why_en

    def applicable(self, *, task: Task, n_rows: int, n_features: int, has_curves: bool) -> str | None:
        """None when the family can be compared on this data, else the reason (a `SkipReason`) it is skipped."""
        from axpoc.models.families._registry import FAMILIES

        label = self.label
        if task not in self.tasks:
            others = ", ".join(f.name for f in FAMILIES.values() if task in f.tasks)
            return SkipReason("wrong_task", {"label": label, "task": task, "others": others})
        if self.uses_curves and not has_curves:
            return SkipReason("needs_curves", {"name": self.name})
        if n_features < 1:
            return SkipReason("no_features", {"label": label})
        for requirement in self.pip_requirements:
            module = requirement.split("==")[0]
            if importlib.util.find_spec(module) is None:
                return SkipReason(
                    "not_installed", {"label": label, "module": module, "requirement": requirement}
                )
        if self.max_rows is not None and n_rows > self.max_rows:
            why = self.max_rows_reason
            return SkipReason(
                "too_many_rows", {"label": label, "n_rows": n_rows, "max_rows": self.max_rows, "why": why}
            )
        if n_rows < self.min_rows:
            return SkipReason("too_few_rows", {"label": label, "n_rows": n_rows, "min_rows": self.min_rows})
        return None

    def defaults(
        self, *, task: Task, n_rows: int, n_features: int, n_classes: int, curve_length: int | None = None
    ) -> dict[str, Any]:
        """Estimator parameters suited to the data size (``n_classes`` 0 for regression/anomaly)."""
        raise NotImplementedError(f"family '{self.name}' defines no defaults()")

    def space(self, trial: optuna.Trial, *, task: Task, n_rows: int) -> dict[str, Any]:
        """Estimator parameters suggested by ``trial``; ranges shrink with ``n_rows`` where it matters."""
        raise NotImplementedError(f"family '{self.name}' defines no space()")

    def make_estimator(self, *, task: Task, random_state: int, n_jobs: int, class_weight: str | None) -> Any:
        """The unfitted estimator with its fixed settings; `build` sets the parameters on it."""
        raise NotImplementedError(f"family '{self.name}' defines no make_estimator()")

    def route_param(self, key: str, task: Task) -> str:
        """The built estimator's name for a user-facing parameter (the same unless it is wrapped)."""
        return key

    def contributions(self, model: Any, X: Any) -> np.ndarray | None:
        """Exact per-column contributions of the fitted ``model`` on its (preprocessed) input ``X``.

        Rows x (columns + 1, the last the base value), in the model's raw units; multiclass models may
        return one such block per class side by side. None (the default) when the family has no exact
        method: explanations then use occlusion. `axpoc.explain` sums the columns back to the user's
        through the Preprocessor's ``feature_sources_``.
        """
        return None

    def build(
        self,
        params: dict[str, Any],
        *,
        task: Task,
        random_state: int,
        n_jobs: int = 1,
        class_weight: str | None = None,
    ) -> Any:
        """An unfitted estimator for ``task`` with ``params`` set.

        ``class_weight`` ("balanced" or None) applies to classification where the family supports it
        (all but k-NN) and is ignored otherwise; ``n_jobs`` is the thread count (torch: ``n_threads``).
        """
        if task not in self.tasks:
            raise UserError(
                f"{self.label} cannot be built for a {task} task; it handles {sorted(self.tasks)}."
            )
        weight = class_weight if task in CLASSIFICATION else None
        estimator = self.make_estimator(
            task=task, random_state=random_state, n_jobs=n_jobs, class_weight=weight
        )
        routed = {self.route_param(key, task): value for key, value in params.items()}
        valid = estimator.get_params(deep=True)
        unknown = [key for key in params if self.route_param(key, task) not in valid]
        if unknown and not self.open_params:
            names = sorted({name.split("__")[-1] for name in valid})
            close = difflib.get_close_matches(unknown[0], names, n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise UserError(
                f"candidates ({self.name}).params: unknown parameter '{unknown[0]}'.{hint} "
                f"Valid parameters: {', '.join(names)}."
            )
        return estimator.set_params(**routed)
