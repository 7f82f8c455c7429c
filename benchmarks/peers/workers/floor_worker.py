"""Default LightGBM or HistGradientBoosting (library defaults, one thread): the floors every tool must beat."""

from __future__ import annotations

import time

import pandas as pd
from common import GROUP, TARGET, arguments, output_of, read_split, write_predictions


def main() -> None:
    args = arguments(__doc__)
    train, test, meta = read_split(args.split, safe_names=True)
    X, Xt = train[meta["features"]].copy(), test[meta["features"]].copy()
    for column in X.columns:
        if not pd.api.types.is_numeric_dtype(X[column]):
            kind = pd.CategoricalDtype(
                sorted(pd.concat([X[column], Xt[column]]).dropna().astype(str).unique())
            )
            X[column], Xt[column] = X[column].astype(str).astype(kind), Xt[column].astype(str).astype(kind)
    regression = meta["task"] == "regression"
    if args.library == "lightgbm":
        from lightgbm import LGBMClassifier, LGBMRegressor

        model = (LGBMRegressor if regression else LGBMClassifier)(n_jobs=1, random_state=0, verbose=-1)
    else:
        from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

        cls = HistGradientBoostingRegressor if regression else HistGradientBoostingClassifier
        model = cls(random_state=0, categorical_features="from_dtype")
    started = time.perf_counter()
    model.fit(X, train[TARGET])
    fit_s = time.perf_counter() - started
    out = model.predict(Xt) if regression else output_of(model.predict_proba(Xt), list(model.classes_), meta)
    facts = {"model": type(model).__name__, "fit_s": fit_s, "grouped": GROUP in train}
    write_predictions(args.out, meta, out, facts)


if __name__ == "__main__":
    main()
