"""kpi.rules: the built-in acceptance rules are on by default; switching one off needs a reason."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from axpoc.config import load_config
from axpoc.errors import ConfigError

BASE = {
    "project": {"name": "rules_cfg"},
    "data": {"demo": {"rows": 100}},
    "target": {"column": "defect"},
}


def _load(tmp_path: Path, rules: dict | None = None):
    raw = dict(BASE, kpi={"rules": rules} if rules is not None else {})
    path = tmp_path / "poc.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return load_config(path)


def test_rules_are_on_by_default_with_stated_thresholds(tmp_path: Path) -> None:
    rules = _load(tmp_path).kpi.rules
    assert all(getattr(rules, name).enabled for name in rules.model_fields)
    assert rules.catches_defects.min_recall == 0.3
    assert (rules.enough_evidence.power, rules.enough_evidence.alpha) == (0.8, 0.05)


def test_switching_off_with_a_reason(tmp_path: Path) -> None:
    rules = _load(
        tmp_path, {"beats_no_model": {"enabled": False, "reason": "법규상 전수 검사 유지"}}
    ).kpi.rules
    assert not rules.beats_no_model.enabled and rules.beats_no_model.reason == "법규상 전수 검사 유지"


@pytest.mark.parametrize("reason", [None, "", "  "])
def test_switching_off_without_a_reason_names_the_key(tmp_path: Path, reason: str | None) -> None:
    rule = {"enabled": False} if reason is None else {"enabled": False, "reason": reason}
    with pytest.raises(ConfigError) as err:
        _load(tmp_path, {"beats_trivial": rule})
    assert "kpi.rules.beats_trivial" in err.value.message
    assert "enabled: false needs a reason" in err.value.message


def test_unknown_rule_and_bad_floor(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        _load(tmp_path, {"beats_trival": {"enabled": True}})
    assert "did you mean 'beats_trivial'" in err.value.message
    with pytest.raises(ConfigError) as err:
        _load(tmp_path, {"catches_defects": {"min_recall": 1.5}})
    assert "kpi.rules.catches_defects.min_recall" in err.value.message
