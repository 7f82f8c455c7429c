"""Every verb that reads data refuses a cut-off file the same way: exit 1, the file, the line, the fix."""

from __future__ import annotations

from pathlib import Path

import pytest


def _cut_export(folder: Path) -> Path:
    rows = [f"{i},{40 + i % 7}.5,{900 + i % 13},{1 if i % 9 == 0 else 0}" for i in range(40)]
    path = folder / "shots_export.csv"
    path.write_text("shot,temp,pressure,defect\n" + "\n".join(rows) + "\n40,41.5,9", encoding="utf-8")
    return path


def _assert_cut_off(result, verb: str) -> None:
    assert result.code == 1, (verb, result.stderr)
    assert "shots_export.csv: line 42, the last line, has 3 of 4 fields" in result.stderr, verb
    assert "looks cut off" in result.stderr and "Export the data again" in result.stderr, verb
    assert "Traceback" not in result.stderr, verb


@pytest.mark.parametrize("verb", ["validate", "profile", "run"])
def test_config_verbs_refuse_a_cut_off_file(cli, tmp_path: Path, project_dir: Path, verb: str) -> None:
    _cut_export(tmp_path)
    config = tmp_path / "c.yaml"
    config.write_text(
        "project: {name: cut_file}\ndata: {path: shots_export.csv}\ntarget: {column: defect}\n"
        "columns: {id: shot}\n",
        encoding="utf-8",
    )
    extra = [] if verb == "profile" else ["--project-dir", project_dir]
    _assert_cut_off(cli(verb, config, *extra), verb)
    as_json = cli(verb, config, *extra, "--json")
    assert as_json.code == 1 and as_json.json()["error"]["code"] == "file_cut_off"


def test_init_from_data_refuses_a_cut_off_file(cli, tmp_path: Path) -> None:
    data = _cut_export(tmp_path)
    result = cli("init", "cut_file", "--from-data", data, "--out", tmp_path / "c.yaml")
    _assert_cut_off(result, "init")
    assert not (tmp_path / "c.yaml").exists()


def test_inf_and_overflow_are_critical_failures_naming_rows(cli, tmp_path: Path, project_dir: Path) -> None:
    temps = {5: "inf", 9: "1e400", 11: "-inf"}
    rows = [
        f"{i},{temps.get(i, f'{40 + i % 7}.5')},{900 + i % 13},{1 if i % 9 == 0 else 0}" for i in range(60)
    ]
    (tmp_path / "shots.csv").write_text(
        "shot,temp,pressure,defect\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    config = tmp_path / "c.yaml"
    config.write_text(
        "project: {name: inf_cells}\ndata: {path: shots.csv}\ntarget: {column: defect}\ncolumns: {id: shot}\n",
        encoding="utf-8",
    )
    checked = cli("validate", config, "--project-dir", project_dir, "--json")
    assert checked.code == 1, checked.stderr
    failed = [
        r for r in checked.json()["results"]["results"] if r["severity"] == "critical" and not r["success"]
    ]
    assert [(r["name"], r["failing_count"], r["failing_rows"]) for r in failed] == [
        ("finite:temp@inferred", 3, [5, 9, 11])
    ]
    run = cli("run", config, "--project-dir", project_dir)
    assert run.code == 1 and "nothing was trained" in run.stderr and "Traceback" not in run.stderr


def test_dirty_number_counts_in_validate_and_profile(cli, tmp_path: Path, project_dir: Path) -> None:
    hardness = ["158(Hv30)", "224Hv10", "67tot33res", "150-200", "N", "없음", "<5"] + [
        str(180 + i) for i in range(33)
    ]
    rows = [f"{i},{h},{1 if i % 8 == 0 else 0}" for i, h in enumerate(hardness)]
    (tmp_path / "welds.csv").write_text("weld,경도,defect\n" + "\n".join(rows) + "\n", encoding="utf-8")
    config = tmp_path / "c.yaml"
    config.write_text(
        "project: {name: welds}\ndata: {path: welds.csv}\ntarget: {column: defect}\ncolumns: {id: weld}\n",
        encoding="utf-8",
    )
    counts = {"경도": {"censored": 1, "annotated": 3, "ranges": 1, "missing_tokens": 2}}
    checked = cli("validate", config, "--project-dir", project_dir, "--json")
    assert checked.code == 0, checked.stderr
    payload = checked.json()
    assert payload["dirty_numbers"] == counts
    assert any(note.startswith("numeric column '경도': 1 censored") for note in payload["notes"])
    assert "Warning" not in checked.stderr and "axpoc/data" not in checked.stderr  # no raw Python warning
    profiled = cli("profile", config, "--json")
    assert profiled.code == 0 and profiled.json()["dirty_numbers"] == counts
    table = cli("profile", config)
    assert (
        "숫자로 정리한 값 '경도'" in table.stderr and "Warning" not in table.stderr
    )  # the table speaks Korean
