"""Writing test configs: a base mapping plus dotted-key overrides, as YAML (shared by the e2e test folders)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def write_yaml_config(
    base: dict[str, Any], folder: Path, overrides: dict | None = None, name: str = "poc.yaml"
) -> Path:
    """``base`` with overrides such as ``{"kpi.gates": {...}}`` applied, written to ``folder/name``."""
    config = yaml.safe_load(yaml.safe_dump(base, allow_unicode=True))
    for key, value in (overrides or {}).items():
        node = config
        *parents, last = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    path = folder / name
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
