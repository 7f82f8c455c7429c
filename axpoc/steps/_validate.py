"""Validate and profile: the training data contract, checked and saved, and the day-one readiness summary."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from axpoc.config import PocConfig


@dataclass
class ValidationOutcome:
    contract: Any
    report: Any
    contract_path: Path | None
    suite_path: Path | None
    source_label: str
    n_rows: int
    n_unlabelled: int = 0
    """Rows without a target value: left out of the checks as ``run`` leaves them out of training."""
    dirty: Any = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.report.ok)

    @property
    def failure_message(self) -> str:
        """The critical failures in one paragraph (empty when there are none), as ``run`` would refuse them."""
        from axpoc.errors import ValidationFailed

        try:
            self.report.raise_for_critical()
        except ValidationFailed as exc:
            return f"{self.source_label}: {exc.message}"
        return ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "source": self.source_label,
            "rows": self.n_rows,
            "unlabelled_rows": self.n_unlabelled,
            "contract": str(self.contract_path) if self.contract_path else None,
            "suite": str(self.suite_path) if self.suite_path else None,
            "results": self.report.to_dict(),
            "dirty_numbers": self.dirty.counts() if self.dirty is not None else {},
            "notes": self.notes,
        }


def build_and_check(
    config: PocConfig, frame: pd.DataFrame, *, extra: list[Any] | None = None
) -> tuple[Any, Any]:
    """(contract, report): the contract built from this frame, and the frame checked against it.

    The process template adds its plausible ranges (warnings) and keeps its outcome columns out of the
    contract, as they are out of the features; ``columns.pair_rules`` add order checks (warnings).
    """
    from axpoc.data import validate

    contract = training_contract(config, frame, extra=extra)
    return contract, validate(frame, contract)


def training_contract(config: PocConfig, frame: pd.DataFrame, *, extra: list[Any] | None = None) -> Any:
    """The contract built from this frame, unchecked: for data whose critical rules were checked already
    (retraining checks the new rows against the champion's contract before it builds the challenger's)."""
    from axpoc.data import build_contract, template_expectations, template_label_columns
    from axpoc.process import load_process

    template = load_process(config.process)
    labels = [c for c in template_label_columns(config, template, frame) if c not in config.columns.include]
    rules = [*template_expectations(config, template, frame), *_pair_rules(config, frame), *(extra or [])]
    columns = config.columns.model_copy(update={"exclude": [*config.columns.exclude, *labels]})
    return build_contract(frame, config.model_copy(update={"columns": columns}), extra=rules)


def _pair_rules(config: PocConfig, frame: pd.DataFrame) -> list[Any]:
    """``columns.pair_rules`` as ``column_pair_order`` warnings: a physically impossible row is suspect."""
    from axpoc.data import Expectation, missing_column_message
    from axpoc.errors import UserError

    rules = []
    for i, (low, high) in enumerate(config.columns.pairs):
        for column in (low, high):
            if column not in frame.columns:
                raise UserError(missing_column_message(f"columns.pair_rules[{i}]", column, frame))
        rules.append(
            Expectation(
                kind="column_pair_order",
                column=low,
                column_b=high,
                severity="warning",
                source="config",
                note=f"declared in columns.pair_rules: {low} <= {high}",
            )
        )
    return rules


def save_contract(contract: Any, folder: Path) -> tuple[Path, Path]:
    """The contract (axpoc's spec) and its rendering as a GX suite, both JSON, in the project folder."""
    from axpoc.data import suite_to_json

    folder.mkdir(parents=True, exist_ok=True)
    contract_path = folder / "contract.json"
    suite_path = folder / "gx_suite.json"
    contract.save(contract_path)
    suite_path.write_text(json.dumps(suite_to_json(contract), ensure_ascii=False, indent=2), encoding="utf-8")
    return contract_path, suite_path


def check_config(config: PocConfig) -> None:
    """What ``run`` refuses before it reads data, refused by ``validate`` and ``profile`` as early.

    Names (process, ``kpi.primary``, candidates: :func:`axpoc.steps.check_names`), the inputs the
    configured gates need (costs, volumes, spec limits) and per-product routing. ``run`` checks the
    template's default gates too; those are its business (a data check needs no cost model).
    """
    from axpoc.steps._evaluate import check_kpi_inputs
    from axpoc.steps._names import check_names
    from axpoc.steps._products import check_per_product

    check_names(config)
    check_kpi_inputs(config, dict(config.kpi.gates))
    check_per_product(config)


def validate_data(
    config: PocConfig,
    *,
    project_dir: Path | None = None,
    data_path: str | Path | None = None,
    save: bool = True,
) -> ValidationOutcome:
    """``axpoc validate``: build the contract from the config and the data, check, save it."""
    from axpoc.data import load_data
    from axpoc.steps._prepare import encode_target, labelled_rows

    check_config(config)
    loaded = load_data(config, path=data_path)
    frame, dropped = labelled_rows(loaded.frame, config, source_label=loaded.source_label)
    target = config.target
    if target.task == "multiclass" and (target.defect_classes or config.kpi.costs.class_costs is not None):
        encode_target(frame, config)  # class names in target.defect_classes and kpi.costs.class_costs, as run
    contract, report = build_and_check(config, frame)
    contract_path = suite_path = None
    if save:
        from axpoc._logs import log_to_project

        log_to_project(config.project_dir(project_dir))
        contract_path, suite_path = save_contract(contract, config.project_dir(project_dir) / "contracts")
    return ValidationOutcome(
        contract=contract,
        report=report,
        contract_path=contract_path,
        suite_path=suite_path,
        source_label=loaded.source_label,
        n_rows=len(loaded.frame),
        n_unlabelled=len(loaded.frame) - len(frame),
        dirty=loaded.dirty,
        notes=[*loaded.notes, *dropped],
    )


def profile_data(config: PocConfig, *, data_path: str | Path | None = None) -> Any:
    """``axpoc profile``: the data-readiness summary of the configured data."""
    from axpoc.data import load_data, profile

    check_config(config)
    loaded = load_data(config, path=data_path)
    return profile(loaded.frame, config).model_copy(update={"dirty_numbers": loaded.dirty.counts()})
