"""``GET /dashboard``: the shop-floor page of ``axpoc serve`` on the shared field project.

The page is served by a real uvicorn server and read by headless Chromium: its DOM's numbers must equal
``GET /dashboard/data`` (and the model version ``/health`` reports), and Hangul must render with the page's
own font stack (two Korean words drawn by Chromium must differ, as in tests/report/test_screenshot.py).
"""

from __future__ import annotations

import re
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

TOKEN = "line-pc-token"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def served(field_project: Any) -> Iterator[tuple[str, Any]]:
    """The project's app on a real HTTP port (token set), and a test client of the same app."""
    import uvicorn
    from fastapi.testclient import TestClient

    from axpoc.serve import create_app

    app = create_app(field_project.config(), token=TOKEN, reload_interval_s=0)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    with TestClient(app) as client:
        yield f"http://127.0.0.1:{port}", client
    server.should_exit = True
    thread.join(timeout=10)


def test_the_page_and_its_numbers_need_the_token(served: tuple[str, Any]) -> None:
    _, client = served
    assert client.get("/dashboard").status_code == 401
    assert client.get("/dashboard/data", params={"token": "wrong"}).status_code == 401
    assert client.get("/dashboard", params={"token": TOKEN}).status_code == 200
    assert client.get("/dashboard/data", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_the_numbers_come_from_the_logs_and_the_field_outcomes(
    served: tuple[str, Any], field_project: Any
) -> None:
    from axpoc.serve import read_prediction_log

    _, client = served
    data = client.get("/dashboard/data", params={"token": TOKEN}).json()
    batches = [e for e in read_prediction_log(field_project.project) if e["kind"] == "batch"]
    assert data["totals"]["scored"] == sum(e["scored"] for e in batches)
    assert data["totals"]["flagged"] == sum(e["flagged"] for e in batches)
    assert data["model"]["version"] == client.get("/health").json()["model_version"] == "1"
    assert len(data["recent"]) == 12 and data["recent"][0]["source"] == "batch"
    assert data["field"]["with_result"] > 0 and 0 <= data["field"]["kpis"]["recall"]["value"] <= 1
    assert data["drift"]["status"] == "process_shift"  # the demo's drift week


def test_parts_scored_through_the_api_show_first(served: tuple[str, Any], field_project: Any) -> None:
    import pandas as pd

    _, client = served
    row = pd.read_parquet(field_project.demo / "parts_week1.parquet").iloc[0]
    payload = {k: (v.tolist() if hasattr(v, "tolist") else v) for k, v in row.items() if k != "timestamp"}
    payload["timestamp"] = str(row["timestamp"])
    before = client.get("/dashboard/data", params={"token": TOKEN}).json()["api"]["scored"]
    answer = client.post("/predict", json=payload, headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200, answer.text
    data = client.get("/dashboard/data", params={"token": TOKEN}).json()
    assert data["api"]["scored"] == before + 1
    assert data["recent"][0]["source"] == "api" and data["recent"][0]["id"] == int(row["shot_id"])


def _chromium(args: list[str]) -> subprocess.CompletedProcess[str]:
    from axpoc.report import find_chromium

    browser = find_chromium()
    assert browser is not None
    return subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def chromium(require_system: Callable[[str, bool], None]) -> None:
    import shutil

    from axpoc.report import find_chromium

    require_system("headless Chromium (Debian package chromium)", find_chromium() is not None)
    found = (
        subprocess.run(["fc-list", ":lang=ko", "family"], capture_output=True, text=True, check=False)
        if shutil.which("fc-list")
        else None
    )
    require_system(
        "a Korean font for Chromium (Debian package fonts-noto-cjk)", bool(found and found.stdout.strip())
    )


def test_chromium_shows_the_api_numbers_and_renders_hangul(
    chromium: None, served: tuple[str, Any], tmp_path: Path
) -> None:
    from PIL import Image

    from axpoc.report import screenshot

    url, client = served
    data = client.get("/dashboard/data", params={"token": TOKEN}).json()
    dom = _chromium(
        [f"--user-data-dir={tmp_path / 'p1'}", "--dump-dom", f"{url}/dashboard?token={TOKEN}"]
    ).stdout
    shown = dict(re.findall(r'data-field="([a-z_]+)">([^<]*)<', dom))
    api_scored = data["totals"]["scored"] + data["api"]["scored"]
    assert shown["model_version"] == f"v{data['model']['version']}"
    assert shown["scored"] == f"{api_scored:,}"
    assert shown["flagged"] == f"{data['totals']['flagged'] + data['api']['flagged']:,}"
    assert shown["rejected"] == f"{data['totals']['rejected']:,}"
    assert shown["kpi_recall"] == f"{100 * data['field']['kpis']['recall']['value']:.1f}%"
    assert "현장 모니터" in dom and 'http-equiv="refresh"' in dom
    assert not re.search(r'(src|href)="https?://', dom)  # no external assets: works offline

    png = tmp_path / "dashboard.png"
    done = _chromium(
        [
            f"--user-data-dir={tmp_path / 'p2'}",
            "--window-size=1280,900",
            "--hide-scrollbars",
            f"--screenshot={png}",
            f"{url}/dashboard?token={TOKEN}",
        ]
    )
    assert png.is_file(), done.stderr[-500:]
    page = np.asarray(Image.open(png).convert("RGB"), dtype=float)
    assert page.std() > 10  # drawn, not blank

    probe = (
        '<div style="position:fixed;left:0;top:0;width:1280px;height:300px;background:#fff;color:#000;'
        'font-size:120px;line-height:1;z-index:9">'
        '<div style="position:absolute;left:40px;top:40px">합격</div>'
        '<div style="position:absolute;left:680px;top:40px">불량</div></div>'
    )
    html = client.get("/dashboard", params={"token": TOKEN}).text.replace("</body>", probe + "</body>")
    html = re.sub(r'<meta http-equiv="refresh"[^>]*>', "", html)
    page_file = tmp_path / "dashboard.html"
    page_file.write_text(html, encoding="utf-8")
    shot = screenshot(page_file, tmp_path / "probe.png", width=1280, height=400)
    assert shot is not None
    image = np.asarray(Image.open(shot).convert("RGB"), dtype=float)
    a = image[40:190, 40:600].mean(axis=2) < 128
    b = image[40:190, 680:1240].mean(axis=2) < 128
    assert a.sum() > 500 and b.sum() > 500, "no ink: Hangul did not render"
    assert (a ^ b).sum() / (a | b).sum() > 0.3, "both words look alike: Hangul drawn as missing-glyph boxes"
