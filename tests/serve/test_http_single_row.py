"""One-row requests (the latency path): strict JSON types, then answers equal ``predict_frame`` and the reference
contract check; unseen categories are scored and flagged."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import numpy as np
import pandas as pd

from axpoc.data._checker import failing_rows
from axpoc.serve import create_app
from axpoc.serve._http import _plain

_NUMBERS = ("금형온도", "사출압력", "냉각시간")


def _expected_errors(checker: Any, row: dict[str, Any]) -> list[dict[str, Any]]:
    """The 422 errors of one row: JSON types first (numbers are JSON numbers, never text or booleans),
    else what the per-rule pandas reference gives on the typed row."""
    wrong = [
        {"row": 0, "column": c, "check": "type numeric", "value": row[c]}
        for c in _NUMBERS
        if row[c] is not None and (isinstance(row[c], bool) or not isinstance(row[c], int | float))
    ]
    if wrong:
        return wrong
    typed = {**row, "재질": None if row["재질"] is None else str(row["재질"])}
    frame = pd.DataFrame([typed]).astype({c: "float64" for c in _NUMBERS})
    errors = []
    for rule in checker.expectations:
        mask = failing_rows(frame, rule)
        if mask is not None and mask[0]:
            value = _plain(frame[rule.column].iloc[0]) if rule.column in frame else None
            errors.append({"row": 0, "column": rule.column, "check": rule.describe(), "value": value})
    return sorted(errors, key=lambda e: (e["row"], e["column"]))


def test_single_rows_good_and_bad_match_predict_frame_and_the_reference(project: Any) -> None:
    model = project.model(project.champion)
    good = project.parts(12, seed=30).to_dict(orient="records")
    odd_values = {
        "금형온도": [999.0, 149.9, 260.0, None, "abc", "12.5", "", True],
        "사출압력": [None, "N/A", -1e9, 0],
        "재질": ["Z", "재질C", None, "", 1, "a"],
    }
    payloads = list(good)
    for i, (column, values) in enumerate((c, v) for c, vs in odd_values.items() for v in vs):
        payloads.append({**good[i % len(good)], column: values})
    app = create_app(project.config(), reload_interval_s=0)
    checker = app.state.holder.current.chunk_checker

    async def post_each() -> list[httpx.Response]:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://axpoc"
        ) as client:
            return [await client.post("/predict", json=payload) for payload in payloads]

    statuses = set()
    for payload, response in zip(payloads, asyncio.run(post_each()), strict=True):
        body = response.json()
        statuses.add(response.status_code)
        assert response.headers["x-request-id"] == body["request_id"]
        assert body["model_version"] == project.champion
        errors = _expected_errors(checker, payload)
        if errors:
            assert response.status_code == 422, payload
            assert body["errors"] == errors
            assert all(e["column"] in body["detail"] for e in errors)
            continue
        assert response.status_code == 200, body
        typed = {**payload, "재질": None if payload["재질"] is None else str(payload["재질"])}
        expected = model.predict_frame(pd.DataFrame([typed]).astype({c: "float64" for c in _NUMBERS}))
        (answer,) = body["predictions"]
        assert answer["part_id"] == payload["part_id"]
        np.testing.assert_array_equal(answer["score"], expected["score"].iloc[0])
        assert answer["decision"] == bool(expected["decision"].iloc[0])
        unseen = typed["재질"] not in (None, "A", "B", "C")
        assert any(f.startswith("재질: 학습에 없던 범주") for f in answer["input_flags"]) == unseen
    assert statuses == {200, 422}
