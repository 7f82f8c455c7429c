"""The registered model stays a standard MLflow model: plain ``mlflow models serve`` answers like ``predict_frame``."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np


def test_the_champion_serves_with_plain_mlflow(project: Any, tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    bin_dir = Path(sys.executable).parent
    store_uri = f"sqlite:///{project.folder / 'mlflow.db'}"
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",  # mlflow runs 'bash -c exec uvicorn ...'
        # set_tracking_uri / set_registry_uri of earlier tests leave theirs in os.environ: name ours explicitly
        "MLFLOW_TRACKING_URI": store_uri,
        "MLFLOW_REGISTRY_URI": store_uri,
        "MLFLOW_DISABLE_TELEMETRY": "true",
        "OMP_NUM_THREADS": "1",
    }
    env.pop("MLFLOW_EXPERIMENT_ID", None)
    command = [str(bin_dir / "mlflow"), "models", "serve", "-m", f"models:/{project.model_name}@champion"]
    command += ["--env-manager", "local", "-h", "127.0.0.1", "-p", str(port)]
    log = tmp_path / "mlflow-serve.log"
    parts = project.parts(6, seed=30)
    with log.open("w") as handle:
        process = subprocess.Popen(
            command, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            deadline = time.monotonic() + 120
            while True:
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                try:
                    ready = client.get("/ping").status_code == 200
                except httpx.TransportError:
                    ready = False
                if ready:
                    break
                time.sleep(0.3)
            split = {"columns": list(parts.columns), "data": parts.to_numpy().tolist()}
            response = client.post("/invocations", json={"dataframe_split": split})
            bad = client.post("/invocations", json={"dataframe_split": {"columns": ["x"], "data": [[1]]}})
    finally:
        os.killpg(process.pid, 15)  # uvicorn runs as a child of the mlflow CLI: stop the whole group
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=15)

    assert response.status_code == 200, response.text
    predictions = response.json()["predictions"]
    expected = project.model(project.champion).predict_frame(parts)
    np.testing.assert_allclose([p["score"] for p in predictions], expected["score"], rtol=1e-12)
    assert [p["decision"] for p in predictions] == expected["decision"].tolist()
    assert [p["prediction"] for p in predictions] == expected["prediction"].tolist()
    assert 400 <= bad.status_code < 500
