"""FLAML AutoML on the written train part, within the budget, one thread; predictions for the test part."""

from __future__ import annotations

from common import GROUP, TARGET, arguments, output_of, read_split, write_predictions

METRIC = {
    "average_precision": "ap",
    "roc_auc": "roc_auc",
    "macro_f1": "macro_f1",
    "f1": "f1",
    "accuracy": "accuracy",
    "r2": "r2",
    "rmse": "rmse",
    "mae": "mae",
}


def main() -> None:
    args = arguments(__doc__)
    from flaml import AutoML

    train, test, meta = read_split(args.split, safe_names=True)
    regression = meta["task"] == "regression"
    options = {
        "task": "regression" if regression else "classification",
        "time_budget": args.budget,
        "metric": METRIC.get(meta["primary"], "auto"),
        "n_jobs": 1,
        "seed": args.seed,
        "verbose": 0,
    }
    if GROUP in train:  # keep whole lots / experiments together in FLAML's own validation as well
        options.update(groups=train[GROUP].to_numpy(), eval_method="cv", split_type="group")
    automl = AutoML()
    automl.fit(train[meta["features"]], train[TARGET], **options)
    Xt = test[meta["features"]]
    out = (
        automl.predict(Xt) if regression else output_of(automl.predict_proba(Xt), list(automl.classes_), meta)
    )
    facts = {
        "best_estimator": automl.best_estimator,
        "best_config": automl.best_config,
        "metric": options["metric"],
    }
    write_predictions(args.out, meta, out, facts)


if __name__ == "__main__":
    main()
