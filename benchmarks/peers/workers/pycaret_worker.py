"""PyCaret compare_models (budget_time) on the train part, the winner finalized, test part predicted.

PyCaret ranks by its own metrics: AUC stands in for average precision, its F1 (weighted for
multiclass) for macro F1; the test part is scored by axpoc's KPI code like every other tool's.
"""

from __future__ import annotations

from common import GROUP, TARGET, arguments, output_of, read_split, write_predictions

SORT = {
    "average_precision": "AUC",
    "roc_auc": "AUC",
    "macro_f1": "F1",
    "f1": "F1",
    "accuracy": "Accuracy",
    "r2": "R2",
    "rmse": "RMSE",
    "mae": "MAE",
}


def main() -> None:
    args = arguments(__doc__)
    train, test, meta = read_split(args.split, safe_names=True)
    regression = meta["task"] == "regression"
    if regression:
        from pycaret.regression import compare_models, finalize_model, predict_model, setup
    else:
        from pycaret.classification import compare_models, finalize_model, predict_model, setup
    options = {"target": TARGET, "session_id": args.seed, "n_jobs": 1, "verbose": False, "html": False}
    if GROUP in train:
        options.update(fold_strategy="groupkfold", fold_groups=GROUP)
    # PyCaret keeps 30 % of the training part as its own holdout and cross-validates the rest in 10
    # folds by default; on a few dozen rows or groups that fails every model ("n_splits=10 greater than
    # the number of samples"), so the folds shrink to what its 70 % holds, as a user would set them.
    units = train[GROUP].nunique() if GROUP in train else len(train)
    options["fold"] = max(2, min(10, int(units * 0.7)))
    data = train[[*meta["features"], TARGET, *([GROUP] if GROUP in train else [])]]
    setup(data=data, **options)
    best = compare_models(
        sort=SORT.get(meta["primary"], "R2" if regression else "AUC"),
        budget_time=args.budget / 60.0,
        verbose=False,
    )
    if isinstance(best, list):  # compare_models returns [] when no model finished (budget, or all failed)
        raise SystemExit(f"PyCaret: compare_models finished no model within {args.budget:.0f} s")
    final = finalize_model(best)
    Xt = test[meta["features"]].copy()
    if GROUP in test:
        Xt[GROUP] = test[GROUP]
    extra = {} if regression else {"raw_score": True}  # the regression module has no raw_score
    scored = predict_model(final, data=Xt, verbose=False, **extra)
    if regression:
        out = scored["prediction_label"].to_numpy()
    else:
        prefix = "prediction_score_"
        cols = [c for c in scored.columns if c.startswith(prefix)]
        out = output_of(scored[cols].to_numpy(), [c[len(prefix) :] for c in cols], meta)
    write_predictions(args.out, meta, out, {"best_model": type(best).__name__, "fold": options["fold"]})


if __name__ == "__main__":
    main()
