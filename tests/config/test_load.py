from __future__ import annotations

from pathlib import Path

import pytest

from axpoc.config import config_from_dict, load_config
from axpoc.errors import ConfigError

MINIMAL = """
project:
  name: hanil_mold
  title: 한일정밀 사출 PoC
process: injection_molding
data:
  path: data/*.csv
  read: {encoding: cp949}
target:
  column: 불량여부
columns:
  id: 샷번호
  time: 일시
  group: 로트
kpi:
  gates:
    recall: ">= 0.9"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "poc.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_loads_korean_config_and_resolves_paths(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, MINIMAL))
    assert config.project.title == "한일정밀 사출 PoC"
    assert config.target.column == "불량여부"
    assert config.columns.group == "로트"
    assert config.data.read.encoding == "cp949"
    assert config.resolve(config.data.path) == tmp_path / "data/*.csv"
    assert config.kpi.gates == {"recall": ">= 0.9"}


def test_unknown_key_suggests_the_closest(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, MINIMAL.replace("  group: 로트", "  gruop: 로트")))
    assert "columns.gruop: unknown key; did you mean 'group'?" in err.value.message


def test_bad_gate_names_key_path_and_expectation(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, MINIMAL.replace('">= 0.9"', "high")))
    assert "kpi.gates.recall: expected a comparison like '>= 0.9', got 'high'" in err.value.message


def test_gate_on_unknown_kpi(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, MINIMAL.replace("recall:", "recal:")))
    assert "kpi.gates.recal: unknown KPI 'recal'; did you mean 'recall'?" in err.value.message


def test_project_name_must_be_a_slug(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, MINIMAL.replace("name: hanil_mold", "name: 한일 사출")))
    assert "project.name" in err.value.message and "slug" in err.value.message


def test_missing_file_and_bad_yaml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Config file not found"):
        load_config(tmp_path / "nope.yaml")
    with pytest.raises(ConfigError, match="not valid YAML at line"):
        load_config(write(tmp_path, "project:\n  name: [unclosed\n"))


def test_env_interpolation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = MINIMAL.replace(
        "path: data/*.csv", "url: postgresql+psycopg://u:${AXPOC_TEST_PW}@db/mes\n  query: x"
    )
    with pytest.raises(ConfigError, match="AXPOC_TEST_PW is not set"):
        load_config(write(tmp_path, text))
    monkeypatch.setenv("AXPOC_TEST_PW", "s3cret")
    assert "s3cret" in load_config(write(tmp_path, text)).data.url


def test_schema_rules() -> None:
    base = {"project": {"name": "p1"}, "data": {"demo": {}}, "target": {"column": "y"}}
    with pytest.raises(ConfigError, match="exactly one data source"):
        config_from_dict({**base, "data": {"demo": {}, "path": "x.csv"}})
    with pytest.raises(ConfigError, match=r"lsl \(5.0\) must be below usl \(1.0\)"):
        config_from_dict(
            {**base, "target": {"column": "y", "task": "regression", "spec": {"lsl": 5, "usl": 1}}}
        )
    with pytest.raises(ConfigError, match=r"columns\.id: .y. is also the target"):
        config_from_dict({**base, "columns": {"id": "y"}})
    with pytest.raises(ConfigError, match="predefined"):
        config_from_dict({**base, "split": {"method": "predefined"}})
    config = config_from_dict(
        {**base, "candidates": ["lightgbm", {"name": "logistic", "params": {"C": 1.0}}]}
    )
    assert [c.name for c in config.candidates] == ["lightgbm", "logistic"]


def test_project_dir_defaults_to_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = config_from_dict({"project": {"name": "p1"}, "data": {"demo": {}}, "target": {"column": "y"}})
    assert config.project_dir() == tmp_path / "axpoc_projects" / "p1"
    assert config.project_dir(tmp_path / "elsewhere") == tmp_path / "elsewhere"


def test_a_team_server_needs_the_shared_database_for_lock_and_promotion_log(tmp_path: Path) -> None:
    server = MINIMAL + "tracking:\n  uri: http://mlflow.factory.lan:5000\n"
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, server))
    assert "tracking.database" in err.value.message and "Team server" in err.value.message
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, server + "  database: sqlite:///x.db\n"))
    assert "not a PostgreSQL URL" in err.value.message
    shared = "  database: postgresql+psycopg://axpoc:pw@mlflow.factory.lan:5432/axpoc\n"
    assert load_config(write(tmp_path, server + shared)).tracking.database.endswith("/axpoc")


def test_a_schema_error_is_said_in_korean_and_keeps_its_english_for_logs_and_json() -> None:
    from axpoc.i18n import say

    raw = {
        "project": {"name": "X y"},
        "data": {"path": "a.csv"},
        "target": {"column": "d", "task": "binary"},
        "columns": {"gruop": "lot"},
        "split": {"test_size": 1.5, "cv_folds": "a"},
        "kpi": {"gates": {"recall": "높게"}},
    }
    with pytest.raises(ConfigError) as err:
        config_from_dict(raw)
    english, korean = err.value.message, say(err.value.message, "ko")
    assert "columns.gruop: unknown key; did you mean 'group'?" in english
    assert "split.test_size: Input should be less than 0.9 (got 1.5)" in english
    for said in (
        "설정이 정해진 형식과 맞지 않습니다",
        "columns.gruop: 알 수 없는 키입니다. 'group'을(를) 쓰려던 것인가요?",
        "split.test_size: 값이 맞지 않습니다 — 0.9보다 작아야 합니다 (입력값: 1.5)",
        "split.cv_folds: 값이 맞지 않습니다 — 정수여야 합니다",
        "kpi.gates.recall: 값이 맞지 않습니다 — '>= 0.9' 같은 비교식이어야 하는데 '높게'입니다",
        "project.name: 값이 맞지 않습니다 — 영문 소문자",
    ):
        assert said in korean
    assert "unknown key" not in korean and "Input should" not in korean


def test_every_check_of_the_schema_raises_a_phrase_not_bare_english() -> None:
    """A new check with an f-string would reach Korean readers in English; the schema's checks raise ConfigText."""
    import re

    from axpoc.config import _schema

    source = Path(_schema.__file__).read_text(encoding="utf-8")
    bare = re.findall(r"raise ValueError\(\s*f?[\"']", source)
    assert not bare, f"axpoc/config/_schema.py raises bare English: {bare}"
