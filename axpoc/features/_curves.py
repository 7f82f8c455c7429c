"""`CurveFeatures`: per-cycle features of sensor curves, computed inside the model pipeline.

A curve frame has one row per cycle (shot, stroke, pass) and one column per curve channel whose cells
hold 1-D float arrays; lengths may differ between cycles. Because the transformer takes raw curves,
the registered model scores raw curves too: no separate feature step can drift from training.
"""

from __future__ import annotations

from numbers import Integral, Real
from operator import attrgetter
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import issparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import Tags
from sklearn.utils.validation import check_is_fitted, validate_data

from axpoc._columns import curve_columns
from axpoc.errors import UserError
from axpoc.features._curve_kernels import (
    BLOCK_FEATURES,
    REFERENCE,
    SHAPE,
    STATS,
    median_curve,
    resampled_features,
    scan,
    spectrum_names,
)

_EMPTY = np.empty(0)
_DEFAULT_THRESHOLD = 0.5


def curve_array_frame(values: np.ndarray, *, owner: str, error: type[Exception] = ValueError) -> pd.DataFrame:
    """Equally sampled curves given as an array, as a curve frame: 2-D (cycles, samples) is one channel,
    3-D (cycles, channels, samples) several, named ``c0``, ``c1``, ...; more dimensions are an ``error``
    naming ``owner``. The curve transformer and the 1D-CNN read arrays the same way through this."""
    if values.ndim > 3:
        raise error(
            f"{owner}: expected curves as a 2-D (cycles, samples) or 3-D (cycles, channels, samples) array; "
            f"got {values.ndim} dimensions."
        )
    curves = values[:, None, :] if values.ndim == 2 else values
    return pd.DataFrame({f"c{j}": list(curves[:, j, :]) for j in range(curves.shape[1])})


class CurveFeatures(TransformerMixin, BaseEstimator):
    """Turn curve columns into per-cycle features named ``f"{channel}__{feature}"``.

    Parameters
    ----------
    channels : curve columns to use; None takes every column whose cells are numpy arrays.
    features : "all", a group ("stats", "shape", "spectrum", "reference") or a tuple of groups and
        feature names (see `feature_groups`).
    n_bands : number of equal frequency bands for the spectral energy shares.
    threshold : level for ``time_above``, as a fraction of the way from the reference curve's minimum
        to its peak (None: 0.5).
    resample_to : points each curve is resampled to for the spectrum and the reference distance.
    passthrough : keep the non-curve columns (process parameters) in front of the features.

    Fitted attributes: ``channels_``, ``features_``, ``reference_`` (per channel, the pointwise median
    of the resampled good-cycle curves of the fit data; good = ``y == 0`` when y is binary with a 0
    class, else all rows; the median keeps a few bad cycles among unlabeled ones from bending it),
    ``threshold_levels_``, ``passthrough_``, ``feature_names_out_``, ``feature_names_in_``,
    ``n_features_in_``.

    Feature definitions (sample spacing 1; positions and durations as fractions of the curve):
    statistics mean, std (population), min, max, range, quantiles q10..q90 (linear), skew and excess
    kurtosis (population moments; NaN for a flat curve), rms, crest_factor = max|x| / rms; shape
    peak_value, peak_position = argmax / (n - 1), rise_time = time from 10 % to 90 % of the way from
    the curve's minimum to its peak (first crossings, interpolated between samples) / (n - 1), area
    (trapezoid), time_above = share of samples above the threshold level, initial_slope and
    final_slope (least squares over the first and last 10 %, at least 2 samples); spectrum band_j
    energy shares (sum to 1) and dominant_freq, both as fractions of Nyquist of the resampled curve,
    so cycles per curve; reference ref_rmse, ref_max_abs_dev and ref_corr (Pearson) against the
    reference curve. Missing samples follow the rule in `axpoc.features._curve_kernels`.
    """

    def __init__(
        self,
        *,
        channels: list[str] | None = None,
        features: tuple[str, ...] | str = "all",
        n_bands: int = 4,
        threshold: float | None = None,
        resample_to: int = 256,
        passthrough: bool = True,
    ) -> None:
        self.channels = channels
        self.features = features
        self.n_bands = n_bands
        self.threshold = threshold
        self.resample_to = resample_to
        self.passthrough = passthrough

    def fit(self, X: pd.DataFrame, y: Any = None) -> CurveFeatures:
        """Pick the channels and learn each channel's reference curve from the rows of ``X`` only."""
        frame = self._frame(X, reset=True)
        features = self._checked_features()
        found = curve_columns(frame)
        channels = self._checked_channels(frame, found)
        good = _good_rows(y, len(frame))
        threshold = _DEFAULT_THRESHOLD if self.threshold is None else float(self.threshold)
        reference: dict[str, np.ndarray] = {}
        for channel in channels:
            curves = _as_curves(frame[channel])
            fit_curves = curves if good is None else curves[good]
            _, resampled, usable = scan(fit_curves, names=(), level=np.nan, size=self.resample_to)
            if resampled is None or not usable.any():
                raise UserError(
                    f"Curve column {channel!r} has no curve with at least 2 finite samples among the "
                    f"{'good (y == 0) ' if good is not None else ''}rows used to fit CurveFeatures, so no "
                    "reference curve can be learned. Check the column's content or leave it out with "
                    "CurveFeatures(channels=[...])."
                )
            reference[channel] = median_curve(resampled[usable])
        self.reference_ = reference
        self.threshold_levels_ = {
            channel: float(curve.min() + threshold * (curve.max() - curve.min()))
            for channel, curve in reference.items()
        }
        self.channels_ = channels
        self.features_ = features
        self.passthrough_ = (
            [column for column in frame.columns if column not in found and column not in channels]
            if self.passthrough
            else []
        )
        if isinstance(X, pd.DataFrame):  # an array's were set by validate_data
            self.feature_names_in_ = np.asarray(frame.columns, dtype=object)
            self.n_features_in_ = frame.shape[1]
        self.feature_names_out_ = np.asarray(
            [*self.passthrough_, *(f"{channel}__{name}" for channel in channels for name in features)],
            dtype=object,
        )
        return self

    def _frame(self, X: Any, *, reset: bool) -> pd.DataFrame:
        """A curve frame as it is, or an array of equally sampled curves as one: 2-D (cycles, samples) is one
        channel, 3-D (cycles, channels, samples) several, named ``c0``, ``c1``, ...; NaN is a missing sample."""
        if isinstance(X, pd.DataFrame):
            return X
        if not (hasattr(X, "__array__") or isinstance(X, list | tuple) or issparse(X)):
            raise UserError(
                f"CurveFeatures needs a pandas DataFrame with one row per cycle and one column per curve "
                f"channel whose cells hold 1-D numpy arrays, or an array of curves; it got {type(X).__name__}. "
                "Build such a frame with axpoc.features.curves_from_long."
            )
        values = validate_data(
            self, X, reset=reset, dtype=np.float64, allow_nd=True, ensure_all_finite="allow-nan"
        )
        return curve_array_frame(values, owner="CurveFeatures")

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True  # several channels of equally sampled curves
        tags.input_tags.allow_nan = True  # missing samples
        tags.transformer_tags.preserves_dtype = []  # a DataFrame of float64 features, whatever came in
        return tags

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """Features of every row of ``X``, with the passthrough columns unchanged in front."""
        check_is_fitted(self, "reference_")
        frame = self._frame(X, reset=False)
        missing = [column for column in [*self.channels_, *self.passthrough_] if column not in frame.columns]
        if missing:
            raise UserError(
                f"The data given to CurveFeatures lacks the column(s) {missing} that it was fitted with. "
                "Score data with the same columns as the training data (curve channels and process "
                "parameters), or refit the model on the new layout."
            )
        tables = [self._channel_table(_as_curves(frame[channel]), channel) for channel in self.channels_]
        features = pd.DataFrame(
            np.hstack(tables), columns=self.feature_names_out_[len(self.passthrough_) :], index=frame.index
        )
        if not self.passthrough_:
            return features
        kept = frame[self.passthrough_].reset_index(drop=True)
        combined = pd.concat([kept, features.reset_index(drop=True)], axis=1)
        combined.index = frame.index
        return combined

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Output column names: passthrough columns, then ``channel__feature`` per channel."""
        check_is_fitted(self, "feature_names_out_")
        return self.feature_names_out_.copy()

    def _channel_table(self, curves: np.ndarray, channel: str) -> np.ndarray:
        """Feature table of one channel, columns in the order of ``features_``."""
        block_cols = [i for i, name in enumerate(self.features_) if name in BLOCK_FEATURES]
        other_cols = [i for i, name in enumerate(self.features_) if name not in BLOCK_FEATURES]
        block_table, resampled, usable = scan(
            curves,
            names=tuple(self.features_[i] for i in block_cols),
            level=self.threshold_levels_[channel],
            size=self.resample_to if other_cols else None,
        )
        table = np.full((len(curves), len(self.features_)), np.nan)
        table[:, block_cols] = block_table
        if resampled is not None and usable.any():
            table[np.ix_(usable, other_cols)] = resampled_features(
                resampled[usable],
                self.reference_[channel],
                tuple(self.features_[i] for i in other_cols),
                self.n_bands,
            )
        return table

    def _checked_features(self) -> tuple[str, ...]:
        """The requested feature names in canonical order, after checking the size parameters."""
        resample_to, n_bands = self.resample_to, self.n_bands
        if not _is_int(resample_to) or resample_to < 4:
            raise UserError(
                f"CurveFeatures(resample_to={resample_to!r}) must be an integer of at least 4; it is the "
                "number of points each curve is resampled to for its spectrum and reference distance."
            )
        if not _is_int(n_bands) or not 1 <= n_bands <= resample_to // 2:
            raise UserError(
                f"CurveFeatures(n_bands={n_bands!r}) must be an integer from 1 to resample_to // 2 = "
                f"{resample_to // 2}, so that every frequency band holds at least one spectrum bin."
            )
        threshold = self.threshold
        if threshold is not None and (not isinstance(threshold, Real) or not 0.0 <= threshold <= 1.0):
            raise UserError(
                f"CurveFeatures(threshold={threshold!r}) must be None or a fraction from 0 to 1 of the way "
                "from the reference curve's minimum to its peak."
            )
        groups = feature_groups(n_bands)
        known = [name for names in groups.values() for name in names]
        requested = (self.features,) if isinstance(self.features, str) else tuple(self.features)
        picked: set[str] = set()
        for item in requested:
            if item == "all":
                picked.update(known)
            elif item in groups:
                picked.update(groups[item])
            elif item in known:
                picked.add(item)
            else:
                raise UserError(
                    f"CurveFeatures(features=...) names {item!r}, which is neither 'all', a group "
                    f"{sorted(groups)} nor a feature {known}. Use those names."
                )
        if not picked:
            raise UserError("CurveFeatures(features=()) selects no feature; use 'all' or name some features.")
        return tuple(name for name in known if name in picked)

    def _checked_channels(self, frame: pd.DataFrame, curve_columns: list[str]) -> list[str]:
        if self.channels is None:
            if not curve_columns:
                raise UserError(
                    "CurveFeatures found no curve column: none of the columns "
                    f"{list(frame.columns)[:20]} holds 1-D numpy arrays in its cells. Turn a long sample "
                    "table into curves with axpoc.features.curves_from_long, or name the columns with "
                    "CurveFeatures(channels=[...])."
                )
            return curve_columns
        channels = list(self.channels)
        missing = [channel for channel in channels if channel not in frame.columns]
        if missing:
            raise UserError(
                f"CurveFeatures(channels=...) names {missing}, which the data does not have; its columns "
                f"are {list(frame.columns)[:20]}. Fix the channel names in the config."
            )
        return channels


def feature_groups(n_bands: int = 4) -> dict[str, tuple[str, ...]]:
    """Feature names per group, in output order; the spectrum group depends on ``n_bands``."""
    return {"stats": STATS, "shape": SHAPE, "spectrum": spectrum_names(n_bands), "reference": REFERENCE}


def _is_int(value: Any) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)


def _is_curve(cell: Any) -> bool:
    return type(cell) is np.ndarray and cell.ndim == 1 and cell.dtype.kind in "biuf"


def _all_curves(cells: np.ndarray) -> bool:
    """Fast check (C-level maps, no Python call per cell) that every cell is a 1-D numeric array."""
    return (
        set(map(type, cells)) == {np.ndarray}
        and set(map(attrgetter("ndim"), cells)) == {1}
        and all(dtype.kind in "biuf" for dtype in set(map(attrgetter("dtype"), cells)))
    )


def _as_curves(column: pd.Series) -> np.ndarray:
    """The column's cells as a 1-D object array of 1-D numeric arrays; absent cells become empty curves."""
    cells = column.to_numpy(dtype=object, copy=True)
    if _all_curves(cells):
        return cells
    for position in [i for i, cell in enumerate(cells) if not _is_curve(cell)]:
        cell = cells[position]
        if cell is None or (pd.api.types.is_scalar(cell) and pd.isna(cell)):
            cells[position] = _EMPTY
            continue
        try:
            curve = np.asarray(cell, dtype=np.float64)
        except (TypeError, ValueError):
            curve = None
        if curve is None or curve.ndim != 1:
            raise UserError(
                f"Curve column {column.name!r}, row {column.index[position]!r}, holds "
                f"{type(cell).__name__} instead of a 1-D array of numbers. Each cell of a curve column must "
                "be one cycle's samples (a 1-D numpy array) or empty."
            )
        cells[position] = curve
    return cells


def _good_rows(y: Any, n_rows: int) -> np.ndarray | None:
    """Mask of the good rows (y == 0) when y is a binary label with a 0 class; None means all rows."""
    if y is None:
        return None
    labels = np.asarray(y).ravel()
    if labels.shape[0] != n_rows:
        raise UserError(
            f"CurveFeatures.fit got {labels.shape[0]} labels for {n_rows} rows; pass y with one label per cycle."
        )
    classes = pd.unique(labels)
    if len(classes) != 2 or not any(label == 0 for label in classes):
        return None
    return np.asarray(labels == 0, dtype=bool)
