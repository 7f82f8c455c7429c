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
    dirty: Any = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.report.ok)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "source": self.source_label,
            "rows": self.n_rows,
            "contract": str(self.contract_path) if self.contract_path else None,
            "suite": str(self.suite_path) if self.suite_path else None,
            "results": self.report.to_dict(),
            "notes": self.notes,
        }


def build_and_check(config: PocConfig, frame: pd.DataFrame, *, extra: list[Any] | None = None) -> tuple[Any, Any]:
    """(contract, report): the contract built from this frame, and the frame checked against it."""
    from axpoc.data._contract import build_contract
    from axpoc.data._gx import validate

    contract = build_contract(frame, config, extra=extra or [])
    return contract, validate(frame, contract)


def save_contract(contract: Any, folder: Path) -> tuple[Path, Path]:
    """The contract (axpoc's spec) and its rendering as a GX suite, both JSON, in the project folder."""
    from axpoc.data._gx import suite_to_json

    folder.mkdir(parents=True, exist_ok=True)
    contract_path = folder / "contract.json"
    suite_path = folder / "gx_suite.json"
    contract.save(contract_path)
    suite_path.write_text(json.dumps(suite_to_json(contract), ensure_ascii=False, indent=2), encoding="utf-8")
    return contract_path, suite_path


def validate_data(config: PocConfig, *, project_dir: Path | None = None, data_path: str | Path | None = None,
                  save: bool = True) -> ValidationOutcome:
    """``axpoc validate``: build the contract from the config and the data, check, save it."""
    from axpoc.data._source import load_data

    loaded = load_data(config, path=data_path)
    contract, report = build_and_check(config, loaded.frame)
    contract_path = suite_path = None
    if save:
        contract_path, suite_path = save_contract(contract, config.project_dir(project_dir) / "contracts")
    return ValidationOutcome(
        contract=contract,
        report=report,
        contract_path=contract_path,
        suite_path=suite_path,
        source_label=loaded.source_label,
        n_rows=len(loaded.frame),
        dirty=loaded.dirty,
        notes=list(loaded.notes),
    )


def profile_data(config: PocConfig, *, data_path: str | Path | None = None) -> Any:
    """``axpoc profile``: the data-readiness summary of the configured data."""
    from axpoc.data._profile import profile
    from axpoc.data._source import load_data

    loaded = load_data(config, path=data_path)
    return profile(loaded.frame, config)
