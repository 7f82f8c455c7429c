"""Preprocessing inside the model pipeline: learned on the training fold only, so CV scores do not leak.

The column *kinds* (numeric, boolean, category, curve, dropped) are decided once from the data's types
when the pipeline is built; every statistic (medians, categories, scaling, curve references) is learned
in ``fit``. The estimator sees positional column names (``f0``, ``f1``, ... and ``c0``, ... for raw
curves) because some libraries reject names such as ``Air temperature [K]``; the user's names stay
available through ``feature_names_map_`` and ``get_feature_names_out`` for importances and reports.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from numbers import Integral
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler
from sklearn.utils import Tags
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from axpoc._columns import is_curve_cell
from axpoc.errors import UserError

CurveMode = Literal["features", "raw", "drop"]
Kind = Literal["numeric", "boolean", "category", "curve"]

MISSING = "(missing)"
"""Category that stands for an absent value, so missing is learned like any other level."""

RARE = "(rare)"
"""One-hot level shared by levels seen fewer than ``min_frequency`` times and by unseen levels."""

_INDICATOR = "missingindicator_"
_ID_MIN_ROWS = 50
_ID_SHARE = 0.9
_NUMBERS = frozenset({"floating", "integer", "mixed-integer-float", "decimal"})


class Preprocessor(TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    """Impute, encode and (optionally) scale the feature columns; output a frame with positional names.

    Parameters
    ----------
    kinds : user column -> "numeric" | "boolean" | "category" | "curve", in input order; None decides them in
        ``fit`` from the data with `build_preprocessor`'s rule (every column of ``X``; columns that cannot be
        features are left out, ``dropped_`` says why).
    dropped : user column -> why it is not a feature (date/time, all missing, identifier-like, ...).
    scale : standardise numeric columns, ordinal codes and curve features (linear, kernel, k-NN, MLP).
    curves : "features" turns curve columns into `axpoc.features.CurveFeatures` output, "raw" passes
        them through as ``c0``, ``c1``, ... (for the 1D-CNN), "drop" leaves them out.
    max_onehot : categories with at most this many levels in the training fold are one-hot encoded
        (levels seen fewer than ``min_frequency`` times share one ``(rare)`` column, where unseen
        levels land too; with no rare level an unseen one is all zeros); wider ones get ordinal codes
        (unseen -> -1), which suit trees better than linear models.

    Numeric and boolean columns: median imputation, plus a 0/1 "(missing)" column for each column that
    had missing values in the training fold. Category columns: a missing value is the level
    ``"(missing)"``. The output is always a DataFrame (``set_output`` is not supported: the names must
    stay positional).

    Input: a DataFrame (columns picked by name; others are ignored), or a 2-D array whose columns are the
    kinds' columns in order (``x0``, ``x1``, ... when the kinds are decided in ``fit``), as scikit-learn reads
    an array given to an estimator fitted on a frame.

    Fitted: ``kinds_`` (the kinds used), ``dropped_``, ``feature_names_map_`` (positional name ->
    user-readable name), ``feature_sources_`` (positional name -> the user column it is computed from:
    a one-hot level, a missing-value indicator or a curve feature names its source column), ``encodings_`` (category column -> "one-hot" | "ordinal"), ``n_features_in_`` and,
    fitted on a frame, ``feature_names_in_``.
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "kinds": [dict, None],
        "dropped": [dict, None],
        "scale": ["boolean"],
        "curves": [StrOptions({"features", "raw", "drop"})],
        "max_onehot": [Interval(Integral, 0, None, closed="left")],
        "min_frequency": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        *,
        kinds: dict[str, Kind] | None = None,
        dropped: dict[str, str] | None = None,
        scale: bool = False,
        curves: CurveMode = "features",
        max_onehot: int = 20,
        min_frequency: int = 5,
    ) -> None:
        self.kinds = kinds
        self.dropped = dropped
        self.scale = scale
        self.curves = curves
        self.max_onehot = max_onehot
        self.min_frequency = min_frequency

    # Column groups (from the parameters when given, so they are known before fit) -----------------
    def _kinds(self) -> dict[str, Kind]:
        if self.kinds is not None:
            return self.kinds
        check_is_fitted(self, "kinds_")
        return self.kinds_

    def _columns(self, *kinds: Kind) -> list[str]:
        return [name for name, kind in self._kinds().items() if kind in kinds]

    def _raw_curves(self) -> list[str]:
        return self._columns("curve") if self.curves == "raw" else []

    @property
    def raw_curve_names(self) -> list[str]:
        """Positional names of the curves passed through raw (``curves="raw"``), e.g. the CNN's channels."""
        return [f"c{i}" for i in range(len(self._raw_curves()))]

    # scikit-learn API ------------------------------------------------------------------------------
    def fit(self, X: pd.DataFrame, y: Any = None) -> Preprocessor:
        """Learn imputation values, categories and scales from the rows of ``X`` only."""
        self._validate_params()
        given = self._frame(X, reset=True)
        if self.kinds is None:
            self.kinds_, self.dropped_ = infer_kinds(given, list(given.columns), curves=self.curves)
        else:
            self.kinds_, self.dropped_ = dict(self.kinds), dict(self.dropped or {})
        frame = self._coerce(given)
        self.encodings_ = {
            name: "one-hot" if frame[name].nunique() <= self.max_onehot else "ordinal"
            for name in self._columns("category")
        }
        transformer = self._column_transformer()
        self.column_transformer_ = None if transformer is None else transformer.fit(frame, y)
        names = (
            [] if transformer is None else [_display_name(raw) for raw in transformer.get_feature_names_out()]
        )
        self.feature_names_map_ = {
            **{f"f{i}": name for i, name in enumerate(names)},
            **dict(zip(self.raw_curve_names, self._raw_curves(), strict=True)),
        }
        self.feature_sources_ = self._feature_sources()
        if isinstance(
            X, pd.DataFrame
        ):  # an array's n_features_in_ was set by validate_data, names it has none
            read = list(self.kinds_) if self.kinds is not None else list(given.columns)
            self.feature_names_in_ = np.asarray(read, dtype=object)
            self.n_features_in_ = len(read)
        self._plan = self._build_plan()
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """Features of every row of ``X`` under positional names; the index of ``X`` is kept."""
        check_is_fitted(self, "feature_names_map_")
        X = self._frame(X, reset=False)
        plan = self._plan
        if plan is not None:
            self._check_frame(X)
            values = plan.transform(X)
            if values is not None:
                return pd.DataFrame(values, columns=plan.columns, index=X.index)
        frame = self._coerce(X)
        n_tabular = len(self.feature_names_map_) - len(self.raw_curve_names)
        values = (
            np.empty((len(frame), 0))
            if self.column_transformer_ is None
            else np.asarray(self.column_transformer_.transform(frame), dtype=np.float64)
        )
        out = pd.DataFrame(values, columns=[f"f{i}" for i in range(n_tabular)], index=frame.index)
        for positional, name in zip(self.raw_curve_names, self._raw_curves(), strict=True):
            out[positional] = frame[name].to_numpy(dtype=object)
        return out

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """User-readable names of the output columns, in output order (``"재질=A"``, ``"x (missing)"``)."""
        check_is_fitted(self, "feature_names_map_")
        return np.asarray(list(self.feature_names_map_.values()), dtype=object)

    def __getstate__(self) -> dict[str, Any]:
        # The fast plan is derived from the fitted state: rebuilt after unpickling, never stored.
        state = dict(super().__getstate__())
        state.pop("_plan", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        if "column_transformer_" in state:  # fitted (also by an older axpoc): transform never builds it
            self._plan = self._build_plan()
            if "feature_sources_" not in state:  # fitted before axpoc recorded it
                self.feature_sources_ = self._feature_sources()

    # Internals -------------------------------------------------------------------------------------
    def _feature_sources(self) -> dict[str, str]:
        """Positional output name -> user column, read from what each fitted part outputs per column.

        Numbers: one column each, then an indicator per column that had gaps; one-hot: a column per kept
        level (rare levels share one); ordinal: one column each; curves: ``features_`` per channel.
        """
        sources: list[str] = []
        transformer = self.column_transformer_
        for name, part, columns in [] if transformer is None else transformer.transformers_:
            if isinstance(part, str):  # the dropped remainder: nothing comes out
                continue
            if name == "num":
                indicator = part["impute"].indicator_
                gaps = [] if indicator is None else list(indicator.features_)
                sources += [*columns, *(columns[i] for i in gaps)]
            elif name == "onehot":
                for column, levels, rare in zip(
                    columns, part.categories_, part.infrequent_categories_, strict=True
                ):
                    width = len(levels) if rare is None else len(levels) - len(rare) + 1
                    sources += [column] * width
            elif name == "curve":
                features = part["features"]
                sources += [channel for channel in features.channels_ for _ in features.features_]
            else:
                sources += list(columns)
        n_tabular = len(self.feature_names_map_) - len(self.raw_curve_names)
        if len(sources) != n_tabular:  # a part added to _column_transformer without its rule here
            raise RuntimeError(f"Preprocessor: {len(sources)} sources for {n_tabular} output columns")
        return {
            **{f"f{i}": source for i, source in enumerate(sources)},
            **dict(zip(self.raw_curve_names, self._raw_curves(), strict=True)),
        }

    def _build_plan(self) -> _FastPlan | None:
        """The numpy replay of ``column_transformer_``; None when it has a part the plan cannot replay."""
        transformer = self.column_transformer_
        return None if transformer is None or self._raw_curves() else _FastPlan.of(transformer)

    def _frame(self, X: Any, *, reset: bool) -> pd.DataFrame:
        """A DataFrame as it is, or a 2-D array as one: its columns are the kinds' columns in order, or
        ``x0``, ``x1``, ... when the kinds are decided in ``fit`` (scikit-learn checks shape and count)."""
        if isinstance(X, pd.DataFrame):
            return X
        values = validate_data(self, X, reset=reset, dtype=None, ensure_all_finite=False)
        names = list(self.kinds) if self.kinds is not None else [f"x{i}" for i in range(values.shape[1])]
        if len(names) != values.shape[1]:
            raise ValueError(
                f"X has {values.shape[1]} features, but Preprocessor is expecting {len(names)} features as input."
            )
        return pd.DataFrame(values, columns=names)

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # imputed, with a missing indicator
        tags.input_tags.string = True  # text columns are categories
        tags.input_tags.categorical = True
        tags.transformer_tags.preserves_dtype = []  # a DataFrame of float64 features, whatever came in
        return tags

    def _check_frame(self, X: pd.DataFrame) -> None:
        missing = [name for name in self._kinds() if name not in X.columns]
        if missing:
            raise UserError(
                f"The data lacks the feature column(s) {missing[:10]} that the model was trained with. "
                "Score data with the same columns as the training data (check renamed or dropped columns)."
            )

    def _coerce(self, X: pd.DataFrame) -> pd.DataFrame:
        """The feature columns with uniform types: float for numbers and booleans, str for categories."""
        self._check_frame(X)
        columns: dict[str, Any] = {}
        for name, kind in self._kinds().items():
            column = X[name]
            if kind in ("numeric", "boolean"):
                columns[name] = _as_float(column)
            elif kind == "category":
                columns[name] = _as_levels(column)
            else:
                columns[name] = column.to_numpy(dtype=object)
        return pd.DataFrame(columns, index=X.index)

    def _column_transformer(self) -> ColumnTransformer | None:
        numeric = self._columns("numeric", "boolean")
        onehot = [name for name, how in self.encodings_.items() if how == "one-hot"]
        ordinal = [name for name, how in self.encodings_.items() if how == "ordinal"]
        curves = self._columns("curve") if self.curves == "features" else []
        scaler = [("scale", StandardScaler())] if self.scale else []
        median = SimpleImputer(strategy="median", keep_empty_features=True)
        parts: list[tuple[str, Any, list[str]]] = []
        if numeric:
            impute = SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True)
            parts.append(("num", Pipeline([("impute", impute), *scaler]), numeric))
        if onehot:
            encode = OneHotEncoder(
                handle_unknown="infrequent_if_exist",
                min_frequency=self.min_frequency,
                sparse_output=False,
                feature_name_combiner=_level_name,
            )
            parts.append(("onehot", encode, onehot))
        if ordinal:
            encode = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1)
            parts.append(("ordinal", Pipeline([("encode", encode), *scaler]), ordinal))
        if curves:
            from axpoc.features import CurveFeatures

            features = CurveFeatures(channels=curves, passthrough=False)
            parts.append(("curve", Pipeline([("features", features), ("impute", median), *scaler]), curves))
        return ColumnTransformer(parts, remainder="drop") if parts else None


def build_preprocessor(
    frame: pd.DataFrame, features: list[str], *, scale: bool, curves: CurveMode
) -> Preprocessor:
    """A `Preprocessor` for ``features`` of ``frame``; only column types and shapes are read here.

    Dropped (reason in ``dropped``): date/time and duration columns (a time is a split role, not a
    feature), columns with every value missing, text columns that look like identifiers (at least 50
    rows and 90 % distinct values), and curve columns when ``curves="drop"``.
    """
    absent = [name for name in features if name not in frame.columns]
    if absent:
        raise UserError(
            f"Feature column(s) {absent[:10]} are not in the data; fix columns.include / exclude."
        )
    unnamed = [name for name in features if not isinstance(name, str)]
    if unnamed:
        raise UserError(
            f"Feature columns must have text names, got {unnamed[:10]}; read the file with its header row "
            "(read.header_row in the config) or rename the columns."
        )
    kinds, dropped = infer_kinds(frame, features, curves=curves)
    return Preprocessor(kinds=kinds, dropped=dropped, scale=scale, curves=curves)


def infer_kinds(
    frame: pd.DataFrame, features: list[str], *, curves: CurveMode
) -> tuple[dict[str, Kind], dict[str, str]]:
    """(kinds, dropped with why) of ``features`` from their types; none usable is a `UserError`."""
    kinds: dict[str, Kind] = {}
    dropped: dict[str, str] = {}
    for name in features:
        kind, reason = _kind(frame[name])
        if kind == "curve" and curves == "drop":
            kind, reason = None, "sensor curve, not used by this model family"
        if kind is None:
            dropped[name] = reason
        else:
            kinds[name] = kind
    if not kinds:
        reasons = "; ".join(f"{name}: {why}" for name, why in dropped.items())
        raise UserError(f"No usable feature column is left ({reasons}). Add numeric or category features.")
    return kinds, dropped


def _kind(column: pd.Series) -> tuple[Kind | None, str]:
    """The column's kind, or None and why it is not a feature."""
    dtype = column.dtype
    present = column.dropna()
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean", ""
    if pd.api.types.is_datetime64_any_dtype(dtype) or isinstance(dtype, pd.PeriodDtype):
        return None, (
            "date/time column: not a model feature (use it as columns.time for splitting, or derive hour "
            "or shift columns in the data)"
        )
    if pd.api.types.is_timedelta64_dtype(dtype):
        return None, "duration column: convert it to seconds (a number) to use it as a feature"
    if len(present) == 0:
        return None, "every value is missing"
    if pd.api.types.is_numeric_dtype(dtype) or pd.api.types.infer_dtype(present) in _NUMBERS:
        return "numeric", ""  # numbers kept as Python objects (SQL decimals, an object array) are numbers
    if is_curve_cell(present.iloc[0]):
        return "curve", ""
    distinct = present.astype(str).nunique()
    if len(present) >= _ID_MIN_ROWS and distinct >= _ID_SHARE * len(present):
        return None, (
            f"looks like an identifier ({distinct:,} distinct values in {len(present):,} rows); set it as "
            "columns.id or list it in columns.exclude"
        )
    return "category", ""


def _as_float(column: pd.Series) -> np.ndarray:
    """Numbers and booleans as float64 with NaN for missing; unparseable text becomes missing too."""
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _as_levels(column: pd.Series) -> np.ndarray:
    """Category values as text, with ``(missing)`` for absent ones."""
    present = column.notna().to_numpy()
    return np.where(present, column.astype(object).astype(str).to_numpy(), MISSING)


def _float_matrix(X: pd.DataFrame, names: pd.Index) -> np.ndarray:
    """`_as_float` of each column in ``names``, side by side; one copy when ``X`` is all float64 already."""
    if X.columns.equals(names) and all(_is_float64(dtype) for dtype in X.dtypes.tolist()):
        return X.to_numpy(dtype=np.float64)
    return np.column_stack([_as_float(X[name]) for name in names]) if len(names) else np.empty((len(X), 0))


def _is_float64(dtype: Any) -> bool:
    return isinstance(dtype, np.dtype) and dtype == np.float64


@dataclass(frozen=True)
class _NumberPart:
    """SimpleImputer (with its missing indicator) and an optional StandardScaler, as numpy arithmetic."""

    names: pd.Index
    where: slice
    statistics: np.ndarray
    indicated: np.ndarray | None
    mean: np.ndarray | None
    scale: np.ndarray | None

    @property
    def width(self) -> int:
        return self.where.stop - self.where.start

    @classmethod
    def of(cls, names: list[str], where: slice, steps: list[Any]) -> _NumberPart | None:
        imputer, scalers = steps[0], steps[1:]
        missing_value = imputer.missing_values
        indicator = imputer.indicator_
        if not (
            isinstance(missing_value, float)
            and math.isnan(missing_value)
            and imputer.keep_empty_features
            and (indicator is None or indicator.features == "missing-only")
            and len(scalers) <= 1
        ):
            return None
        scaler = scalers[0] if scalers else None
        return cls(
            names=pd.Index(names),
            where=where,
            statistics=np.asarray(imputer.statistics_, dtype=np.float64),
            indicated=None if indicator is None else np.asarray(indicator.features_),
            mean=scaler.mean_ if scaler is not None and scaler.with_mean else None,
            scale=scaler.scale_ if scaler is not None and scaler.with_std else None,
        )

    def fill(self, X: pd.DataFrame, out: np.ndarray) -> bool:
        values = _float_matrix(X, self.names)
        if np.isinf(values).any():  # scikit-learn refuses infinity; its own error says so
            return False
        missing = np.isnan(values)
        block = np.where(missing, self.statistics, values)
        if self.indicated is not None:
            block = np.hstack((block, missing[:, self.indicated]))
        if self.mean is not None:
            block -= self.mean
        if self.scale is not None:
            block /= self.scale
        out[:, self.where] = block
        return True


@dataclass(frozen=True)
class _LevelPart:
    """An encoder (plus scaler): each output column depends on one input level, so a table per column.

    The tables are what the fitted encoder itself outputs for every known level and for one unseen level,
    so rare, unseen and missing levels land exactly where the encoder puts them.
    """

    names: list[str]
    starts: list[int]
    codes: list[dict[str, int]]
    tables: list[np.ndarray]

    @property
    def width(self) -> int:
        return sum(table.shape[1] for table in self.tables)

    @classmethod
    def of(cls, names: list[str], where: slice, transformer: Any, encoder: Any) -> _LevelPart | None:
        categories = [list(levels) for levels in encoder.categories_]
        if isinstance(encoder, OneHotEncoder):
            rare = getattr(encoder, "infrequent_categories_", None) or [None] * len(categories)
            widths = [
                len(levels) if few is None else len(levels) - len(few) + 1
                for levels, few in zip(categories, rare, strict=True)
            ]
            usable = encoder.drop is None and encoder.handle_unknown in ("ignore", "infrequent_if_exist")
        else:
            widths = [1] * len(categories)
            usable = encoder.handle_unknown == "use_encoded_value"
        texts = all(isinstance(level, str) for levels in categories for level in levels)
        if not (usable and texts and sum(widths) == where.stop - where.start):
            return None
        unseen = "(unseen)" + max((level for levels in categories for level in levels), key=len, default="")
        rows = max(len(levels) for levels in categories) + 1
        probe = pd.DataFrame(
            {
                name: np.asarray([(levels + [unseen] * rows)[i] for i in range(rows)])
                for name, levels in zip(names, categories, strict=True)
            }
        )
        with warnings.catch_warnings():  # the unseen level warns; that is the point of the probe
            warnings.simplefilter("ignore")
            encoded = np.asarray(transformer.transform(probe), dtype=np.float64)
        starts = np.concatenate([[0], np.cumsum(widths)]).tolist()
        return cls(
            names=names,
            starts=[where.start + s for s in starts[:-1]],
            codes=[{level: i for i, level in enumerate(levels)} for levels in categories],
            tables=[
                encoded[: len(levels) + 1, a:b]
                for levels, a, b in zip(categories, starts[:-1], starts[1:], strict=True)
            ],
        )

    def fill(self, X: pd.DataFrame, out: np.ndarray) -> bool:
        for name, start, codes, table in zip(self.names, self.starts, self.codes, self.tables, strict=True):
            unseen = len(table) - 1
            levels = _as_levels(X[name]).tolist()
            rows = np.fromiter((codes.get(level, unseen) for level in levels), dtype=np.intp, count=len(X))
            out[:, start : start + table.shape[1]] = table[rows]
        return True


@dataclass(frozen=True)
class _FastPlan:
    """A fitted ColumnTransformer of `Preprocessor` replayed without its per-call validation overhead."""

    parts: list[_NumberPart | _LevelPart]
    columns: pd.Index

    @classmethod
    def of(cls, transformer: ColumnTransformer) -> _FastPlan | None:
        """The plan, or None when a part is not an imputer or encoder (optionally followed by a scaler)."""
        indices = getattr(transformer, "output_indices_", None)
        if indices is None:
            return None
        parts: list[_NumberPart | _LevelPart] = []
        for name, fitted, columns in transformer.transformers_:
            if (isinstance(fitted, str) and fitted == "drop") or not len(columns):
                continue
            steps = [step for _, step in fitted.steps] if isinstance(fitted, Pipeline) else [fitted]
            if isinstance(fitted, str) or not all(isinstance(s, StandardScaler) for s in steps[1:]):
                return None
            part: _NumberPart | _LevelPart | None = None
            if isinstance(steps[0], SimpleImputer):
                part = _NumberPart.of(list(columns), indices[name], steps)
            elif isinstance(steps[0], OneHotEncoder | OrdinalEncoder):
                part = _LevelPart.of(list(columns), indices[name], fitted, steps[0])
            if part is None:
                return None
            parts.append(part)
        width = max((where.stop for where in indices.values()), default=0)
        if sum(part.width for part in parts) != width:  # every output column must come from a part
            return None
        return cls(parts=parts, columns=pd.Index([f"f{i}" for i in range(width)]))

    def transform(self, X: pd.DataFrame) -> np.ndarray | None:
        """The fitted transformer's output for ``X``; None where scikit-learn must answer (no rows, infinity)."""
        if not len(X):
            return None
        out = np.empty((len(X), len(self.columns)))
        return out if all(part.fill(X, out) for part in self.parts) else None


def _level_name(feature: str, level: Any) -> str:
    """One-hot column name shown to users: ``재질=A``, or ``재질=(rare)`` for the infrequent/unseen bucket."""
    return f"{feature}={RARE if level == 'infrequent_sklearn' else level}"


def _display_name(raw: str) -> str:
    """``num__x`` -> ``x``, ``num__missingindicator_x`` -> ``x (missing)``, ``onehot__x=A`` -> ``x=A``."""
    group, name = raw.split("__", 1)
    if group == "num" and name.startswith(_INDICATOR):
        return f"{name[len(_INDICATOR) :]} (missing)"
    return name
