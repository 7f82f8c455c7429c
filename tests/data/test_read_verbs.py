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
