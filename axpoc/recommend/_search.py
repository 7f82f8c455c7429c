"""The search: for one context, the settings within their safe ranges and steps that the champion
predicts best, kept where the training data is (:mod:`axpoc.recommend._support`).

What "best" means follows the target: a binary or multiclass champion's predicted defect probability is
minimised; a regression target with a two-sided spec is put at the spec centre, with one limit it is
moved away from that limit (at a fixed spread the same as maximising the predicted Cpk).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from axpoc._columns import is_curve_cell
from axpoc.errors import UserError
from axpoc.i18n import RecommendText
from axpoc.recommend._controls import Control
from axpoc.recommend._support import Support

DEFAULT_TRIALS = 150
BATCH = 10
"""Trials asked of Optuna at a time and scored in one call of the model."""
INTERVAL = (10.0, 90.0)
"""Percentiles of the bootstrap refits' predictions: an 80 % interval."""


@dataclass
class Candidate:
    """One setting for the context, as the champion predicts it."""

    settings: dict[str, float]
    predicted: float
    """P(defect) for classification, the predicted value for regression."""
    defect_rate: float | None
    """Predicted share of defective parts: P(defect), or P(outside spec) for regression."""
    interval: tuple[float, float] | None
    """Bootstrap interval of ``defect_rate`` (None when the refits are undefined)."""
    support: int
    supported: bool
    objective: float


@dataclass
class Recommendation:
    """Today's setting, the ranked recommendations and how the search went."""

    context: dict[str, Any]
    today: Candidate
    ranked: list[Candidate]
    searched: dict[str, tuple[float, float]]
    trials: int
    rejected: int
    """Trials left out because no training part ran near them."""
    allow_extrapolation: bool
    support_needed: int
    """Training parts a setting needed nearby (`Support.needed` of today's support)."""
    notes: list[str] = field(default_factory=list)

    @property
    def best(self) -> Candidate | None:
        return self.ranked[0] if self.ranked else None


class Recommender:
    """A champion, its training part and the controllable settings, ready to answer many contexts."""

    def __init__(
        self,
        model: Any,
        train: pd.DataFrame,
        y_train: np.ndarray,
        controls: list[Control],
        *,
        runs: np.ndarray | None = None,
        refits: int = 10,
        seed: int = 0,
    ) -> None:
        """``runs``: each training row's production run (lot, tool), for the support radius (`Support.fit`)."""
        if model.task == "anomaly":
            raise UserError(
                "recommend: an anomaly model scores how unusual a part is, not how likely a defect: there is "
                "nothing to minimise. Train a binary or regression target (target.task) to get settings."
            )
        if model.task == "regression" and not any(
            (model.spec or {}).get(k) is not None for k in ("lsl", "usl")
        ):
            raise UserError(
                "target.spec: a regression target needs its spec limits (lsl and/or usl) for recommend to know "
                "which value is good; add target.spec: {lsl: ..., usl: ...} and train again."
            )
        for control in controls:
            if not pd.api.types.is_numeric_dtype(train[control.column]):
                raise UserError(
                    f"columns.controllable.{control.column}: the column holds text, not numbers; only numeric "
                    "settings can be searched. Remove it from columns.controllable."
                )
        self.model = model
        self.train = train
        self.controls = controls
        self.seed = seed
        self.support = Support.fit(train, list(model.features), product=model.product_column, runs=runs)
        score = self._predict(model, train)
        self.spread = (
            float(np.std(np.asarray(y_train, dtype=float) - score)) if model.task == "regression" else 0.0
        )
        self.refitted, self.refit_note = _refits(model, train, y_train, refits, seed)

    # --- what the champion says about rows -------------------------------------------------------------

    @staticmethod
    def _predict(model: Any, rows: pd.DataFrame) -> np.ndarray:
        return model.predict_frame(rows)["score"].to_numpy(dtype=float)

    def defect_rate(self, predicted: np.ndarray) -> np.ndarray | None:
        """Predicted share of defective parts: the probability itself, or for regression the normal tail
        outside the spec with the champion's residual spread on the training part."""
        if self.model.task != "regression":
            return predicted
        if self.spread <= 0:
            return None
        from scipy.stats import norm

        lsl, usl = (self.model.spec or {}).get("lsl"), (self.model.spec or {}).get("usl")
        rate = np.zeros(len(predicted))
        if lsl is not None:
            rate += norm.cdf((lsl - predicted) / self.spread)
        if usl is not None:
            rate += norm.sf((usl - predicted) / self.spread)
        return rate

    def objective(self, predicted: np.ndarray) -> np.ndarray:
        if self.model.task != "regression":
            return predicted
        lsl, usl = (self.model.spec or {}).get("lsl"), (self.model.spec or {}).get("usl")
        if lsl is not None and usl is not None:
            return np.abs(predicted - (lsl + usl) / 2)
        return predicted if usl is not None else -predicted

    def candidates(self, rows: pd.DataFrame, need: int) -> list[Candidate]:
        """The champion's view of each row: prediction, defect rate with its interval, support (``need``
        training parts nearby make a row supported)."""
        predicted = self._predict(self.model, rows)
        rates = self.defect_rate(predicted)
        counts = self.support.count(rows)
        bands = self._intervals(rows)
        return [
            Candidate(
                settings={c.column: float(rows[c.column].iloc[i]) for c in self.controls},
                predicted=float(predicted[i]),
                defect_rate=None if rates is None else float(rates[i]),
                interval=None if bands is None else (float(bands[0][i]), float(bands[1][i])),
                support=int(counts[i]),
                supported=bool(counts[i] >= need),
                objective=float(self.objective(predicted[i : i + 1])[0]),
            )
            for i in range(len(rows))
        ]

    def _intervals(self, rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray] | None:
        if not self.refitted:
            return None
        runs = [self.defect_rate(self._predict(m, rows)) for m in self.refitted]
        if any(r is None for r in runs):
            return None
        stacked = np.vstack(runs)
        return np.percentile(stacked, INTERVAL[0], axis=0), np.percentile(stacked, INTERVAL[1], axis=0)

    # --- the search ---------------------------------------------------------------------------------

    def with_settings(self, context: pd.DataFrame, settings: list[dict[str, float]]) -> pd.DataFrame:
        """The context row repeated once per setting, the controllable columns replaced."""
        rows = pd.concat([context] * len(settings), ignore_index=True)
        for column in (c.column for c in self.controls):
            rows[column] = np.array([s[column] for s in settings], dtype=float)
        return rows

    def search_box(
        self, context: pd.DataFrame, *, allow_extrapolation: bool
    ) -> dict[str, tuple[float, float]]:
        """Per setting, where to search: the safe range, and without ``allow_extrapolation`` only as far
        as training parts of the context's category ran (beyond it no setting can have support)."""
        box = {}
        for control in self.controls:
            seen = None if allow_extrapolation else self.support.observed_range(context, control.column)
            box[control.column] = control.grid(*(seen or (control.low, control.high)))
        return box

    def recommend(
        self,
        context: pd.DataFrame,
        *,
        n: int = 5,
        trials: int = DEFAULT_TRIALS,
        allow_extrapolation: bool = False,
    ) -> Recommendation:
        """The ``n`` best distinct settings for the one-row ``context``, best first (see the module doc)."""
        import optuna

        context = context.reset_index(drop=True).iloc[:1]
        notes: list[str] = []
        need = self.support.needed(self.support.count(context)[0])
        today = self.candidates(context, need)[0]
        outside = [c.column for c in self.controls if not c.low <= float(context[c.column].iloc[0]) <= c.high]
        if outside:
            notes.append(RecommendText("note_outside", {"columns": ", ".join(outside)}))
        box = self.search_box(context, allow_extrapolation=allow_extrapolation)
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)  # optuna 4
            warnings.simplefilter("ignore", FutureWarning)  # optuna 5 prefers set_constraint (not in 4)
            sampler = optuna.samplers.TPESampler(
                seed=self.seed,
                n_startup_trials=min(20, trials),
                constraints_func=None if allow_extrapolation else lambda t: (t.user_attrs["short"],),
            )
        study = optuna.create_study(direction="minimize", sampler=sampler)
        start = {c.column: c.snap(float(context[c.column].iloc[0])) for c in self.controls}
        study.enqueue_trial({k: float(np.clip(v, *box[k])) for k, v in start.items()})  # today's, in the box
        seen: dict[tuple[float, ...], Candidate] = {}
        rejected = 0
        done = 0
        while done < trials:
            asked = [study.ask() for _ in range(min(BATCH, trials - done))]
            settings = [self._suggest(trial, box) for trial in asked]
            rows = self.with_settings(context, settings)
            predicted = self._predict(self.model, rows)
            objective = self.objective(predicted)
            counts = self.support.count(rows)
            for i, trial in enumerate(asked):
                trial.set_user_attr("short", float(need - counts[i]))
                study.tell(trial, float(objective[i]))
                key = tuple(settings[i][c.column] for c in self.controls)
                inside = bool(counts[i] >= need)
                rejected += not inside and not allow_extrapolation
                if (inside or allow_extrapolation) and key not in seen:
                    seen[key] = Candidate(
                        settings[i],
                        float(predicted[i]),
                        None,
                        None,
                        int(counts[i]),
                        inside,
                        float(objective[i]),
                    )
            done += len(asked)
        for start in sorted(seen.values(), key=lambda c: c.objective)[:n]:
            for found in self._polish(
                context, start, box, need=need, allow_extrapolation=allow_extrapolation
            ):
                seen.setdefault(tuple(found.settings[c.column] for c in self.controls), found)
        ranked = sorted(seen.values(), key=lambda c: c.objective)[:n]
        if ranked:
            described = self.candidates(self.with_settings(context, [c.settings for c in ranked]), need)
            ranked = [c for c in described if c.objective < today.objective or c.settings == today.settings]
        if not ranked:
            notes.append(RecommendText("note_keep"))
        return Recommendation(
            context={k: _plain(v) for k, v in context.iloc[0].items()},
            today=today,
            ranked=ranked,
            searched=box,
            trials=trials,
            rejected=rejected,
            allow_extrapolation=allow_extrapolation,
            support_needed=need,
            notes=[*notes, *([self.refit_note] if self.refit_note else [])],
        )

    def _polish(
        self,
        context: pd.DataFrame,
        start: Candidate,
        box: dict[str, tuple[float, float]],
        *,
        need: int,
        allow_extrapolation: bool,
    ) -> list[Candidate]:
        """Line searches from a found setting, one setting at a time over its step grid (two rounds):
        TPE lands near the optimum, this puts the setting on the best supported grid point nearby."""
        best, found = start, []
        for _ in range(2):
            for control in self.controls:
                values = control.values(*box[control.column])
                settings = [{**best.settings, control.column: float(v)} for v in values]
                rows = self.with_settings(context, settings)
                predicted = self._predict(self.model, rows)
                objective = self.objective(predicted)
                counts = self.support.count(rows)
                allowed = np.ones(len(rows), bool) if allow_extrapolation else counts >= need
                if not allowed.any():
                    continue
                i = int(np.argmin(np.where(allowed, objective, np.inf)))
                if objective[i] < best.objective:
                    best = Candidate(
                        settings[i],
                        float(predicted[i]),
                        None,
                        None,
                        int(counts[i]),
                        bool(counts[i] >= need),
                        float(objective[i]),
                    )
                    found.append(best)
        return found

    def _suggest(self, trial: Any, box: dict[str, tuple[float, float]]) -> dict[str, float]:
        out = {}
        for control in self.controls:
            low, high = box[control.column]
            if high <= low:
                out[control.column] = trial.suggest_float(control.column, low, low)
            else:
                value = trial.suggest_float(control.column, low, high, step=control.step)
                out[control.column] = round(value, 10)  # 11.100000000000001 -> 11.1 on a step grid
        return out

    def profile(
        self, context: pd.DataFrame, settings: dict[str, float], column: str, *, points: int = 81
    ) -> pd.DataFrame:
        """The predicted defect rate along one setting (the others at ``settings``), with its support."""
        control = next(c for c in self.controls if c.column == column)
        low, high = self.search_box(context, allow_extrapolation=False)[column]
        margin = max(high - low, (control.high - control.low) / 20)
        grid = np.linspace(max(control.low, low - margin), min(control.high, high + margin), points)
        grid = np.union1d(grid, [settings[column], float(context[column].iloc[0])])  # both points exactly
        rows = self.with_settings(context.iloc[:1], [{**settings, column: float(v)} for v in grid])
        predicted = self._predict(self.model, rows)
        rate = self.defect_rate(predicted)
        counts = self.support.count(rows)
        return pd.DataFrame(
            {
                "value": grid,
                "predicted": predicted,
                "defect_rate": predicted if rate is None else rate,
                "supported": self.support.supported(
                    counts, self.support.needed(self.support.count(context)[0])
                ),
            }
        )


def _refits(
    model: Any, train: pd.DataFrame, y: np.ndarray, refits: int, seed: int
) -> tuple[list[Any], str | None]:
    """The champion refitted on ``refits`` bootstrap resamples of the training part (its tuned
    hyperparameters, its calibrator kept), so the spread of their predictions says how sure it is."""
    if refits < 2:
        return [], RecommendText("note_no_refits")
    if model.routes:
        return [], RecommendText("note_routes")
    from sklearn.base import clone

    from axpoc.artifact import OofCalibratedClassifier

    inner, calibrator = _unwrap(model.estimator)
    rng = np.random.default_rng(seed)
    X = train[list(model.features)]
    y = np.asarray(y)
    fitted = []
    for _ in range(refits):
        take = rng.integers(0, len(X), len(X))
        if model.task != "regression" and len(np.unique(y[take])) < len(np.unique(y)):
            continue  # a resample without a defect cannot be fitted as a classifier
        estimator = clone(inner).fit(X.iloc[take], y[take])
        if model.task == "binary" and calibrator is not None:
            estimator = OofCalibratedClassifier.from_fitted(estimator, calibrator)
        fitted.append(replace(model, estimator=estimator, routes={}))
    if len(fitted) < 2:
        return [], "too few bootstrap resamples held a defect to refit: no intervals"
    return fitted, None


def _unwrap(estimator: Any) -> tuple[Any, Any]:
    """The fitted model under the decision rule's wrappers (fixed threshold, frozen, OOF calibration)."""
    calibrator = None
    while type(estimator).__name__ in (
        "FixedThresholdClassifier",
        "FrozenEstimator",
        "OofCalibratedClassifier",
    ):
        calibrator = getattr(estimator, "calibrator", calibrator)
        estimator = estimator.estimator
    return estimator, calibrator


def _plain(value: Any) -> Any:
    """A context cell as JSON can carry it (curves summarised by their length)."""
    if is_curve_cell(value):
        return f"<curve of {len(value)} samples>"
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value
