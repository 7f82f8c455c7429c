"""``axpoc serve``: real HTTP requests to the champion: good rows, bad rows (4xx naming the column), alias moves."""

from __future__ import annotations

import json
import math
import os
import random
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd
import pytest

from axpoc.data._contract import Contract
from axpoc.serve import create_app

_SERVE = (
    "import typer; from axpoc.cli._serve_verbs import register; app = typer.Typer(); register(app); "
    "app.command('noop')(lambda: None); app()"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(app: Any) -> Iterator[httpx.Client]:
    """The app under uvicorn in a thread on a free loopback port, and a client for it."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def rows(parts: pd.DataFrame) -> list[dict[str, Any]]:
    return parts.to_dict(orient="records")


def tagged(response: httpx.Response) -> dict[str, Any]:
    """The body, after checking that the request id and model version are in the headers and the body."""
    body = response.json()
    assert response.headers["x-request-id"] == body["request_id"]
    assert response.headers["x-model-version"] == body["model_version"]
    return body


def test_good_payloads_are_scored_like_predict_frame(project: Any) -> None:
    model = project.model(project.champion)
    parts = project.parts(5, seed=20)
    with serving(create_app(project.config(), reload_interval_s=0)) as client:
        health = tagged(client.get("/health"))
        batch = tagged(client.post("/predict", json={"rows": rows(parts)}))
        single = client.post("/predict", json=rows(parts)[0], headers={"X-Request-ID": "line3-0001"})
        explained = tagged(client.post("/predict", params={"explain": 2}, json=rows(parts)[0]))

    assert health["status"] == "ok" and health["model_version"] == project.champion
    assert health["alias"] == "champion" and health["model_name"] == project.model_name
    assert health["contract_digest"] == Contract.from_json(model.contract_json).digest
    expected = model.predict_frame(parts)
    assert batch["model_version"] == project.champion and len(batch["request_id"]) == 32
    assert [p["part_id"] for p in batch["predictions"]] == parts["part_id"].tolist()
    np.testing.assert_allclose([p["score"] for p in batch["predictions"]], expected["score"], rtol=1e-12)
    assert [p["decision"] for p in batch["predictions"]] == expected["decision"].tolist()
    assert [p["prediction"] for p in batch["predictions"]] == expected["prediction"].tolist()
    assert single.status_code == 200 and tagged(single)["request_id"] == "line3-0001"
    assert tagged(single)["predictions"][0]["score"] == pytest.approx(expected["score"].iloc[0], rel=1e-12)
    top = explained["predictions"][0]["top_features"]
    assert len(top) == 2 and {t["feature"] for t in top} <= set(project.features)


def test_bad_payloads_get_a_4xx_naming_the_column(project: Any) -> None:
    good = rows(project.parts(3, seed=21))
    no_pressure = [{k: v for k, v in row.items() if k != "사출압력"} for row in good]
    text = [*good[:2], {**good[2], "사출압력": "abc"}]
    too_hot = [{**good[0], "금형온도": 999.0}, *good[1:]]
    with serving(create_app(project.config(), reload_interval_s=0)) as client:
        missing = client.post("/predict", json={"rows": no_pressure})
        not_number = client.post("/predict", json={"rows": text})
        outside = client.post("/predict", json={"rows": too_hot})
        not_json = client.post(
            "/predict", content=b"{'rows': [", headers={"content-type": "application/json"}
        )
        not_rows = client.post("/predict", json={"rows": [1, 2]})
        empty = client.post("/predict", json={"rows": []})
        unknown = client.get("/nowhere")

    body = tagged(missing)
    assert missing.status_code == 422 and "사출압력" in body["detail"]
    assert body["errors"] == [{"row": None, "column": "사출압력", "check": "column exists", "value": None}]
    body = tagged(not_number)
    assert not_number.status_code == 422 and "사출압력" in body["detail"]
    assert body["errors"] == [{"row": 2, "column": "사출압력", "check": "type numeric", "value": "abc"}]
    body = tagged(outside)
    assert outside.status_code == 422
    assert body["errors"] == [
        {"row": 0, "column": "금형온도", "check": "between 150 and 260", "value": 999.0}
    ]
    for response in (not_json, not_rows, empty):
        assert response.status_code == 422 and tagged(response)["detail"]
    assert unknown.status_code == 404 and unknown.headers["x-model-version"] == project.champion


def test_a_moved_champion_alias_is_served_without_restart(project: Any) -> None:
    from axpoc.tracking import promote

    parts = project.parts(4, seed=22)
    with serving(create_app(project.config(), reload_interval_s=0.2)) as client:
        before = tagged(client.post("/predict", json={"rows": rows(parts)}))
        promote(project.store(), project.waiting, reason="test: new champion")
        deadline = time.monotonic() + 20
        while tagged(client.get("/health"))["model_version"] != project.waiting:
            assert time.monotonic() < deadline, "the moved alias was not picked up"
            time.sleep(0.1)
        after = tagged(client.post("/predict", json={"rows": rows(parts)}))

    assert before["model_version"] == project.champion and after["model_version"] == project.waiting
    expected = project.model(project.waiting).predict_frame(parts)
    np.testing.assert_allclose([p["score"] for p in after["predictions"]], expected["score"], rtol=1e-12)
    assert [p["decision"] for p in after["predictions"]] == expected["decision"].tolist()


def test_cli_serve_needs_the_token_when_one_is_set(project: Any, tmp_path: Path) -> None:
    from axpoc.cli._serve_verbs import _loopback

    port = free_port()
    env = {**os.environ, "AXPOC_TEST_TOKEN": "s3cret-token", "OMP_NUM_THREADS": "1"}
    command = [sys.executable, "-c", _SERVE, "serve", str(project.config_path), "--port", str(port)]
    command += ["--token-env", "AXPOC_TEST_TOKEN", "--no-access-log"]
    log = tmp_path / "serve.log"
    with log.open("w") as handle:
        process = subprocess.Popen(command, env=env, stdout=handle, stderr=subprocess.STDOUT)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            deadline = time.monotonic() + 90
            while True:
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                try:
                    health = client.get("/health")
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            payload = {"rows": rows(project.parts(2, seed=23))}
            refused = client.post("/predict", json=payload)
            wrong = client.post("/predict", json=payload, headers={"Authorization": "Bearer guess"})
            allowed = client.post("/predict", json=payload, headers={"Authorization": "Bearer s3cret-token"})
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)

    assert health.status_code == 200 and health.json()["model_version"] == project.champion
    assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
    assert wrong.status_code == 401 and tagged(wrong)["request_id"]
    assert allowed.status_code == 200 and len(tagged(allowed)["predictions"]) == 2
    assert "서비스 시작: " in log.read_text(encoding="utf-8")  # the config speaks Korean
    assert _loopback("127.0.0.1") and _loopback("::1") and _loopback("localhost")
    assert not _loopback("0.0.0.0") and not _loopback("192.168.0.10")


def _raw(port: int, head: str, body: bytes = b"") -> str:
    """The status line the server answers to ``head`` (request line and headers) and a partial ``body``,
    without sending the rest of the body the headers announce."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head.encode("latin-1") + b"\r\n" + body)
        return sock.recv(4096).decode("latin-1").split("\r\n", 1)[0]


def test_strict_types_limits_and_content_types(project: Any) -> None:
    parts = rows(project.parts(3, seed=24))
    boolean = [{**parts[0], "사출압력": True}, *parts[1:]]
    text_number = [{**parts[0], "냉각시간": "12.5"}, *parts[1:]]
    infinite = b'{"rows": [{"part_id": "X1", "\xea\xb8\x88\xed\x98\x95\xec\x98\xa8\xeb\x8f\x84": 200, '
    infinite += '"사출압력": Infinity, "냉각시간": 1e400, "재질": "A"}]}'.encode()
    odd = [{**parts[0], "냉각시간": 99999.0, "재질": "Z"}, *parts[1:]]
    app = create_app(project.config(), reload_interval_s=0, token="t0ken", max_body_bytes=4096)
    auth = {"Authorization": "Bearer t0ken"}
    with serving(app) as client:
        port = client.base_url.port
        as_bool = client.post("/predict", json={"rows": boolean}, headers=auth)
        as_text = client.post("/predict", json={"rows": text_number}, headers=auth)
        not_finite = client.post(
            "/predict", content=infinite, headers={**auth, "content-type": "application/json"}
        )
        flagged = client.post("/predict", json={"rows": odd}, headers=auth)
        plain_text = client.post(
            "/predict", content=json.dumps({"rows": parts}), headers={**auth, "content-type": "text/plain"}
        )
        no_type = client.post("/predict", content=json.dumps({"rows": parts}).encode(), headers=auth)
        streamed = client.post(
            "/predict", content=iter([b'{"rows": [' + b" " * 3000, b" " * 3000]), headers=auth
        )
        big_no_token = _raw(
            port,
            "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            "Content-Length: 50000000\r\n",
            b'{"rows": [',
        )
        big_token = _raw(
            port,
            "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            "Authorization: Bearer t0ken\r\nContent-Length: 50000000\r\n",
            b'{"rows": [',
        )

    assert as_bool.status_code == 422
    assert tagged(as_bool)["errors"] == [
        {"row": 0, "column": "사출압력", "check": "type numeric", "value": True}
    ]
    assert as_text.status_code == 422 and "냉각시간" in tagged(as_text)["detail"]
    assert not_finite.status_code == 422
    assert {(e["column"], e["check"]) for e in tagged(not_finite)["errors"]} == {
        ("사출압력", "finite number"),
        ("냉각시간", "finite number"),
    }
    body = tagged(flagged)
    assert flagged.status_code == 200 and body["input_flagged"] == 1
    first = body["predictions"][0]["input_flags"]
    assert (
        len(first) == 2
        and first[1] == "재질: 학습에 없던 범주 (값 Z)"
        and first[0].startswith("냉각시간: 학습 범위(")
    )
    assert body["input_flag_reasons"]["재질: 학습에 없던 범주"] == 1
    assert [p["input_flags"] for p in body["predictions"][1:]] == [[], []]
    assert plain_text.status_code == 415 and "application/json" in tagged(plain_text)["detail"]
    assert no_type.status_code == 200  # no Content-Type at all: read as JSON
    assert streamed.status_code == 413 and "4,096 bytes" in tagged(streamed)["detail"]
    assert big_no_token == "HTTP/1.1 401 Unauthorized"  # answered before the 50 MB arrive
    assert big_token == "HTTP/1.1 413 Request Entity Too Large"


_HUGE = "1" + "0" * 5000  # an integer JSON allows and Python refuses to read (over 4,300 digits)


def _fuzz_value(rng: random.Random, depth: int = 0) -> Any:
    """One JSON value of any kind: the odd numbers, text and nesting a client may send."""
    pick = rng.randrange(16 if depth < 3 else 11)
    if pick == 0:
        return None
    if pick == 1:
        return rng.choice([True, False])
    if pick == 2:
        return rng.choice([0, -1, 7, 2**53 + 1, -(10**30), 10**400])
    if pick == 3:
        return rng.choice([0.0, -0.0, 1e-320, 1e308, -1e308, math.inf, -math.inf, math.nan, 215.5, 99999.0])
    if pick == 4:
        return rng.choice(
            ["", "N", "N/A", "-", "12.5", "inf", "1e400", "<0.01", "158(Hv30)", "A", "Z", "재질"]
        )
    if pick == 5:
        return "".join(chr(rng.randrange(1, 0x2FFFF)) for _ in range(rng.randrange(0, 40)))
    if pick == 6:
        return "__HUGE__"
    if pick == 7:
        return "x" * rng.choice([1000, 100_000])
    if pick in (8, 9, 10):
        return rng.uniform(-1e6, 1e6)
    if pick in (11, 12, 13):
        return [_fuzz_value(rng, depth + 1) for _ in range(rng.randrange(0, 5))]
    return {str(_fuzz_value(rng, 3)): _fuzz_value(rng, depth + 1) for _ in range(rng.randrange(0, 4))}


def _fuzz_body(rng: random.Random, good: list[dict[str, Any]]) -> bytes:
    """A request body: usually rows near a good one with a few cells replaced, dropped or added, sometimes
    any JSON at all, sometimes not JSON."""
    kind = rng.randrange(10)
    if kind == 0:
        return rng.choice(
            [
                b"",
                b"{",
                b'{"rows": [',
                b"[" * 50_000 + b"]" * 50_000,
                b"\xff\xfe{}",
                b"nul",
                b"1e400",
                b"{'a': 1}",
            ]
        )
    if kind == 1:
        payload: Any = _fuzz_value(rng)
    else:
        rows = []
        for _ in range(rng.choice([1, 1, 2, 3, 40])):
            row = dict(rng.choice(good))
            for _ in range(rng.randrange(0, 4)):
                action = rng.randrange(3)
                column = rng.choice([*row, "extra", ""]) if row else "extra"
                if action == 0 and row:
                    row.pop(rng.choice(list(row)))
                else:
                    row[column] = _fuzz_value(rng)
            rows.append(row)
        shape = rng.randrange(5)
        if shape == 0:
            payload = rows[0]
        elif shape == 1:
            payload = rows
        elif shape == 2:
            payload = {"dataframe_records": rows}
        elif shape == 3:
            columns = list(rows[0])
            payload = {"dataframe_split": {"columns": columns, "data": [list(r.values()) for r in rows]}}
        else:
            payload = {"rows": rows}
    text = json.dumps(payload, ensure_ascii=rng.random() < 0.5, allow_nan=True)
    return text.replace('"__HUGE__"', _HUGE).encode("utf-8", "surrogatepass")


@pytest.mark.parametrize("seed", [0])
def test_fuzzed_requests_never_get_a_5xx(project: Any, seed: int) -> None:
    """Thousands of random request shapes, values, content types and sizes against the real server."""
    rng = random.Random(seed)
    good = rows(project.parts(20, seed=25))
    app = create_app(project.config(), reload_interval_s=0, token="fuzz", max_body_bytes=200_000)
    statuses: dict[int, int] = {}
    sent = 0
    with serving(app) as client:
        deadline = time.monotonic() + 90
        while sent < 2000 and time.monotonic() < deadline:
            headers = {"Authorization": "Bearer fuzz"} if rng.random() < 0.95 else {}
            kind = rng.random()
            if kind < 0.85:
                headers["Content-Type"] = "application/json"
            elif kind < 0.9:
                headers["Content-Type"] = rng.choice(
                    ["text/plain", "application/x-www-form-urlencoded", "??"]
                )
            elif kind < 0.95:
                headers["Content-Type"] = "application/json; charset=latin-1"
            params = {"explain": rng.choice([1, 3, -1, 99, "x"])} if rng.random() < 0.05 else {}
            body = _fuzz_body(rng, good)
            response = client.post("/predict", content=body, headers=headers, params=params)
            sent += 1
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            assert response.status_code < 500, (response.status_code, response.text[:500], body[:300])
            answer = response.json()
            assert answer["request_id"] == response.headers["x-request-id"]
            if response.status_code != 200:
                assert answer["detail"], answer
    assert sent >= 1000, f"only {sent} requests in 90 s"
    assert {200, 401, 413, 415, 422} <= set(statuses), statuses
