"""``axpoc ui``: MLflow's UI on this project's store, lean enough for a laptop."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from axpoc.config import PocConfig


def serve_mlflow_ui(config: PocConfig, *, project_dir: Path | None = None, port: int = 5000) -> int:
    """Runs until Ctrl-C. One worker, no job runner (MLflow's default starts seven extra processes)."""
    from axpoc.tracking import default_tracking_uri

    folder = config.project_dir(project_dir)
    uri = config.tracking.uri or default_tracking_uri(folder)
    env = {**os.environ, "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}
    env.pop("MLFLOW_EXPERIMENT_ID", None)
    argv = [
        sys.executable,
        "-m",
        "mlflow",
        "server",
        "--backend-store-uri",
        uri,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--default-artifact-root",
        (folder / "artifacts").resolve().as_uri(),
    ]
    print(f"MLflow UI: http://127.0.0.1:{port}  (Ctrl-C to stop)", file=sys.stderr)
    try:
        return subprocess.call(argv, env=env)
    except KeyboardInterrupt:
        return 0
