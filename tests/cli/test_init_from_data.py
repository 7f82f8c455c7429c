"""``axpoc init --from-data`` on messy factory files: every config it writes passes its own ``validate``,
measured values are never groups, a part-name column is the product, numbers are never times, an empty
or one-class column is never the target, and what could not be inferred is said."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

ROWS = 240


def _shot_log(rng: np.random.Generator) -> pd.DataFrame:
    """An injection-molding shot log: mold temperature (measured), four part variants, a time stamp."""
    return pd.DataFrame(
        {
            "샷번호": np.arange(1, ROWS + 1),
            "일시": pd.date_range("2026-03-02 08:00", periods=ROWS, freq="45s").strftime("%Y-%m-%d %H:%M:%S"),
            "금형온도": rng.normal(60, 2, ROWS).round(2),
            "품명": rng.choice(["커버-A", "커버-B", "브라켓-L", "브라켓-R"], ROWS),
            "사출시간": rng.normal(1.8, 0.1, ROWS).round(3),
            "불량": (np.arange(ROWS) % 15 == 0).astype(int),
        }
    )


def _numbers_named_time(rng: np.random.Generator) -> pd.DataFrame:
    """'time' is a counter and 'cycle_time' seconds: neither is a date-time column. Tool wear in minutes and
    a worn/unworn state are no tool groups."""
    return pd.DataFrame(
        {
            "time": np.arange(ROWS),
            "cycle_time": rng.normal(32, 1, ROWS).round(2),
            "Tool wear [min]": np.arange(ROWS) % 40,
            "tool_condition": np.where(np.arange(ROWS) < ROWS // 2, "unworn", "worn"),
            "force": rng.normal(500, 20, ROWS).round(1),
            "result": np.where(np.arange(ROWS) % 9 == 0, "NG", "OK"),
        }
    )


def _mostly_empty_label(rng: np.random.Generator) -> pd.DataFrame:
    """A 95 %-empty 'defect_code' before the real OK/NG verdict, and a lot number with float noise."""
    code = np.full(ROWS, np.nan)
    code[: ROWS // 20] = 1
    code[0] = 2
    return pd.DataFrame(
        {
            "lot_temp": rng.normal(25, 1, ROWS).round(2),
            "defect_code": code,
            "thickness": rng.normal(1.2, 0.02, ROWS).round(3),
            "판정": np.where(np.arange(ROWS) % 11 == 0, "NG", "OK"),
        }
    )


def _partly_labelled(rng: np.random.Generator) -> pd.DataFrame:
    """Labels only on the inspected parts (70 %), a lot column of whole numbers, duplicated ids."""
    label = np.where(np.arange(ROWS) % 7 == 0, 1.0, 0.0)
    label[rng.choice(ROWS, ROWS * 3 // 10, replace=False)] = np.nan
    ids = np.arange(ROWS)
    ids[5] = ids[4]
    return pd.DataFrame(
        {
            "part_id": ids,
            "lot": np.repeat(np.arange(ROWS // 20), 20),
            "hardness": [f"{v:.1f}" for v in rng.normal(220, 5, ROWS)],
            "defect": label,
        }
    )


MESSY = {
    "shot_log": _shot_log,
    "numbers_named_time": _numbers_named_time,
    "mostly_empty_label": _mostly_empty_label,
    "partly_labelled": _partly_labelled,
}


@pytest.mark.parametrize("case", list(MESSY))
def test_init_writes_what_validate_accepts(cli, tmp_path: Path, project_dir: Path, case: str) -> None:
    data = tmp_path / f"{case}.csv"
    MESSY[case](np.random.default_rng(3)).to_csv(data, index=False, encoding="cp949")
    config = tmp_path / "draft.yaml"
    written = cli("init", "draft", "--from-data", data, "--out", config, "--json")
    assert written.code == 0, written.stderr
    checked = cli("validate", config, "--project-dir", project_dir, "--json")
    assert checked.code == 0, (config.read_text(encoding="utf-8"), checked.stdout[-3000:], checked.stderr)
    columns = yaml.safe_load(config.read_text(encoding="utf-8"))["columns"]
    text = config.read_text(encoding="utf-8")
    if case == "shot_log":
        assert columns == {**columns, "id": "샷번호", "time": "일시", "group": None, "product": "품명"}
        assert "group" in " ".join(written.json()["notes"])  # said: no lot/mold column was found
    if case == "numbers_named_time":
        assert columns["time"] is None and "no date-time column found" in text
        assert columns["group"] is None
    if case == "mostly_empty_label":
        assert yaml.safe_load(text)["target"] == {"column": "판정", "task": "binary", "positive_class": "NG"}
        assert columns["group"] is None
    if case == "partly_labelled":
        assert columns["id"] is None and columns["group"] == "lot"
        assert checked.json()["unlabelled_rows"] == ROWS * 3 // 10


def test_a_one_class_file_writes_no_config_and_says_why(cli, tmp_path: Path) -> None:
    data = tmp_path / "all_good.csv"
    pd.DataFrame({"temp": np.linspace(20, 30, 60), "불량": [0] * 60}).to_csv(data, index=False)
    config = tmp_path / "draft.yaml"
    result = cli("init", "draft", "--from-data", data, "--out", config, "--json")
    assert result.code == 2 and not config.exists()
    message = result.json()["error"]["message"]
    assert "no column can be the target" in message and "'불량': one class only" in message


def test_the_target_can_be_named_and_a_measured_value_is_a_regression(
    cli, tmp_path: Path, project_dir: Path
) -> None:
    data = tmp_path / "turning.csv"
    rng = np.random.default_rng(5)
    pd.DataFrame(
        {
            "Vc": rng.choice([220.0, 280.0, 340.0], ROWS),
            "f": rng.normal(0.1, 0.01, ROWS),
            "Ra": rng.gamma(2, 1, ROWS),
        }
    ).to_csv(data, index=False)
    config = tmp_path / "draft.yaml"
    guessed = cli("init", "draft", "--from-data", data, "--out", config, "--json")
    assert guessed.code == 2 and "--target COLUMN" in guessed.json()["error"]["message"]
    typo = cli("init", "draft", "--from-data", data, "--target", "Rа", "--out", config, "--json")
    assert typo.code == 2 and "Did you mean 'Ra'?" in typo.json()["error"]["message"]
    named = cli("init", "draft", "--from-data", data, "--target", "Ra", "--out", config, "--json")
    assert named.code == 0, named.stderr
    assert yaml.safe_load(config.read_text(encoding="utf-8"))["target"] == {
        "column": "Ra",
        "task": "regression",
    }
    assert cli("validate", config, "--project-dir", project_dir).code == 0


def test_a_multiclass_target_gets_a_commented_class_cost_block_over_its_classes(
    cli, tmp_path: Path, project_dir: Path
) -> None:
    """Defect types: init proposes ``kpi.costs.class_costs`` commented, good class first, every other class
    as a predicted class with a blank cost; filled in and uncommented, validate accepts it."""
    data = tmp_path / "types.csv"
    rng = np.random.default_rng(7)
    kinds = np.array(["양품", "양품", "양품", "버", "크랙", "미성형"])[np.arange(ROWS) % 6]
    pd.DataFrame({"압력": rng.normal(90, 3, ROWS).round(2), "불량유형": kinds}).to_csv(data, index=False)
    config = tmp_path / "draft.yaml"
    written = cli("init", "draft", "--from-data", data, "--out", config, "--json")
    assert written.code == 0, written.stderr
    text = config.read_text(encoding="utf-8")
    assert yaml.safe_load(text)["target"]["task"] == "multiclass"
    assert "classes found: 양품, 미성형, 버, 크랙)" in text
    proposal = [line for line in text.splitlines() if line.startswith("    #   ")]
    assert proposal[0] == "    #   양품: {미성형: null, 버: null, 크랙: null}" and len(proposal) == 4
    lines = text.splitlines()
    for i, line in enumerate(lines):  # the user uncomments the block and fills in the costs
        if line == "    # class_costs:":
            lines[i] = "    class_costs:"
        elif line in proposal:
            lines[i] = line.replace("    #   ", "      ").replace("null", "1000")
    filled = "\n".join(lines) + "\n"
    config.write_text(filled, encoding="utf-8")
    assert yaml.safe_load(filled)["kpi"]["costs"]["class_costs"]["버"] == {
        "양품": 1000,
        "미성형": 1000,
        "크랙": 1000,
    }
    checked = cli("validate", config, "--project-dir", project_dir, "--json")
    assert checked.code == 0, checked.stdout[-3000:]
