"""Default LightGBM or HistGradientBoosting (library defaults, one thread): the floors every tool must beat."""

from __future__ import annotations

import time
from typing import Any

import pandas as pd
from common import GROUP, TARGET, arguments, output_of, read_split, write_predictions


def as_categories(X: pd.DataFrame, Xt: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Text columns as one pandas category on both sides, which both libraries split on natively."""
    X, Xt = X.copy(), Xt.copy()
    for column in X.columns:
        if not pd.api.types.is_numeric_dtype(X[column]):
            kind = pd.CategoricalDtype(
                sorted(pd.concat([X[column], Xt[column]]).dropna().astype(str).unique())
            )
            X[column], Xt[column] = X[column].astype(str).astype(kind), Xt[column].astype(str).astype(kind)
    return X, Xt


def floor_model(library: str, *, regression: bool) -> Any:
    """The library's own defaults, one thread, random_state 0 (``library``: lightgbm or hgb)."""
    if library == "lightgbm":
        from lightgbm import LGBMClassifier, LGBMRegressor

        return (LGBMRegressor if regression else LGBMClassifier)(n_jobs=1, random_state=0, verbose=-1)
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    cls = HistGradientBoostingRegressor if regression else HistGradientBoostingClassifier
    return cls(random_state=0, categorical_features="from_dtype")


def main() -> None:
    args = arguments(__doc__)
    train, test, meta = read_split(args.split, safe_names=True)
    # A column with no value in the training part tells neither model anything, and scikit-learn 1.9's
    # HistGradientBoosting fails on it while binning (CNC experiments: 1367 summary features of 14 runs).
    empty = [c for c in meta["features"] if train[c].isna().all()]
    features = [c for c in meta["features"] if c not in empty]
    X, Xt = as_categories(train[features], test[features])
    regression = meta["task"] == "regression"
    model = floor_model(args.library, regression=regression)
    started = time.perf_counter()
    model.fit(X, train[TARGET])
    fit_s = time.perf_counter() - started
    out = model.predict(Xt) if regression else output_of(model.predict_proba(Xt), list(model.classes_), meta)
    facts = {
        "model": type(model).__name__,
        "fit_s": fit_s,
        "grouped": GROUP in train,
        "empty_columns_dropped": len(empty),
    }
    write_predictions(args.out, meta, out, facts)


if __name__ == "__main__":
    main()
