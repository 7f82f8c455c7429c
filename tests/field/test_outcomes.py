"""``axpoc outcomes``: every outcome row is joined, counted apart or refused with a message, never dropped."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

COUNTED = ("field", "baseline", "unknown", "no_id", "duplicated", "conflicting")


def test_every_row_of_each_file_lands_in_one_count(field_project) -> None:
    history, week1, week2, _ = field_project.recorded
    assert history["baseline"] == history["rows"] == field_project.written["baseline_parts"]
    assert week1["field"] == week1["rows"] and week1["unknown"] == 0
    # week 2 carries a repeated line, an id never scored and two results without the measurement
    assert week2["duplicated"] == 1 and week2["unknown"] == 1 and week2["partial"] == 2
    for result in field_project.recorded:
        assert sum(result[k] for k in COUNTED) == result["rows"], result
    unknown = pd.read_csv(field_project.project / "field" / "unknown_outcomes.csv", dtype=str)
    assert unknown["id"].tolist() == week2["unknown_ids"]
    assert any("알 수 없는 id 1건" in note for note in week2["notes"])


def test_a_file_sent_again_changes_nothing_and_a_changed_result_replaces(
    field_project, tmp_path: Path, cli
) -> None:
    copy = field_project.copy(tmp_path)
    again = cli("outcomes", copy.config_path, "--data", copy.demo / "outcomes_week1.csv", "--json")
    assert again.code == 0, again.stderr
    assert again.json()["repeated"] == again.json()["field"]
    changed = pd.read_csv(copy.demo / "outcomes_week1.csv").head(3)
    changed["defect"] = 1 - changed["defect"]
    changed.to_csv(tmp_path / "fix.csv", index=False)
    fixed = cli("outcomes", copy.config_path, "--data", tmp_path / "fix.csv", "--json").json()
    assert fixed["updated"] == 3 and len(fixed["notes"]) >= 2


def test_broken_outcome_files_are_one_paragraph_and_an_exit_code(field_project, tmp_path: Path, cli) -> None:
    copy = field_project.copy(tmp_path)
    no_id = tmp_path / "no_id.csv"
    pd.DataFrame({"번호": [1, 2], "defect": [0, 1]}).to_csv(no_id, index=False)
    result = cli("outcomes", copy.config_path, "--data", no_id, "--json")
    assert result.code == 2
    error = result.json()["error"]
    assert (
        "shot_id" in error["message"]
        and "columns.id" in error["message"]
        and "Traceback" not in result.stderr
    )
    cut = tmp_path / "cut.csv"
    text = (copy.demo / "outcomes_week1.csv").read_text(encoding="utf-8-sig")
    cut.write_text(text[: len(text) // 2 - 7], encoding="utf-8")
    result = cli("outcomes", copy.config_path, "--data", cut, "--json")
    assert result.code == 1 and result.json()["ok"] is False
    bad = tmp_path / "bad_measure.csv"
    frame = pd.read_csv(copy.demo / "outcomes_week1.csv").head(4).astype({"weight_dev_pct": object})
    frame.loc[2, "weight_dev_pct"] = "abc"
    frame.to_csv(bad, index=False)
    result = cli("outcomes", copy.config_path, "--data", bad)
    assert result.code == 2 and "weight_dev_pct" in result.stderr and "행 3" in result.stderr


def test_without_scored_outputs_the_message_says_what_to_run(field_project, tmp_path: Path, cli) -> None:
    copy = field_project.copy(tmp_path)
    (copy.project / "predictions.jsonl").unlink()
    result = cli("outcomes", copy.config_path, "--data", copy.demo / "outcomes_week1.csv", "--json")
    assert result.code == 2 and "axpoc predict" in result.json()["error"]["message"]


def test_outcomes_join_to_the_sql_table_predict_wrote(field_project, tmp_path: Path, cli) -> None:
    from axpoc.serve import predict_batch

    copy = field_project.copy(tmp_path)
    url = f"sqlite:///{(tmp_path / 'plant.db').as_posix()}"
    predict_batch(
        copy.config(), source=copy.demo / "parts_week1.parquet", output="sql:field_scores", output_url=url
    )
    refused = cli("outcomes", copy.config_path, "--data", copy.demo / "outcomes_week1.csv", "--json")
    assert refused.code == 2 and "--db-url" in refused.json()["error"]["message"]
    joined = cli(
        "outcomes",
        copy.config_path,
        "--data",
        copy.demo / "outcomes_week1.csv",
        "--scores",
        "sql:field_scores",
        "--db-url",
        url,
        "--json",
    )
    assert joined.code == 0, joined.stderr
    result = joined.json()
    assert result["field"] == field_project.recorded[1]["field"] and result["unknown"] == 0


def test_an_id_column_with_an_empty_cell_still_joins(field_project, tmp_path: Path, cli) -> None:
    copy = field_project.copy(tmp_path)
    frame = pd.read_csv(copy.demo / "outcomes_week1.csv").head(6)
    frame.loc[2, "shot_id"] = None  # pandas now reads the ids as 100001.0, ...
    frame.to_csv(tmp_path / "gap.csv", index=False)
    result = cli("outcomes", copy.config_path, "--data", tmp_path / "gap.csv", "--json").json()
    assert result["no_id"] == 1 and result["repeated"] + result["updated"] == 5 and result["unknown"] == 0


def test_a_result_the_champion_does_not_know_rejects_the_file(field_project, tmp_path: Path, cli) -> None:
    """The champion's classes are the results a file may hold: 'NG' would otherwise count as a good part."""
    copy = field_project.copy(tmp_path)
    frame = pd.read_csv(copy.demo / "outcomes_week1.csv").head(4).astype({"defect": object})
    frame.loc[2, "defect"] = "NG"
    frame.to_csv(tmp_path / "ng.csv", index=False)
    result = cli("outcomes", copy.config_path, "--data", tmp_path / "ng.csv", "--json")
    assert result.code == 1, result.stderr
    message = result.json()["error"]["message"]
    assert "ng.csv" in message and "'NG' (1)" in message and "행 3" in message and "'0', '1'" in message
