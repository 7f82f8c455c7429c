"""A process template applied to a company's own data: its column names, plausible ranges and labels.

A template speaks in canonical names (``mold_temp_c``); a plant's export says ``금형온도`` or
``Mold temperature``. ``columns.map`` ({canonical name: your column}) bridges the two, so the template's
knowledge follows the data's own names; a canonical name the data carries as is needs no entry, and a
column no template names is a plain feature.
"""

from __future__ import annotations

import difflib

import pandas as pd

from axpoc.config import PocConfig
from axpoc.data._contract import Expectation, value_type
from axpoc.data._roles import missing_column_message, resolve_roles
from axpoc.errors import ConfigError, UserError
from axpoc.process import ProcessTemplate


def mapped_columns(config: PocConfig, template: ProcessTemplate, frame: pd.DataFrame) -> dict[str, str]:
    """Canonical name -> column of ``frame``, for the template's columns that the data has.

    An unknown canonical name in ``columns.map`` is a config error; a mapped column that the data lacks
    is a user error naming it; two canonical names mapped to one column are a config error. A column the
    map gives to one canonical name is not also taken, by its own name, for another.
    """
    canonical = [c.name for c in template.columns]
    mapping = config.columns.map
    owner: dict[str, str] = {}
    for key, actual in mapping.items():
        if key not in canonical:
            raise ConfigError(_unknown_canonical(key, template))
        if actual not in frame.columns:
            raise UserError(missing_column_message(f"columns.map.{key}", actual, frame))
        if actual in owner:
            raise ConfigError(
                f"columns.map: '{owner[actual]}' and '{key}' both map to the column '{actual}'; "
                "map each canonical name to its own column."
            )
        owner[actual] = key
    found = {name: mapping.get(name, name) for name in canonical if name in mapping or name not in owner}
    return {name: actual for name, actual in found.items() if actual in frame.columns}


def template_label_columns(config: PocConfig, template: ProcessTemplate, frame: pd.DataFrame) -> list[str]:
    """The template's outcome columns in the data other than the configured target.

    Results measured after the cycle (``defect_type``, ``out_of_spec``) describe the part a model is
    to judge: as features they would leak the answer, so they are never features.
    """
    mapped = mapped_columns(config, template, frame)
    outcomes = [mapped[c.name] for c in template.columns if c.kind == "target" and c.name in mapped]
    return [column for column in outcomes if column != config.target.column]


def template_expectations(
    config: PocConfig, template: ProcessTemplate, frame: pd.DataFrame
) -> list[Expectation]:
    """The template's plausible process ranges as ``between`` warnings on the features and the target.

    They only warn (and feed drift reports): a plant may run outside a textbook range on purpose, and
    a declared ``columns.limits`` entry, which is critical, replaces the template's range.
    """
    mapped = mapped_columns(config, template, frame)
    labels = template_label_columns(config, template, frame)
    roles = resolve_roles(frame, config, auto_exclude=labels)
    used = {*roles.features, config.target.column}
    rules = []
    for spec in template.columns:
        actual = mapped.get(spec.name)
        if actual is None or actual not in used or actual in config.columns.limits:
            continue
        if (spec.min is None and spec.max is None) or value_type(frame[actual]) != "numeric":
            continue
        unit = f" {spec.unit}" if spec.unit else ""
        rules.append(
            Expectation(
                kind="between",
                column=actual,
                min=spec.min,
                max=spec.max,
                severity="warning",
                source="template",
                note=f"plausible range of '{spec.name}' ({spec.label_en}{unit}) in {template.title_en.lower()}",
            )
        )
    return rules


def _unknown_canonical(key: str, template: ProcessTemplate) -> str:
    names = [c.name for c in template.columns]
    if not names:
        return (
            f"columns.map.{key}: process '{template.name}' has no canonical column names, so there is nothing to "
            "map. Set 'process' to a process template (e.g. injection_molding) or remove columns.map."
        )
    close = difflib.get_close_matches(key, names, n=1, cutoff=0.5)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    return (
        f"columns.map.{key}: '{key}' is not a canonical column of the '{template.name}' template.{hint} "
        f"The map reads {{canonical name: your column}}; canonical names: {', '.join(names)}."
    )
