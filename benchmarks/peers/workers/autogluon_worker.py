"""AutoGluon-Tabular (medium_quality preset, CPU, one core, no neural nets) within the budget."""

from __future__ import annotations

import tempfile
from pathlib import Path

from common import GROUP, TARGET, arguments, output_of, read_split, write_predictions

METRIC = {
    "average_precision": "average_precision",
    "roc_auc": "roc_auc",
    "macro_f1": "f1_macro",
    "f1": "f1",
    "accuracy": "accuracy",
    "r2": "r2",
    "rmse": "root_mean_squared_error",
    "mae": "mean_absolute_error",
}


def main() -> None:
    args = arguments(__doc__)
    from autogluon.tabular import TabularPredictor

    train, test, meta = read_split(args.split, safe_names=False)
    columns = [*meta["features"], TARGET]
    scratch = Path(tempfile.mkdtemp(prefix="ag-", dir=args.scratch))
    predictor = TabularPredictor(
        label=TARGET,
        problem_type=meta["task"] if meta["task"] != "anomaly" else "binary",
        eval_metric=METRIC.get(meta["primary"]),
        path=str(scratch),
        verbosity=0,
    )
    predictor.fit(
        train[columns],
        time_limit=args.budget,
        presets="medium_quality",
        num_cpus=1,
        num_gpus=0,
        excluded_model_types=["NN_TORCH", "FASTAI"],
        ag_args_ensemble={"fold_fitting_strategy": "sequential_local"},
    )
    Xt = test[meta["features"]]
    if meta["task"] == "regression":
        out = predictor.predict(Xt).to_numpy()
    else:
        proba = predictor.predict_proba(Xt, as_multiclass=True)
        out = output_of(proba.to_numpy(), list(proba.columns), meta)
    facts = {
        "best_model": predictor.model_best,
        "eval_metric": str(predictor.eval_metric),
        "grouped": GROUP in train,
    }
    write_predictions(args.out, meta, out, facts)


if __name__ == "__main__":
    main()
