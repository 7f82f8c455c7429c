"""Product and design changes: one shared model with the product as a feature, or one sub-model per
product routed inside the one registered pyfunc (``PocModel.routes``), the shared model as fallback.

Per product, a sub-model is the chosen family with the chosen parameters, cross-validated and
calibrated on that product's training rows only; a product with fewer than
``retrain.min_rows_per_product`` training rows, or whose rows cannot be cross-validated, gets none
and is scored by the shared model, and the notes say so. Calibrated probabilities let every sub-model
share the one cost-optimal threshold, which depends only on the costs.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd

from axpoc.config import CandidateConfig, PocConfig
from axpoc.errors import ConfigError, UserError
from axpoc.i18n import ProductNote, joined


def check_per_product(config: PocConfig) -> None:
    """Before any training: per-product models need the product column and a task they can route."""
    if not config.retrain.per_product:
        return
    if config.columns.product is None:
        raise ConfigError(
            "retrain.per_product: true needs columns.product, the product / part number / mold id column. "
            "Name it in the config, or set retrain.per_product: false (one model, product as a feature)."
        )
    if config.target.task == "anomaly":
        raise ConfigError(
            "retrain.per_product: anomaly scores of separate models are not comparable under one threshold; "
            "use retrain.per_product: false for an anomaly task."
        )


def train_product_models(config: PocConfig, prepared: Any, comparison: Any, model: Any) -> list[str]:
    """Add a sub-model per product with enough training rows to ``model.routes``; returns the notes.

    Does nothing unless ``retrain.per_product``. ``model.metadata['products']`` records every product's
    row count and whether it got its own model, and why not.
    """
    if not config.retrain.per_product:
        return []
    from axpoc.steps._compare import run_comparison
    from axpoc.steps._evaluate import build_poc_model

    column = config.columns.product
    minimum = config.retrain.min_rows_per_product
    fixed = CandidateConfig(name=comparison.chosen.name, params=dict(comparison.chosen.params), tune=False)
    sub_config = config.model_copy(update={"candidates": [fixed]})
    products = prepared.train[column]
    plans: list[dict[str, Any]] = []
    for product, count in products.value_counts(dropna=True).items():
        plan = {"product": _plain(product), "train_rows": int(count), "own_model": False, "reason": ""}
        plans.append(plan)
        if count < minimum:
            plan["reason"] = ProductNote("too_few_rows", {"rows": int(count), "minimum": minimum})
            continue
        rows = prepared.split.train_index[np.flatnonzero((products == product).to_numpy())]
        sub = _subset(prepared, rows)
        missing = _missing_classes(config, prepared, sub)
        if missing:
            plan["reason"] = ProductNote("missing_class", {"classes": ", ".join(map(str, missing))})
            continue
        try:
            sub_model, _, _ = build_poc_model(
                sub_config, sub, run_comparison(sub_config, sub, study_scope=f"product={product}")
            )
        except UserError as exc:  # too few groups or periods to cross-validate this product alone
            plan["reason"] = exc.message
            continue
        model.routes[_plain(product)] = sub_model.estimator
        plan["own_model"] = True
    trained = {str(p["product"]) for p in plans}
    for product in pd.unique(prepared.test[column].dropna()):
        if str(product) not in trained:
            plans.append(
                {
                    "product": _plain(product),
                    "train_rows": 0,
                    "own_model": False,
                    "reason": ProductNote("only_holdout"),
                }
            )
    model.metadata["products"] = [{**p, "reason": str(p["reason"])} for p in plans]  # plain data in the model
    own = [
        ProductNote("own_model", {"product": p["product"], "rows": p["train_rows"]})
        for p in plans
        if p["own_model"]
    ]
    notes: list[str] = [ProductNote("per_product", {"own": joined(*own) if own else ProductNote("none")})]
    notes += [
        ProductNote("no_own_model", {"product": p["product"], "reason": p["reason"]})
        for p in plans
        if not p["own_model"]
    ]
    return notes


def _subset(prepared: Any, rows: np.ndarray) -> Any:
    """The prepared data restricted to some training rows, all of them training rows."""
    frame = prepared.frame.iloc[rows].reset_index(drop=True)
    split = dataclasses.replace(
        prepared.split,
        train_index=np.arange(len(rows)),
        test_index=np.array([], dtype=int),
        test_groups=None,
        groups_train=None,
        groups_test=None,
    )
    target = dataclasses.replace(prepared.target, y=prepared.target.y[rows])
    return dataclasses.replace(prepared, frame=frame, split=split, target=target, notes=[])


def _missing_classes(config: PocConfig, prepared: Any, sub: Any) -> list[Any]:
    if config.target.task == "regression":
        return []
    present = set(np.unique(sub.target.y).tolist())
    wanted = [0, 1] if config.target.task != "multiclass" else list(prepared.target.classes)
    return [c for c in wanted if c not in present]


def product_changes(reference: pd.DataFrame, new: pd.DataFrame, config: PocConfig) -> list[dict[str, Any]]:
    """Products in the new data that the champion never saw in training, with their row counts and what
    happens to them; too few rows is reported, never trained on silently."""
    column = config.columns.product
    if column is None or column not in new.columns:
        return []
    seen = set(reference[column].dropna().map(str)) if column in reference.columns else set()
    minimum = config.retrain.min_rows_per_product
    changes = []
    for product, count in new[column].dropna().value_counts().items():
        if str(product) in seen:
            continue
        enough = int(count) >= minimum
        if config.retrain.per_product:
            action = ProductNote("gets_own" if enough else "too_few_own")
        else:
            action = (
                ProductNote("shared_learns")
                if enough
                else ProductNote("shared_little", {"rows": int(count), "minimum": minimum})
            )
        changes.append(
            {"product": _plain(product), "rows": int(count), "enough_rows": enough, "action": action}
        )
    return changes


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value
