"""The README's ``mlflow models serve`` recipe, run as written (only the folders, model name and port
replaced): it serves the champion with the scores of ``axpoc predict`` and leaves no ``mlflow.db`` behind."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
MARK = "<!-- recipe: mlflow-models-serve"
_START_S = 180


def readme_recipe() -> str:
    """The fenced bash block after the recipe mark in README.md."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    found = re.search(re.escape(MARK) + r".*?-->\s*```bash\n(.*?)```", text, flags=re.S)
    assert found, "README.md lost its marked mlflow models serve recipe"
    return found.group(1)


def _set(script: str, name: str, value: str) -> str:
    """Give the recipe's ``NAME=...`` line this machine's value (the rest of the line, its comment, stays)."""
    changed, count = re.subn(rf"^{name}=\S+", f"{name}={value}", script, flags=re.M)
    assert count == 1, f"the recipe sets {name} once"
    return changed


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_readme_mlflow_serve_recipe_serves_the_champion_like_predict(
    cli, write_config, project_dir: Path, tmp_path: Path, require_system
) -> None:
    require_system("bash", shutil.which("bash") is not None)
    from axpoc.steps import demo_frame

    config = write_config(tmp_path)
    # --force: the recipe serves whatever holds 'champion'; whether this small model earns it is not the point.
    ran = cli(
        "run", config, "--project-dir", project_dir, "--force", "--reason", "serve recipe test", "--json"
    )
    assert ran.code == 0 and ran.json()["alias"] == "champion", ran.stderr[-3000:]
    project, model = project_dir, ran.json()["model_name"]
    recipe = readme_recipe()
    assert "MLFLOW_TRACKING_URI" in recipe and "--env-manager local" in recipe and "PATH" in recipe
    port = _free_port()
    script = _set(recipe, "PROJECT", str(project))
    script = _set(script, "VENV", str(Path(sys.executable).parent.parent))
    script = script.replace("models:/hanil_mold@", f"models:/{model}@").replace("-p 5001", f"-p {port}")
    work = tmp_path / "work"  # the folder the operator stands in: it must stay empty
    work.mkdir()
    (tmp_path / "recipe.sh").write_text(script, encoding="utf-8")

    parts = demo_frame("injection_molding", rows=50, defect_rate=0.06, drift=0.0, seed=21).head(12)
    parts = parts.drop(columns=["defect", "defect_type"])
    parts.to_parquet(tmp_path / "parts.parquet", index=False)
    scored = cli(
        "predict", config, "-i", tmp_path / "parts.parquet", "-o", tmp_path / "scores.csv",
        "--project-dir", project,
    )  # fmt: skip
    assert scored.code == 0, scored.stderr[-3000:]
    expected = pd.read_csv(tmp_path / "scores.csv")

    # A plain shell: no MLflow variables and no venv on PATH, so only the recipe's own lines make it work.
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_") and k != "VIRTUAL_ENV"}
    env |= {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "MLFLOW_DISABLE_TELEMETRY": "true",
        "OMP_NUM_THREADS": "1",
    }
    log = tmp_path / "serve.log"
    with log.open("wb") as handle:
        server = subprocess.Popen(
            ["bash", str(tmp_path / "recipe.sh")],
            cwd=work,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    rows = [[_cell(v) for v in row] for row in parts.itertuples(index=False)]
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            deadline = time.monotonic() + _START_S
            while True:
                assert server.poll() is None, log.read_text(errors="replace")[-3000:]
                assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
                try:
                    if client.get("/ping").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.5)
            body = {"dataframe_split": {"columns": list(parts.columns), "data": rows}}
            response = client.post("/invocations", json=body)
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # bash, mlflow and its uvicorn: the whole group
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=20)

    assert response.status_code == 200, response.text[-2000:]
    served = pd.DataFrame(response.json()["predictions"])
    np.testing.assert_allclose(served["score"], expected["score"], rtol=1e-12, atol=0)
    assert served["decision"].tolist() == expected["decision"].tolist()
    assert not list(work.iterdir()), (
        f"the recipe left {sorted(p.name for p in work.iterdir())} in the working folder"
    )


def _cell(value: object) -> object:
    """A frame cell as JSON: curves as lists, times as ISO text, numpy scalars as Python numbers."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value.item() if isinstance(value, np.generic) else value
