"""`drift_report`: every feature, the label and the model scores of new data against the reference.

Column kinds, when ``categorical`` is None: a column whose cells are 1-D numpy arrays is a sensor
curve; object, string, category and bool dtypes are categorical, and so are integer columns with at
most ``MAX_INT_LEVELS`` distinct values in the reference (codes such as a cavity number or a 0/1
label); every other numeric column is numeric. A given ``categorical`` list replaces the integer rule;
non-numeric columns stay categorical whatever it says.

Large data is sampled (seeded, without replacement) to ``max_rows`` rows per side before the
statistics; values never seen in the reference are still counted on all rows, since one new product
matters even when it is rare.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from axpoc._columns import is_curve_cell, is_curve_column
from axpoc.drift._stats import (
    FeatureDrift,
    Kind,
    Severity,
    categorical_drift,
    new_value_counts,
    numeric_drift,
    severity_rank,
)
from axpoc.errors import UserError
from axpoc.i18n import ConsoleText, DriftNote, drift_texts, say, texts

if TYPE_CHECKING:
    from rich.table import Table

MAX_INT_LEVELS = 10
CURVE_SUMMARIES = ("mean", "max", "length")
Language = Literal["ko", "en"]

_LISTED = 5
"""Names (and new values per column) a summary lists before "and N more"."""


@dataclass(frozen=True)
class DriftReport:
    """Drift of new data against the reference; ``n_reference``/``n_current`` count all given rows.

    ``unseen`` maps a categorical column (or the label) to its values never seen in the reference,
    as ``(value, count)`` pairs, most frequent first, counted on all rows even when ``sampled``.
    """

    features: list[FeatureDrift]
    label_drift: FeatureDrift | None
    prediction_drift: FeatureDrift | None
    unseen: dict[str, list[tuple[Any, int]]]
    sampled: bool
    n_reference: int
    n_current: int
    max_rows: int = 50_000
    alpha: float = 0.01

    def drifted(self, severity: Severity = "major") -> list[str]:
        """Names of the features at ``severity`` or worse (label and scores excluded)."""
        floor = severity_rank(severity)
        return [f.name for f in self.features if severity_rank(f.severity) >= floor]

    def _rows(self) -> list[tuple[str, FeatureDrift]]:
        rows = [("feature", f) for f in self.features]
        rows += [
            (role, f) for role, f in (("label", self.label_drift), ("prediction", self.prediction_drift)) if f
        ]
        return rows

    def to_frame(self) -> pd.DataFrame:
        """One row per feature (curve summaries each), then the label and the scores."""
        records = [
            {
                "name": f.name,
                "role": role,
                "kind": f.kind,
                "severity": f.severity,
                "psi": f.psi,
                "test": f.test,
                "statistic": f.statistic,
                "p_value": f.p_value,
                "wasserstein_norm": f.details.get("wasserstein_norm", math.nan),
                "mean_reference": f.details.get("mean_reference", math.nan),
                "mean_current": f.details.get("mean_current", math.nan),
                "missing_reference": f.details.get("missing_reference", math.nan),
                "missing_current": f.details.get("missing_current", math.nan),
                "new_values": list(f.new_values),
                "reason": f.reason,
            }
            for role, f in self._rows()
        ]
        frame = pd.DataFrame.from_records(records, columns=list(records[0]) if records else None)
        if records:  # the reasons stay phrases (a report says them in its language; a CSV writes English)
            frame["reason"] = pd.Series([r["reason"] for r in records], dtype=object, index=frame.index)
        return frame

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: NaN and infinity become None, category keys become strings."""

        def feature(f: FeatureDrift | None) -> dict[str, Any] | None:
            return None if f is None else asdict(f)

        return _jsonable(
            {
                "n_reference": self.n_reference,
                "n_current": self.n_current,
                "sampled": self.sampled,
                "max_rows": self.max_rows,
                "alpha": self.alpha,
                "drifted": self.drifted("moderate"),
                "features": [feature(f) for f in self.features],
                "label_drift": feature(self.label_drift),
                "prediction_drift": feature(self.prediction_drift),
                "unseen": self.unseen,
            }
        )

    def summary(self, language: Language = "ko") -> str:
        """One short paragraph for the retrain report: what drifted, label, scores, new values."""
        text = drift_texts(language)
        sampled = text["sampled"].format(max_rows=f"{self.max_rows:,}") if self.sampled else ""
        parts = [
            text["intro"].format(
                n_cur=f"{self.n_current:,}",
                n_ref=f"{self.n_reference:,}",
                k=len(self.features),
                sampled=sampled,
            )
        ]
        for level in ("major", "moderate"):
            hits = sorted((f for f in self.features if f.severity == level), key=lambda f: -_nan_low(f.psi))
            if hits:
                names = [f.name if math.isnan(f.psi) else f"{f.name} (PSI {f.psi:.2f})" for f in hits]
                parts.append(text[level].format(n=len(hits), names=_listing(names, text)))
        if len(parts) == 1:
            parts.append(text["stable"])
        for key, f in (("label", self.label_drift), ("prediction", self.prediction_drift)):
            if f is not None:
                word = text["none"] if f.severity == "none" else text[f"{f.severity}_word"]
                change = _change(f, text["mean"])
                parts.append(text[key].format(severity=word, change=f" ({change})" if change else ""))
        if self.unseen:
            items = [
                f"{column} = "
                + _listing(
                    [f"{value} ({text['rows'].format(count=f'{count:,}')})" for value, count in pairs], text
                )
                for column, pairs in self.unseen.items()
            ]
            parts.append(text["unseen"].format(items="; ".join(items)))
        return " ".join(parts)

    def to_table(self, language: str = "en") -> Table:
        """The drift as a rich table: worst first, then the label and the scores; titles and headers in
        ``language`` (the command passes the config's, Korean by default)."""
        from rich.markup import escape
        from rich.table import Table

        def word(code: str, **values: object) -> str:
            return ConsoleText(code, values).text(language)

        counts = {level: sum(f.severity == level for f in self.features) for level in ("major", "moderate")}
        sampled = word("drift_sampled") if self.sampled else ""
        table = Table(
            title=escape(
                word("drift_table", **counts, reference=self.n_reference, new=self.n_current, sampled=sampled)
            )
        )
        headers = (
            "dcol_feature",
            "dcol_kind",
            "dcol_severity",
            "PSI",
            "dcol_test",
            "p",
            "W/σ",
            "dcol_change",
        )
        for header in (*headers, "dcol_reason"):
            table.add_column(word(header) if header.startswith("dcol_") else header, overflow="fold")
        features = sorted(self.features, key=lambda f: (-severity_rank(f.severity), -_nan_low(f.psi)))
        rows = [("feature", f) for f in features] + [r for r in self._rows() if r[0] != "feature"]
        for role, f in rows:
            style = {"major": "red", "moderate": "yellow"}.get(f.severity)
            name = escape(f.name if role == "feature" else f"[{role}] {f.name}")
            numbers = [_fmt(f.psi), f.test, _fmt(f.p_value), _fmt(f.details.get("wasserstein_norm"))]
            change = escape(_change(f, drift_texts(language)["mean"]))
            kind = DriftNote("kind", {"kind": f.kind}).text(language)
            severity = texts(language).get(f"sev_{f.severity}", f.severity)
            reason = escape(say(f.reason, language))
            table.add_row(name, kind, severity, *numbers, change, reason, style=style)
        return table


def drift_report(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    *,
    features: Sequence[str],
    target: str | None = None,
    reference_scores: Any = None,
    current_scores: Any = None,
    categorical: Sequence[str] | None = None,
    max_rows: int = 50_000,
    random_state: int = 0,
    alpha: float = 0.01,
) -> DriftReport:
    """Drift of ``current`` against ``reference`` per feature, of the label and of the model scores.

    The label is compared on labelled rows only; when ``current`` has no label column or no labelled
    row, ``label_drift`` is None. Scores (1-D; for two columns of probabilities the second is taken)
    are compared when both are given. A feature absent from one side is "major".
    """
    _check_arguments(reference, current, features, target, categorical, max_rows, alpha)
    if (reference_scores is None) != (current_scores is None):
        raise ValueError("give both reference_scores and current_scores, or neither")
    rng = np.random.default_rng(random_state)
    ref_rows = _sample_index(len(reference), max_rows, rng)
    cur_rows = _sample_index(len(current), max_rows, rng)
    sampled = ref_rows is not None or cur_rows is not None
    wanted = [*features, *([target] if target else [])]
    ref, cur = _subsample(reference, wanted, ref_rows), _subsample(current, wanted, cur_rows)
    given = None if categorical is None else set(categorical)

    results: list[FeatureDrift] = []
    unseen: dict[str, list[tuple[Any, int]]] = {}
    for column in features:
        kind = _kind(reference[column] if column in reference else current[column], given)
        if column not in reference or column not in current:
            side = "reference" if column not in reference else "current"
            results.append(_absent(column, kind, side))
        elif kind == "curve":
            results.extend(_curve_drift(column, ref[column], cur[column], alpha=alpha))
        elif kind == "categorical":
            drift = categorical_drift(ref[column], cur[column], name=column, alpha=alpha)
            results.append(_with_unseen(drift, reference[column], current[column], sampled, unseen))
        else:
            results.append(numeric_drift(ref[column], cur[column], name=column, alpha=alpha))

    label = None
    if target is not None and target in current and current[target].notna().any():
        label = _series_drift(
            target, ref[target].dropna(), cur[target].dropna(), _kind(reference[target], given), alpha
        )
        if label.kind == "categorical":
            label = _with_unseen(label, reference[target], current[target], sampled, unseen)
    prediction = None
    if reference_scores is not None:
        ref_scores = _scores(reference_scores, "reference", max_rows, rng)
        cur_scores = _scores(current_scores, "current", max_rows, rng)
        prediction = _series_drift("prediction", ref_scores, cur_scores, _kind(ref_scores, None), alpha)
    return DriftReport(
        features=results,
        label_drift=label,
        prediction_drift=prediction,
        unseen=unseen,
        sampled=sampled,
        n_reference=len(reference),
        n_current=len(current),
        max_rows=max_rows,
        alpha=alpha,
    )


def _check_arguments(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    features: Sequence[str],
    target: str | None,
    categorical: Sequence[str] | None,
    max_rows: int,
    alpha: float,
) -> None:
    if isinstance(features, str) or not features:
        raise UserError("drift needs a list of feature columns; got none. Name the model's input columns.")
    for column in features:
        if column not in reference and column not in current:
            raise UserError(
                f"feature column '{column}' is in neither the reference nor the new data; "
                f"check the name in the config's feature list (columns of the reference: {list(reference.columns)[:20]})."
            )
    if target is not None and target not in reference:
        raise UserError(
            f"target column '{target}' is not in the reference data; "
            "name the label column of the training data in the config's target."
        )
    unknown = sorted(set(categorical or ()) - {*features, *([target] if target else [])})
    if unknown:
        raise UserError(
            f"categorical columns {unknown} are not among the features or the target; "
            "fix the names or remove them from the categorical list."
        )
    if isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 2:
        raise ValueError(f"max_rows must be an integer >= 2, got {max_rows!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie strictly between 0 and 1, got {alpha!r}")


def _sample_index(n: int, max_rows: int, rng: np.random.Generator) -> np.ndarray | None:
    """Sorted row positions of a seeded sample without replacement; None when no sample is needed."""
    if n <= max_rows:
        return None
    return np.sort(rng.choice(n, size=max_rows, replace=False))


def _subsample(frame: pd.DataFrame, columns: list[str], rows: np.ndarray | None) -> pd.DataFrame:
    """The sampled rows of the columns drift looks at (not of every column of a wide export)."""
    if rows is None:
        return frame
    return frame[[c for c in dict.fromkeys(columns) if c in frame]].iloc[rows]


def _kind(values: pd.Series, categorical: set[str] | None) -> Kind:
    if is_curve_column(values):
        return "curve"
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return "categorical"
    if categorical is not None:
        return "categorical" if values.name in categorical else "numeric"
    if pd.api.types.is_integer_dtype(values) and values.nunique() <= MAX_INT_LEVELS:
        return "categorical"
    return "numeric"


def _absent(column: str, kind: Kind, side: str) -> FeatureDrift:
    nan = math.nan
    return FeatureDrift(
        column, kind, nan, "none", nan, nan, "major", f"column is absent from the {side} data"
    )


def _series_drift(
    name: str, reference: pd.Series, current: pd.Series, kind: Kind, alpha: float
) -> FeatureDrift:
    """Label or score drift; class shares there also grade by their ratio (a doubled defect rate)."""
    if kind == "categorical":
        return categorical_drift(reference, current, name=name, alpha=alpha, share_ratio=True)
    return numeric_drift(reference, current, name=name, alpha=alpha)


def _with_unseen(
    drift: FeatureDrift,
    reference: pd.Series,
    current: pd.Series,
    sampled: bool,
    unseen: dict[str, list[tuple[Any, int]]],
) -> FeatureDrift:
    """Record the column's never-seen values, counted on all rows when the statistics used a sample."""
    pairs = new_value_counts(reference, current) if sampled else drift.details["new_value_counts"]
    if pairs:
        unseen[drift.name] = pairs
    details = {**drift.details, "new_value_counts": pairs}
    return replace(drift, new_values=[value for value, _ in pairs], details=details)


def _curve_drift(
    column: str, reference: pd.Series, current: pd.Series, *, alpha: float
) -> list[FeatureDrift]:
    ref, cur = curve_summaries(reference), curve_summaries(current)
    return [
        replace(numeric_drift(ref[stat], cur[stat], name=f"{column}:{stat}", alpha=alpha), kind="curve")
        for stat in CURVE_SUMMARIES
    ]


def curve_summaries(cells: pd.Series) -> dict[str, np.ndarray]:
    """Per cycle: mean and max of a curve's finite samples and its length; NaN for a missing curve."""
    curves = [np.asarray(c, dtype=float).ravel() if is_curve_cell(c) else None for c in cells]
    present = np.array([c is not None for c in curves], dtype=bool)
    sizes = np.array([c.size for c in curves if c is not None], dtype=int)
    flat = np.concatenate([c for c in curves if c is not None]) if sizes.size else np.empty(0)
    finite = np.isfinite(flat)
    sums, counts = np.zeros(sizes.size), np.zeros(sizes.size)
    peaks = np.full(sizes.size, -np.inf)
    nonempty = sizes > 0
    if flat.size:
        starts = (np.cumsum(sizes) - sizes)[nonempty]
        sums[nonempty] = np.add.reduceat(np.where(finite, flat, 0.0), starts)
        counts[nonempty] = np.add.reduceat(finite.astype(float), starts)
        peaks[nonempty] = np.maximum.reduceat(np.where(finite, flat, -np.inf), starts)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts
    out = {name: np.full(len(curves), np.nan) for name in CURVE_SUMMARIES}
    out["mean"][present] = means
    out["max"][present] = np.where(np.isfinite(peaks), peaks, np.nan)
    out["length"][present] = sizes
    return out


def _scores(scores: Any, side: str, max_rows: int, rng: np.random.Generator) -> pd.Series:
    """Model scores as a Series, sampled like the frames; of two probability columns the second."""
    array = scores.to_numpy() if isinstance(scores, pd.Series | pd.DataFrame) else np.asarray(scores)
    if array.ndim == 2 and array.shape[1] == 2:
        array = array[:, 1]
    if array.ndim != 1:
        raise ValueError(
            f"{side}_scores must be 1-D (or two columns of class probabilities), got shape {array.shape}"
        )
    rows = _sample_index(array.size, max_rows, rng)
    return pd.Series(array if rows is None else array[rows], name="prediction").dropna()


def _change(drift: FeatureDrift, mean_word: str) -> str:
    """The headline before → after: the mean, or the share of the category that moved most."""
    details = drift.details
    if "mean_reference" in details:
        return f"{mean_word} {details['mean_reference']:.4g} → {details['mean_current']:.4g}"
    before, after = details.get("shares_reference", {}), details.get("shares_current", {})
    if not before:
        return ""
    label = max(before, key=lambda key: abs(after[key] - before[key]))
    return f"{label}: {before[label]:.1%} → {after[label]:.1%}"


def _listing(items: list[str], text: dict[str, str]) -> str:
    shown = ", ".join(items[:_LISTED])
    return shown if len(items) <= _LISTED else f"{shown} {text['more'].format(n=len(items) - _LISTED)}"


def _nan_low(value: float) -> float:
    return -math.inf if math.isnan(value) else value


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.3g}"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, str | int | bool):
        return value
    return str(value)
