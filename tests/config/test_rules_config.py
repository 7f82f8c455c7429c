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


def test_starter_writes_the_rules_out(tmp_path: Path) -> None:
    from axpoc.config._starter import StarterValues, render_starter

    text = render_starter(StarterValues(name="rules_starter", data_block={"demo": {"rows": 100}}))
    assert "  rules:" in text and "catches_defects: {enabled: true, min_recall: 0.3}" in text
    assert "enough_evidence: {enabled: true, power: 0.8, alpha: 0.05}" in text
    path = tmp_path / "poc.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_config(path).kpi.rules.beats_no_model.enabled


@pytest.mark.parametrize(
    ("classes", "defects", "ok"),
    [
        (["양품", "버", "크랙", "미성형"], ["버", "크랙", "미성형"], "양품"),
        (["OK", "scratch", "dent"], ["scratch", "dent"], "OK"),
        (["정상", "이물"], ["이물"], "정상"),
        (["A", "B", "C"], [], None),  # nothing looks like the good class: the user must say
        (["OK", "good", "dent"], [], None),  # two candidates: ambiguous
    ],
)
def test_defect_classes_proposed_from_the_class_names(classes: list, defects: list, ok: str | None) -> None:
    from axpoc.config._starter import propose_defect_classes

    assert propose_defect_classes(classes) == (defects, ok)


def test_init_from_multiclass_data_proposes_defect_classes(cli, tmp_path: Path) -> None:
    import pandas as pd

    data = tmp_path / "불량유형.csv"
    kinds = ["양품"] * 6 + ["버", "크랙", "미성형"]
    pd.DataFrame(
        {
            "샷번호": range(1, 181),
            "금형온도": [40 + (i % 7) for i in range(180)],
            "불량유형": [kinds[i % len(kinds)] for i in range(180)],
        }
    ).to_csv(data, index=False, encoding="utf-8-sig")
    out = tmp_path / "poc.yaml"
    result = cli("init", "type_poc", "--from-data", data, "--out", out)
    assert result.code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "'양품' 외 모든 클래스를 불량으로 추정함" in text and "  rules:" in text
    config = load_config(out)
    assert config.target.task == "multiclass"
    assert set(config.target.defect_classes) == {"버", "크랙", "미성형"}
