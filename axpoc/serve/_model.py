"""The registered version as it is served: loaded once, with the row checks and column types that guard it."""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from axpoc.config import PocConfig
from axpoc.data import Contract, RowChecker, expectations_digest
from axpoc.errors import UserError
from axpoc.serve._typed import column_types, flag_checker


@dataclass
class ServedModel:
    """A loaded registered version with the row checks that guard it (shared by batch and HTTP scoring).

    ``checker`` applies the contract's critical rules on the columns the model reads (features and id;
    the target and other role columns are not needed to score); ``chunk_checker`` leaves out
    uniqueness, which a streamed batch decides over the whole input instead.
    """

    model: Any
    model_name: str
    version: str
    alias: str | None
    contract: Contract | None
    loaded_at: str = field(default_factory=lambda: datetime.now().astimezone().isoformat(timespec="seconds"))

    def __post_init__(self) -> None:
        self.checker = (
            None if self.contract is None else RowChecker(scoring_contract(self.contract, self.model))
        )
        self.chunk_checker = (
            None
            if self.contract is None
            else RowChecker(scoring_contract(self.contract, self.model, unique=False))
        )
        read = [c for c in self.model.input_columns if c != self.id_column]
        self.types = column_types(self.contract, read)
        """The training type of each column the model reads (the id is passed on as read)."""
        self.flagger = flag_checker(self.contract, read)

    @property
    def id_column(self) -> str | None:
        return self.model.id_column

    @property
    def contract_digest(self) -> str | None:
        return None if self.contract is None else self.contract.digest

    @property
    def required_columns(self) -> list[str]:
        """The model's features, then its id column: what an input must carry to be scored."""
        extra = [self.id_column] if self.id_column and self.id_column not in self.model.features else []
        return [*self.model.features, *extra]

    def unique_columns(self) -> list[str]:
        """Columns whose values must be unique across the whole input (the declared id)."""
        if self.checker is None:
            return []
        return [e.column for e in self.checker.expectations if e.kind == "unique"]

    def missing_columns(self, columns: list[str]) -> list[str]:
        present = set(columns)
        return [c for c in self.required_columns if c not in present]


def scoring_contract(contract: Contract, model: Any, *, unique: bool = True) -> Contract:
    """The contract's critical row rules on the columns the model reads (features and id).

    Column presence is left out: scoring checks it once per input, before any row, and refuses the
    whole input when a column is missing.
    """
    needed = set(model.features) | ({model.id_column} if model.id_column else set())
    kept = [
        e
        for e in contract.select(severity="critical", include_target=False)
        if set(e.columns) <= needed and e.kind != "column_exists" and (unique or e.kind != "unique")
    ]
    return contract.model_copy(update={"expectations": kept, "digest": expectations_digest(kept)})


def load_served_model(store: Any, *, version: str | None = None, alias: str = "champion") -> ServedModel:
    """A registered version (``version``) or the one an alias points to, ready to score.

    The alias is resolved to its version number first, so the version reported is the one loaded even
    when the alias moves meanwhile.
    """
    from mlflow.exceptions import MlflowException

    from axpoc.tracking import alias_version, load_poc_model

    if version is None:
        version = alias_version(store, alias)
        if version is None:
            raise UserError(
                f"The model '{store.model_name}' has no '{alias}' version in {store.tracking_uri}. Train and "
                "register one with 'axpoc run CONFIG', or name a version with --model-version."
            )
        used_alias: str | None = alias
    else:
        used_alias = None
        if not str(version).isdigit():
            raise UserError(f"--model-version: expected a version number such as 3, got '{version}'.")
    try:
        model = load_poc_model(store, str(version))
    except MlflowException:
        versions = sorted(
            int(v.version) for v in store.client.search_model_versions(f"name='{store.model_name}'")
        )
        raise UserError(
            f"Version {version} of the model '{store.model_name}' could not be loaded (it does not exist or its "
            f"files are gone). Registered versions: {', '.join(map(str, versions)) or 'none'}."
        ) from None
    except _DAMAGED as exc:
        raise UserError(
            f"Version {version} of the model '{store.model_name}' could not be loaded: its model file is damaged "
            f"or cut off ({type(exc).__name__}: {str(exc)[:200]}). Put the champion back on a sound version with "
            "'axpoc rollback CONFIG' (or name one with --model-version), or restore the project from a backup "
            "('axpoc import')."
        ) from None
    contract = (
        None if not model.contract_json else Contract.from_json(model.contract_json, source="model contract")
    )
    return ServedModel(
        model=model, model_name=store.model_name, version=str(version), alias=used_alias, contract=contract
    )


_DAMAGED: tuple[type[BaseException], ...] = (
    pickle.UnpicklingError,
    EOFError,
    ValueError,
    TypeError,
    AttributeError,
    ImportError,
    IndexError,
    KeyError,
    OverflowError,
    MemoryError,
    OSError,
)
"""What unpickling a cut-off or altered model file raises (the bytes decide which)."""


def open_project_store(config: PocConfig, project_dir: Path | None = None) -> Any:
    """The tracking store of the config's project."""
    from axpoc.tracking import open_store

    return open_store(
        project_name=config.project.name,
        project_dir=config.project_dir(project_dir),
        tracking_uri=config.tracking.uri,
        registry_uri=config.tracking.registry_uri,
        database=config.tracking.database,
    )


def set_threads(model: Any, threads: int) -> None:
    """Let every estimator inside the model that predicts in parallel use ``threads`` threads."""
    from axpoc.models import nested_estimators

    roots = [model.estimator, *model.routes.values()]
    for root in roots:
        for estimator in nested_estimators(root):
            if hasattr(estimator, "get_params") and "n_jobs" in estimator.get_params(deep=False):
                estimator.set_params(n_jobs=threads)
