"""Scoring follows the training contract, not the batch: small batches, all-``N`` columns, flags, ``inf``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from axpoc.serve import predict_batch


def _write(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False, encoding="utf-8")
    return path


def test_a_small_batch_with_an_all_n_column_is_scored_like_the_training_format(
    project: Any, tmp_path: Path
) -> None:
    parts = project.parts(20, seed=31).astype({"냉각시간": object, "사출압력": object})
    parts["냉각시간"] = "N"  # every value missing in this batch: the column is still numeric
    parts.loc[3, "사출압력"] = "<95.5"  # censored, read as 95.5
    parts.loc[4, "사출압력"] = "-"
    source = _write(parts, tmp_path / "small.csv")

    result = predict_batch(project.config(), source=source, output=tmp_path / "out.csv", threads=1)

    assert (result.rows, result.scored, result.rejected) == (20, 20, 0)
    scored = pd.read_csv(tmp_path / "out.csv", encoding="utf-8-sig")
    typed = parts.assign(냉각시간=np.nan, 사출압력=pd.to_numeric(parts["사출압력"], errors="coerce"))
    typed.loc[3, "사출압력"] = 95.5
    expected = project.model(project.champion).predict_frame(typed)
    np.testing.assert_allclose(scored["score"], expected["score"], rtol=1e-12)

    one = _write(parts.head(1), tmp_path / "one.csv")
    single = predict_batch(project.config(), source=one, output=tmp_path / "one_out.csv", threads=1)
    assert (single.rows, single.scored) == (1, 1)


def test_unusual_values_are_scored_and_flagged_and_inf_is_a_row_reject(project: Any, tmp_path: Path) -> None:
    parts = project.parts(8, seed=32).astype({"냉각시간": object})
    parts.loc[1, "냉각시간"] = 99999  # trained around 20 +- 3
    parts.loc[2, "재질"] = "Z"  # materials A, B, C in training
    parts.loc[3, "냉각시간"] = "inf"
    parts.loc[4, "냉각시간"] = "1e400"
    parts.loc[5, "냉각시간"] = "-inf"
    parts.loc[6, "냉각시간"] = "12..5"
    source = _write(parts, tmp_path / "odd.csv")
    output = tmp_path / "odd_out.csv"

    runner = CliRunner()
    from axpoc.cli._app import app

    outcome = runner.invoke(
        app,
        [
            "predict",
            str(project.config_path),
            "-i",
            str(source),
            "-o",
            str(output),
            "--threads",
            "1",
            "--json",
        ],
    )
    assert outcome.exit_code == 0, outcome.output
    report = json.loads(outcome.stdout)
    assert (report["scored"], report["rejected"], report["input_flagged"]) == (4, 4, 2)
    assert report["input_flag_reasons"] == {
        next(k for k in report["input_flag_reasons"] if k.startswith("냉각시간: 학습 범위(")): 1,
        "재질: 학습에 없던 범주": 1,
    }
    scored = pd.read_csv(output, encoding="utf-8-sig", keep_default_na=False)
    flags = dict(zip(scored["part_id"], scored["input_flags"], strict=True))
    assert flags[parts.loc[1, "part_id"]].startswith("냉각시간: 학습 범위(")
    assert flags[parts.loc[1, "part_id"]].endswith("밖 (값 99999)")
    assert flags[parts.loc[2, "part_id"]] == "재질: 학습에 없던 범주 (값 Z)"
    assert flags[parts.loc[0, "part_id"]] == ""

    rejects = pd.read_csv(tmp_path / "odd_out.rejects.csv", encoding="utf-8-sig")
    reasons = dict(zip(rejects["row"], rejects["reasons"], strict=True))
    assert reasons == {
        4: "냉각시간: not a finite number (got inf)",
        5: "냉각시간: not a finite number (got 1e400)",
        6: "냉각시간: not a finite number (got -inf)",
        7: "냉각시간: type numeric (got 12..5)",
    }
    assert report["reject_reasons"] == {"냉각시간: not a finite number": 3, "냉각시간: type numeric": 1}


def test_a_file_cut_off_mid_row_is_refused_before_scoring(project: Any, tmp_path: Path) -> None:
    from axpoc.data import FileCutOff

    source = _write(project.parts(30, seed=33), tmp_path / "cut.csv")
    text = source.read_bytes()
    source.write_bytes(text[: text.rstrip(b"\n").rfind(b",")])  # the export stopped inside the last row

    with pytest.raises(FileCutOff) as cut:
        predict_batch(project.config(), source=source, output=tmp_path / "cut_out.csv", threads=1)
    assert str(source) in cut.value.message and cut.value.exit_code == 1
    assert not (tmp_path / "cut_out.csv").exists()
