"""``axpoc predict`` output faults: clear refusals (exit 2) naming the path, nothing partial, leftovers cleaned."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from axpoc.errors import UserError
from axpoc.serve import predict_batch

_NO_TRACE = "Traceback"


def _parts(project: Any, folder: Path, n: int = 30) -> Path:
    source = folder / "parts.csv"
    project.parts(n, seed=41).to_csv(source, index=False, encoding="utf-8")
    return source


def _predict(project: Any, source: Path, output: Path | str, **options: Any) -> Any:
    return predict_batch(project.config(), source=source, output=output, threads=1, **options)


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_bad_output_locations_are_refused_before_any_work(project: Any, tmp_path: Path) -> None:
    source = _parts(project, tmp_path)
    a_file = tmp_path / "note.txt"
    a_file.write_text("not a folder", encoding="utf-8")
    a_folder = tmp_path / "scores.csv"
    a_folder.mkdir()

    with pytest.raises(UserError) as under_file:
        _predict(project, source, a_file / "sub" / "scores.csv")
    assert f"{a_file} is a file, not a folder" in under_file.value.message
    with pytest.raises(UserError) as onto_folder:
        _predict(project, source, a_folder)
    assert f"--output {a_folder} is a folder" in onto_folder.value.message
    with pytest.raises(UserError) as rejects_under_file:
        _predict(project, source, tmp_path / "ok.csv", rejects=a_file / "r.csv")
    assert rejects_under_file.value.message.startswith("--rejects ")
    assert not (tmp_path / "ok.csv").exists()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write in any folder")
def test_a_folder_without_write_permission_is_refused_before_any_work(project: Any, tmp_path: Path) -> None:
    source = _parts(project, tmp_path)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        with pytest.raises(UserError) as refused:
            _predict(project, source, locked / "scores.csv")
    finally:
        locked.chmod(0o755)
    assert f"no permission to write in the folder {locked}" in refused.value.message
    assert list(locked.iterdir()) == []


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc, a folder nobody may write in")
def test_a_folder_that_refuses_the_write_is_a_clear_message(project: Any, tmp_path: Path) -> None:
    source = _parts(project, tmp_path)
    with pytest.raises(UserError) as refused:
        _predict(project, source, "/proc/axpoc-scores.csv", rejects=tmp_path / "r.csv")
    text = refused.value.message
    assert text.startswith("--output /proc/axpoc-scores.csv") and (
        "writing failed" in text or "permission" in text
    )
    assert _hidden(tmp_path) == []


@pytest.mark.skipif(os.name != "posix", reason="RLIMIT_FSIZE is POSIX")
def test_a_full_disk_is_exit_2_with_the_path_and_no_partial_file(project: Any, tmp_path: Path) -> None:
    """The disk fills up mid-write (simulated by a 64 KB file size limit on the predict process)."""
    import resource

    source = _parts(project, tmp_path, n=3000)  # about 250 KB of scores
    output = tmp_path / "out" / "scores.csv"
    output.parent.mkdir()
    output.write_text("previous scores\n", encoding="utf-8")
    limit = 64 * 1024

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail (EFBIG) instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    command = [sys.executable, "-m", "axpoc", "predict", str(project.config_path), "-i", str(source)]
    command += ["-o", str(output), "--threads", "1", "--chunk-rows", "500"]
    done = subprocess.run(
        command, preexec_fn=limited, capture_output=True, text=True, timeout=300, env={**os.environ}
    )

    assert done.returncode == 2, done.stderr
    assert _NO_TRACE not in done.stderr
    said = " ".join(done.stderr.split())
    assert f"--output {output}: writing failed" in said and "Free space" in said
    assert output.read_text(encoding="utf-8") == "previous scores\n"
    assert _hidden(output.parent) == [] and sorted(p.name for p in output.parent.iterdir()) == ["scores.csv"]


_KILLED = """
import sys, time
from pathlib import Path
from axpoc.config import load_config
from axpoc.serve import predict_batch

def stall(progress):
    Path(sys.argv[3]).write_text("writing")
    time.sleep(600)

predict_batch(load_config(sys.argv[1]), source=sys.argv[2], output=sys.argv[4], threads=1, chunk_rows=10,
              on_progress=stall)
"""


def test_temp_files_of_a_killed_predict_are_removed_by_the_next_one(project: Any, tmp_path: Path) -> None:
    from axpoc.tracking import process_alive

    source = _parts(project, tmp_path)
    output = tmp_path / "scores.csv"
    marker = tmp_path / "writing"
    script = [sys.executable, "-c", _KILLED, str(project.config_path), str(source), str(marker), str(output)]
    victim = subprocess.Popen(script, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        # the chunk is handed to a background writer before the progress call, so the marker can come
        # before the temporary file exists: wait for both (a CI run under load once killed in between)
        while not (marker.exists() and _hidden(tmp_path)):
            assert victim.poll() is None and time.monotonic() < deadline, "the predict to kill never started"
            time.sleep(0.05)
    finally:
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
    left = _hidden(tmp_path)  # the scores' file (the rejects' opens at the first rejected row)
    assert len(left) == 1 and left[0].startswith(f".scores.csv.{victim.pid}-") and left[0].endswith(".tmp")

    concurrent = tmp_path / f".scores.csv.{os.getppid()}-0a1b2c3d.tmp"  # a live process's: kept
    same_pid = (
        tmp_path / f".scores.csv.{os.getpid()}-0a1b2c3e.tmp"
    )  # an earlier process with this id (container)
    same_pid.write_bytes(b"x")
    concurrent.write_bytes(b"still writing")
    legacy_old = tmp_path / ".scores.csv.deadbeef.tmp"  # written by an older axpoc, untouched for a day
    legacy_old.write_bytes(b"x" * 1000)
    os.utime(legacy_old, (time.time() - 86400, time.time() - 86400))
    legacy_new = tmp_path / ".scores.csv.feedf00d.tmp"
    legacy_new.write_bytes(b"x")
    other = tmp_path / ".other.csv.12345678.tmp"  # another output's: not ours to judge
    other.write_bytes(b"x")
    assert process_alive(os.getppid()) and not process_alive(victim.pid)

    result = _predict(project, source, output)

    assert result.scored == 30 and output.exists()
    assert _hidden(tmp_path) == sorted([concurrent.name, legacy_new.name, other.name])
    assert any(
        note.startswith("removed 3 temporary file(s) a killed predict had left") for note in result.notes
    )


def _damaged_version(project: Any) -> str:
    """A new version whose pickled model is cut off halfway, as an interrupted copy leaves it."""
    import mlflow

    from axpoc.tracking import log_poc_model, register_version
    from axpoc.tracking._registry import _local_poc_model

    store = project.store()
    model = project.model(project.champion)
    with mlflow.start_run(experiment_id=store.experiment_id):
        uri = log_poc_model(
            model, input_example=project.train[list(project.features)].head(5), pip_requirements=[]
        )
    damaged = register_version(store, uri, tags={"axpoc.family": "lightgbm"})
    pickled = _local_poc_model(store.client, store.client.get_model_version(store.model_name, damaged).source)
    assert pickled is not None
    data = pickled.read_bytes()
    pickled.write_bytes(data[: len(data) // 2])
    return damaged


def test_a_damaged_model_file_is_a_clear_refusal_in_predict_and_serve(project: Any, tmp_path: Path) -> None:
    from axpoc.serve import create_app
    from axpoc.tracking import promote

    store = project.store()
    damaged = _damaged_version(project)
    source = _parts(project, tmp_path)

    with pytest.raises(UserError) as in_predict:
        _predict(project, source, tmp_path / "scores.csv", model_version=damaged)
    assert f"Version {damaged} of the model" in in_predict.value.message
    assert "model file is damaged or cut off" in in_predict.value.message
    assert "axpoc rollback" in in_predict.value.message
    assert not (tmp_path / "scores.csv").exists()
    promote(store, damaged, reason="test: a damaged champion")
    with pytest.raises(UserError) as in_serve:
        create_app(project.config(), reload_interval_s=0)
    assert "model file is damaged or cut off" in in_serve.value.message


def test_outcomes_refuse_a_damaged_champion_like_predict(project: Any, tmp_path: Path, cli: Any) -> None:
    """outcomes reads the champion's classes; a damaged champion is a message with exit 2, never a traceback."""
    import pandas as pd

    from axpoc.tracking import promote

    source = _parts(project, tmp_path)
    scores = tmp_path / "scores.csv"
    _predict(project, source, scores)  # the sound champion scores the parts
    results = tmp_path / "results.csv"
    ids = pd.read_csv(source, encoding="utf-8")["part_id"].head(10)
    pd.DataFrame({"part_id": ids, "불량": [0, 1] * 5}).to_csv(results, index=False, encoding="utf-8")
    promote(project.store(), _damaged_version(project), reason="test: a damaged champion")

    result = cli("outcomes", project.config_path, "--data", results, "--scores", scores)
    assert result.code == 2
    assert "model file is damaged or cut off" in result.stderr
    assert "axpoc rollback" in result.stderr
    assert _NO_TRACE not in result.stdout + result.stderr
    assert not (project.folder / "field" / "outcomes.parquet").exists()
