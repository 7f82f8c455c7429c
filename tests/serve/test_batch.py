"""``axpoc predict``: bad rows rejected with reasons, good rows scored exactly, nothing partial on failure."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from axpoc.errors import UserError, ValidationFailed
from axpoc.explain import contributions
from axpoc.serve import predict_batch, read_prediction_log


def _bad_parts(project: Any) -> tuple[pd.DataFrame, dict[int, str]]:
    """40 parts with five bad rows spread over three 16-row chunks; 1-based row -> failing column."""
    parts = project.parts(40, seed=5)
    parts["사출압력"] = parts["사출압력"].astype(object)
    parts.loc[3, "금형온도"] = 999.0  # above the declared limit 260
    parts.loc[6, "사출압력"] = "abc"  # text in a numeric column, first chunk
    parts.loc[35, "사출압력"] = "N/A?"  # and in the last chunk, where pandas infers the type anew
    parts.loc[30, project.id_column] = parts.loc[10, project.id_column]  # one id twice, in different chunks
    parts.loc[12, "냉각시간"] = np.nan  # missing but not required: scored (imputed)
    return parts, {4: "금형온도", 7: "사출압력", 36: "사출압력", 11: "part_id", 31: "part_id"}


def test_bad_rows_go_to_the_reject_file_and_good_rows_are_scored(project: Any, tmp_path: Path) -> None:
    parts, bad = _bad_parts(project)
    source = tmp_path / "새부품.csv"
    parts.to_csv(source, index=False, encoding="utf-8")
    output = tmp_path / "scores.csv"

    result = predict_batch(project.config(), source=str(source), output=output, threads=1, chunk_rows=16)

    assert (result.rows, result.scored, result.rejected) == (40, 35, 5)
    assert result.model_version == project.champion and result.alias == "champion"
    assert output.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel shows Korean text
    scored = pd.read_csv(output, encoding="utf-8-sig")
    assert list(scored.columns) == [
        project.id_column,
        "score",
        "prediction",
        "decision",
        "input_flags",
        "model_version",
        "scored_at",
        "run_id",
    ]
    good = parts.drop(index=[row - 1 for row in bad]).astype({"사출압력": float})
    expected = project.model(project.champion).predict_frame(good)
    assert scored[project.id_column].tolist() == good[project.id_column].tolist()
    np.testing.assert_allclose(scored["score"], expected["score"], rtol=1e-12)
    assert scored["decision"].tolist() == expected["decision"].tolist()
    assert set(scored["model_version"].astype(str)) == {project.champion}
    assert set(scored["run_id"]) == {result.run_id}

    rejects = pd.read_csv(tmp_path / "scores.rejects.csv", encoding="utf-8-sig")
    assert sorted(rejects["row"]) == sorted(bad)
    for row, reasons in zip(rejects["row"], rejects["reasons"], strict=True):
        assert reasons.startswith(f"{bad[row]}: "), reasons
    assert rejects.loc[rejects["row"] == 4, "reasons"].item() == "금형온도: between 150 and 260 (got 999.0)"
    assert result.reject_reasons == {
        "사출압력: type numeric": 2,
        "part_id: unique": 2,
        "금형온도: between 150 and 260": 1,
    }

    entry = read_prediction_log(project.folder)[-1]
    assert entry["run_id"] == result.run_id and entry["model_version"] == project.champion
    assert entry["input_digest"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert (entry["rows"], entry["scored"], entry["rejected"]) == (40, 35, 5)
    assert entry["score"]["p50"] == pytest.approx(float(np.median(expected["score"])), rel=1e-12)
    assert entry["score"]["flagged_share"] == pytest.approx(expected["decision"].mean())


def test_parquet_streams_in_chunks_with_the_same_result(project: Any, tmp_path: Path) -> None:
    parts = project.parts(1000, seed=6)
    # far apart: only a check over the whole input sees it
    parts.loc[900, project.id_column] = parts.loc[5, project.id_column]
    source = tmp_path / "parts.parquet"
    parts.to_parquet(source, row_group_size=300)
    config = project.config()

    small = predict_batch(config, source=source, output=tmp_path / "a.parquet", threads=1, chunk_rows=64)
    whole = predict_batch(config, source=source, output=tmp_path / "b.parquet", threads=1, chunk_rows=5000)

    a, b = pd.read_parquet(tmp_path / "a.parquet"), pd.read_parquet(tmp_path / "b.parquet")
    assert len(a) == small.scored == 998 and small.rejected == 2
    pd.testing.assert_frame_equal(
        a.drop(columns=["run_id", "scored_at"]), b.drop(columns=["run_id", "scored_at"])
    )
    rejects = pd.read_csv(tmp_path / "a.rejects.csv", encoding="utf-8-sig")
    assert rejects["row"].tolist() == [6, 901]
    assert whole.input_digest == hashlib.sha256(source.read_bytes()).hexdigest()
    assert len(read_prediction_log(project.folder)) == 2


def test_a_failure_midway_leaves_the_previous_output(project: Any, tmp_path: Path) -> None:
    source = tmp_path / "parts.csv"
    project.parts(100, seed=7).to_csv(source, index=False)
    output, rejects = tmp_path / "scores.csv", tmp_path / "scores.rejects.csv"
    output.write_text("yesterday's scores\n", encoding="utf-8")
    rejects.write_text("yesterday's rejects\n", encoding="utf-8")

    def fail_after_two_chunks(progress) -> None:
        if progress.chunks == 2:
            raise RuntimeError("disk pulled out")

    with pytest.raises(RuntimeError, match="disk pulled out"):
        predict_batch(
            project.config(),
            source=source,
            output=output,
            threads=1,
            chunk_rows=30,
            on_progress=fail_after_two_chunks,
        )

    assert output.read_text(encoding="utf-8") == "yesterday's scores\n"
    assert rejects.read_text(encoding="utf-8") == "yesterday's rejects\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "parts.csv",
        "project",
        "scores.csv",
        "scores.rejects.csv",
    ]
    assert read_prediction_log(project.folder) == []


def test_a_quote_never_closed_is_refused_before_reading_and_the_previous_output_stays(
    project: Any, tmp_path: Path
) -> None:
    import threading

    from axpoc.data import FileCutOff

    source = tmp_path / "parts.csv"
    lines = project.parts(300, seed=9).to_csv(index=False).splitlines()
    # data row 251 opens a quote that never closes: the rest of the file would be one value
    lines[251] = lines[251].replace(",", ',"', 1)
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    output = tmp_path / "scores.parquet"
    output.write_bytes(b"yesterday")

    with pytest.raises(FileCutOff, match=r"parts\.csv.*line 252 is never closed"):
        predict_batch(project.config(), source=source, output=output, threads=1, chunk_rows=40)

    assert output.read_bytes() == b"yesterday"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["parts.csv", "project", "scores.parquet"]
    assert not [t.name for t in threading.enumerate() if t.name in ("axpoc-read", "axpoc-write")]


def test_reading_ahead_hands_over_chunks_then_the_error_and_stops_when_left() -> None:
    from axpoc.serve._threads import read_ahead

    closed = []

    def source(fail: bool):
        try:
            for i in range(4):
                if fail and i == 2:
                    raise UserError("parts.csv: line 251 is broken")
                yield pd.DataFrame({"x": [i]})
        finally:
            closed.append(fail)

    got = []
    with pytest.raises(UserError, match="line 251"):
        for chunk in read_ahead(source(fail=True)):
            got.append(int(chunk["x"].iloc[0]))
    assert got == [0, 1] and closed == [True]

    reader = read_ahead(source(fail=False))
    assert int(next(reader)["x"].iloc[0]) == 0
    reader.close()  # the consumer gave up: the thread ends and the source is closed there
    assert closed == [True, False]


def test_sql_query_in_and_table_out_append_replace_and_rollback(project: Any, tmp_path: Path) -> None:
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'mes.db'}"
    engine = sa.create_engine(url)
    project.parts(50, seed=8).to_sql("parts", engine, index=False)
    query = "SELECT * FROM parts WHERE 금형온도 > 200"
    n_rows = pd.read_sql(query, engine).shape[0]
    config = project.config()

    def score(**options: object) -> object:
        return predict_batch(config, source=query, output="scores", db_url=url, threads=1, **options)

    # a table an axpoc before input_flags wrote: the column is added, its old rows left empty
    before = pd.DataFrame({"part_id": ["OLD1"], "score": [0.5], "prediction": [0], "decision": [False]})
    before.assign(model_version="0", scored_at="2026-01-01", run_id="old").to_sql(
        "scores", engine, index=False
    )
    first, second = score(), score()
    table = pd.read_sql("SELECT * FROM scores WHERE run_id != 'old'", engine)
    assert (
        pd.read_sql("SELECT input_flags FROM scores WHERE run_id = 'old'", engine)["input_flags"].isna().all()
    )
    assert first.scored == n_rows and len(table) == 2 * n_rows
    assert table.groupby("run_id").size().to_dict() == {first.run_id: n_rows, second.run_id: n_rows}
    assert first.input.endswith(f":: {query}") and first.input_digest == second.input_digest
    assert Path(first.rejects).parent == project.folder / "predictions"

    third = score(replace=True)
    assert pd.read_sql("SELECT DISTINCT run_id FROM scores", engine)["run_id"].tolist() == [third.run_id]

    def fail(progress) -> None:
        raise RuntimeError("network gone")

    with pytest.raises(RuntimeError):
        # the table is dropped and refilled inside the transaction, which rolls back
        score(replace=True, chunk_rows=5, on_progress=fail)
    after = pd.read_sql("SELECT * FROM scores", engine)
    assert len(after) == n_rows and set(after["run_id"]) == {third.run_id}
    engine.dispose()


def test_explain_gives_each_rows_top_columns_from_shap_values(project: Any, tmp_path: Path) -> None:
    parts = project.parts(60, seed=9)
    source = tmp_path / "parts.parquet"
    parts.to_parquet(source)
    predict_batch(project.config(), source=source, output=tmp_path / "x.csv", threads=1, explain=2)
    out = pd.read_csv(tmp_path / "x.csv", encoding="utf-8-sig")

    model = project.model(project.champion)
    explained = contributions(model, parts)
    names, values = explained.columns, explained.values
    assert names == list(project.features) and explained.method == "exact"
    # SHAP values add up: log-odds of the score minus their sum is the same constant (the base value) for every row.
    score = model.predict_frame(parts)["score"].to_numpy()
    base = np.log(score / (1 - score)) - values.sum(axis=1)
    assert np.ptp(base) < 1e-9
    top = np.argsort(-np.abs(values), axis=1)
    assert out["top1_feature"].tolist() == [list(project.features)[i] for i in top[:, 0]]
    assert out["top2_feature"].tolist() == [list(project.features)[i] for i in top[:, 1]]
    np.testing.assert_allclose(out["top1_contribution"], values[np.arange(60), top[:, 0]], rtol=1e-12)


def test_cli_predict_reports_json_and_names_a_missing_column(project: Any, tmp_path: Path) -> None:
    from axpoc.cli._serve_verbs import register

    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)  # with one command typer would drop the verb name
    source = tmp_path / "parts.csv"
    project.parts(20, seed=11).to_csv(source, index=False, encoding="cp949")
    runner = CliRunner()

    ok = runner.invoke(
        app,
        [
            "predict",
            str(project.config_path),
            "-i",
            str(source),
            "-o",
            str(tmp_path / "s.parquet"),
            "--threads",
            "1",
            "--json",
        ],
    )
    assert ok.exit_code == 0, ok.output
    payload = json.loads(ok.stdout)
    assert (payload["rows"], payload["scored"], payload["rejected"]) == (20, 20, 0)
    assert set(payload["timings"]) == {"load", "read", "check", "compile", "score", "explain", "write"}
    assert payload["accelerated"] == "none" and payload["acceleration"]["reason"]  # 20 rows: not compiled
    assert pd.read_csv(tmp_path / "s.rejects.csv", encoding="utf-8-sig").empty

    project.parts(5, seed=12).drop(columns="사출압력").to_csv(source, index=False)
    missing = runner.invoke(app, ["predict", str(project.config_path), "-i", str(source), "-o", "out.csv"])
    assert isinstance(missing.exception, UserError)
    assert "사출압력" in missing.exception.message
    assert not (tmp_path / "out.csv").exists()


def test_cli_predict_json_when_nothing_is_scored_is_an_error_object(project: Any, tmp_path: Path) -> None:
    """Every row rejected: ``--json`` says ``ok: false`` with the error (README: exit 1, data rejected), next
    to the counts, and the message names the reject file."""
    from axpoc.cli._serve_verbs import register

    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)
    parts = project.parts(6, seed=13)
    parts["사출압력"] = "측정불가"
    source = tmp_path / "all_bad.csv"
    parts.to_csv(source, index=False)
    out = tmp_path / "s.csv"
    args = [
        "predict",
        str(project.config_path),
        "-i",
        str(source),
        "-o",
        str(out),
        "--threads",
        "1",
        "--json",
    ]
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 1, done.output
    payload = json.loads(done.stdout)
    assert payload["ok"] is False and (payload["rows"], payload["scored"], payload["rejected"]) == (6, 0, 6)
    error = payload["error"]
    assert (error["code"], error["exit_code"]) == ("data_rejected", 1)
    assert "all 6 rows" in error["message"] and "사출압력" in error["message"]
    assert str(tmp_path / "s.rejects.csv") in error["message"]


def test_rows_with_more_fields_than_the_header_are_data_rejected_naming_the_lines(
    project: Any, tmp_path: Path
) -> None:
    """A stray separator pushes every later value into the wrong column: reading only the model's columns
    must not drop the extra field silently. The file, every such line and the fix; exit 1; no output."""
    parts = project.parts(30, seed=14)
    text = parts.to_csv(index=False).splitlines()
    text[5] = text[5].replace(",", ",,", 1)  # line 6: a stray separator after the id
    text[21] += ",7"  # line 22: one value too many at the end
    source = tmp_path / "stray.csv"
    source.write_text("\n".join(text) + "\n", encoding="utf-8")
    out = tmp_path / "s.csv"
    with pytest.raises(ValidationFailed) as caught:
        predict_batch(project.config(), source=str(source), output=out, threads=1, chunk_rows=8)
    assert caught.value.exit_code == 1 and caught.value.code == "data_rejected"
    message = caught.value.message
    assert str(source) in message and "lines 6, 22 have more fields where the header has 5" in message
    assert "stray separator" in message and not out.exists()

    # every line ending in a separator: pandas would take each row's first field as its index
    source.write_text("\n".join([text[0], *(line + "," for line in text[1:4])]) + "\n", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="lines 2, 3, 4 have more fields"):
        predict_batch(project.config(), source=str(source), output=out, threads=1)


def test_a_file_with_decimal_commas_is_scored_as_the_training_reader_reads_it(
    project: Any, tmp_path: Path
) -> None:
    """'40,3' with ';' between fields: detected as training detects it, not rejected as text in every row."""
    parts = project.parts(20, seed=15)
    plain, commas = tmp_path / "plain.csv", tmp_path / "commas.csv"
    parts.to_csv(plain, index=False)
    parts.to_csv(commas, index=False, sep=";", decimal=",")
    assert "," in commas.read_text(encoding="utf-8").splitlines()[1]
    plain_run = predict_batch(project.config(), source=plain, output=tmp_path / "a.csv", threads=1)
    result = predict_batch(project.config(), source=commas, output=tmp_path / "b.csv", threads=1)
    assert (result.scored, result.rejected) == (20, 0)
    assert any("decimal mark ','" in note and "commas.csv" in note for note in result.notes)
    scores = [pd.read_csv(tmp_path / name, encoding="utf-8-sig")["score"] for name in ("a.csv", "b.csv")]
    np.testing.assert_allclose(scores[1], scores[0], rtol=1e-12)
    assert not any("plain.csv" in note for note in plain_run.notes)  # a plain UTF-8 CSV: nothing to note


def test_table_output_on_postgresql(project: Any, tmp_path: Path, require_system) -> None:
    url = os.environ.get("AXPOC_TEST_PG_URL", "")
    require_system("PostgreSQL (AXPOC_TEST_PG_URL)", bool(url))
    import sqlalchemy as sa

    source = tmp_path / "parts.csv"
    project.parts(30, seed=13).to_csv(source, index=False)
    table = f"axpoc_scores_{os.getpid()}"
    engine = sa.create_engine(url)
    try:
        first = predict_batch(project.config(), source=source, output=table, output_url=url, threads=1)
        predict_batch(project.config(), source=source, output=table, output_url=url, threads=1)
        assert pd.read_sql(f"SELECT count(*) AS n FROM {table}", engine)["n"].item() == 60

        def fail(progress) -> None:
            raise RuntimeError("power cut")

        with pytest.raises(RuntimeError):
            predict_batch(
                project.config(),
                source=source,
                output=table,
                output_url=url,
                threads=1,
                replace=True,
                on_progress=fail,
            )
        back = pd.read_sql(f"SELECT * FROM {table}", engine)
        assert len(back) == 60 and first.run_id in set(back["run_id"])
        assert back["decision"].dtype == bool
    finally:
        with engine.begin() as connection:
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
        engine.dispose()


def test_an_excel_sheet_is_scored_through_the_training_loader(project: Any, tmp_path: Path) -> None:
    parts = project.parts(12, seed=14)
    parts.loc[2, "금형온도"] = 10.0  # below the declared limit 150
    source = tmp_path / "검사대기.xlsx"
    parts.to_excel(source, index=False)

    result = predict_batch(project.config(), source=source, output=tmp_path / "s.csv", threads=1)

    assert (result.rows, result.scored, result.rejected) == (12, 11, 1)
    rejects = pd.read_csv(tmp_path / "s.rejects.csv", encoding="utf-8-sig")
    assert rejects[["row", "part_id"]].values.tolist() == [[3, parts.loc[2, "part_id"]]]


def test_how_inputs_and_outputs_are_told_apart_and_repeats_found() -> None:
    from axpoc.serve._sinks import parse_output
    from axpoc.serve._sources import is_query, repeated_values

    assert parse_output("s.csv").kind == "csv" and parse_output("s.PARQUET").kind == "parquet"
    assert (
        parse_output("quality.scores").table == "quality.scores" and parse_output("sql:점수").table == "점수"
    )
    for wrong in ("s.xlsx", "out/scores", "2024_scores"):
        with pytest.raises(UserError, match="--output"):
            parse_output(wrong)
    assert is_query("  select * from t") and is_query("WITH x AS (SELECT 1) SELECT * FROM x")
    assert is_query("sql:parts") and not is_query("selected_parts.csv")
    pieces = [pd.Series(["a", "b", None]), pd.Series(["c", "a", None, "d"]), pd.Series([], dtype=object)]
    assert repeated_values(lambda: iter(pieces)).tolist() == ["a"]
    assert repeated_values(lambda: iter([pd.Series([1, 2, 3]), pd.Series([3, 4])])).tolist() == [3]
    assert repeated_values(lambda: iter([pd.Series(["x", "y"])])).empty


def test_a_chunk_whose_rows_are_all_rejected_is_skipped_not_a_crash(project: Any, tmp_path: Path) -> None:
    parts, _ = _bad_parts(project)
    parts.loc[16:31, "사출압력"] = "측정불가"  # the whole second 16-row chunk is unreadable
    source = tmp_path / "second_chunk_bad.csv"
    parts.to_csv(source, index=False, encoding="utf-8")
    result = predict_batch(
        project.config(), source=str(source), output=tmp_path / "s.csv", threads=1, chunk_rows=16
    )
    assert result.rows == 40 and result.scored + result.rejected == 40
    assert result.rejected >= 16
    assert project.model(project.champion).predict_frame(parts.iloc[:0]).shape == (0, 3)
