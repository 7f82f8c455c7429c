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
