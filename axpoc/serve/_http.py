"""The champion over HTTP: FastAPI, the model in-process, the data contract enforced on every row.

A payload that breaks the contract (a missing column, text where numbers belong, a value outside the
declared limits) is answered 422 with the column named, never 500. Every answer carries the model
version and a request id (body and ``X-Model-Version`` / ``X-Request-ID`` headers). A background thread
watches the alias and swaps in the version it points to once loaded, so promoting a new champion needs
no restart; a request keeps the model it started with.
"""

from __future__ import annotations

import hmac
import json
import logging
import math
import re
import threading
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from axpoc.config import PocConfig
from axpoc.errors import UserError
from axpoc.explain import contributions
from axpoc.serve._dashboard import FieldCache, ServedLog, dashboard_data, json_safe, render_dashboard
from axpoc.serve._model import ServedModel, load_served_model, open_project_store, set_threads
from axpoc.serve._typed import Flags, input_flags

log = logging.getLogger("axpoc.serve")

MAX_ROWS = 10_000
"""Rows one request may carry; larger batches belong to ``axpoc predict``."""

MAX_BODY_BYTES = 16 * 1024 * 1024
"""Bytes one request body may hold (``--max-body-mb``); a larger one is refused 413 before it is read."""

MAX_ERRORS = 100
INLINE_ROWS = 32
"""Requests of at most this many rows are scored on the event loop; larger ones in a worker thread, so
that a big request never holds up ``/health`` or other clients."""
_REQUEST_ID = re.compile(r"^[\w.:-]{1,64}$")


class _Refused(Exception):
    """An answer other than 200, with the reason and (for contract failures) one entry per failing cell."""

    def __init__(
        self,
        status: int,
        message: str,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.errors, self.headers = status, message, errors or [], headers or {}


class _Answer(JSONResponse):
    """JSON that always encodes: text a client sent with an unpaired surrogate (``"\\udae5"``, valid JSON
    but not Unicode) is echoed back as that same escape instead of failing the answer."""

    def render(self, content: Any) -> bytes:
        text = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        return text.encode("utf-8", "backslashreplace")


class ModelHolder:
    """The served version and the thread that follows the alias; requests read ``current`` once."""

    def __init__(self, store: Any, *, alias: str, interval_s: float, threads: int) -> None:
        self.store, self.alias, self.interval_s, self.threads = store, alias, interval_s, threads
        self.current = self._prepare(load_served_model(store, alias=alias))
        self.reload_error: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _prepare(self, served: ServedModel) -> ServedModel:
        set_threads(served.model, self.threads)
        served.alias = self.alias
        return served

    def check_alias(self) -> bool:
        """Swap in the version the alias points to now, if it moved; True when it did."""
        from axpoc.tracking import alias_version

        version = alias_version(self.store, self.alias)
        if version is None or version == self.current.version:
            return False
        try:
            served = self._prepare(load_served_model(self.store, version=version))
        except UserError as exc:
            self.reload_error = f"version {version}: {exc.message}"
            log.error(
                "alias '%s' moved to version %s, which could not be loaded: %s", self.alias, version, exc
            )
            return False
        previous, self.current, self.reload_error = self.current.version, served, None
        log.info("alias '%s' moved: now serving version %s (was %s)", self.alias, version, previous)
        return True

    def _watch(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.check_alias()
            except Exception as exc:  # a store hiccup must not end the watch; /health shows it
                self.reload_error = f"{type(exc).__name__}: {exc}"
                log.exception("checking alias '%s' failed", self.alias)

    def start(self) -> None:
        if self.interval_s > 0 and self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._watch, name="axpoc-alias-watch", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None


class _Tagging:
    """ASGI middleware: a request id for every request, and both it and the model version on every answer."""

    def __init__(self, app: ASGIApp, holder: ModelHolder) -> None:
        self.app, self.holder = app, holder

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["request_id"] = request_id

        async def tagged(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = request_id
                headers["X-Model-Version"] = str(state.get("model_version") or self.holder.current.version)
            await send(message)

        await self.app(scope, receive, tagged)


def create_app(
    config: PocConfig,
    *,
    project_dir: Path | None = None,
    token: str | None = None,
    alias: str = "champion",
    reload_interval_s: float = 5.0,
    threads: int = 1,
    max_rows: int = MAX_ROWS,
    max_body_bytes: int = MAX_BODY_BYTES,
) -> FastAPI:
    """The scoring service of the config's project, serving the version ``alias`` points to.

    ``token``: when set, ``POST /predict`` and the shop-floor page (``GET /dashboard``, its numbers at
    ``GET /dashboard/data``) need ``Authorization: Bearer <token>`` (the page also takes ``?token=``, for a
    browser); ``/health`` stays open for monitors; it is checked before the body is read. ``reload_interval_s``: how often the
    alias is looked up (0 = never). ``threads``: threads per prediction (one suits single-row
    requests). ``max_body_bytes``: a larger body is answered 413 from its Content-Length, or as soon as
    that many bytes have arrived, before any parsing.
    """
    from axpoc import __version__

    store = open_project_store(config, project_dir)
    holder = ModelHolder(store, alias=alias, interval_s=reload_interval_s, threads=threads)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        holder.start()
        try:
            yield
        finally:
            holder.stop()

    app = FastAPI(
        title=f"axpoc · {config.project.name}",
        description=f"Scores parts with the '{alias}' version of the registered model '{store.model_name}'.",
        version=__version__,
        lifespan=lifespan,
        default_response_class=_Answer,
    )
    app.state.holder = holder
    app.add_middleware(_Tagging, holder=holder)
    served_log, field_cache = ServedLog(), FieldCache()
    project = config.project_dir(project_dir)

    def answer(
        request: Request, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> JSONResponse:
        state = request.state
        version = getattr(state, "model_version", None) or holder.current.version
        payload = {"request_id": getattr(state, "request_id", None), "model_version": version, **body}
        return _Answer(payload, status_code=status, headers=headers)

    @app.exception_handler(_Refused)
    async def refused(request: Request, exc: _Refused) -> JSONResponse:
        if request.url.path == "/predict" and exc.status != 401:
            served_log.refuse()
        return answer(request, exc.status, {"detail": exc.message, "errors": exc.errors}, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def malformed(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"where": ".".join(map(str, e.get("loc", ()))), "reason": e.get("msg", "")} for e in exc.errors()
        ]
        detail = "the request is not valid JSON of the expected shape: " + "; ".join(
            f"{e['where']}: {e['reason']}" for e in errors[:5]
        )
        return answer(request, 422, {"detail": detail, "errors": errors[:MAX_ERRORS]})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return answer(request, exc.status_code, {"detail": exc.detail, "errors": []}, exc.headers)

    @app.get("/health")
    def health(request: Request) -> dict[str, Any]:
        """Liveness and what is served: model, version, alias and the digest of its data contract."""
        served = holder.current
        request.state.model_version = served.version
        return {
            "status": "ok",
            "model_name": served.model_name,
            "model_version": served.version,
            "alias": served.alias,
            "contract_digest": served.contract_digest,
            "axpoc_version": __version__,
            "loaded_at": served.loaded_at,
            "reload_error": holder.reload_error,
            "request_id": request.state.request_id,
        }

    body_schema = {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "description": 'one row {"col": value, ...} or {"rows": [{...}, ...]}',
                }
            }
        },
    }

    @app.post("/predict", openapi_extra={"requestBody": body_schema})
    async def predict(
        request: Request,
        explain: int = Query(0, ge=0, le=50, description="add each row's N top contributing columns"),
    ) -> dict[str, Any]:
        """Score rows: ``score``, ``prediction``, ``decision`` (flag the part) and ``input_flags`` per row."""
        _authorize(request, token)  # before a byte of the body is read
        served = holder.current
        request.state.model_version = served.version
        payload = _parse(await _body(request, max_body_bytes))
        rows = _rows(payload, max_rows)
        request_id = request.state.request_id
        language = config.language
        if (
            len(rows) <= INLINE_ROWS and not explain
        ):  # milliseconds: a thread hop would cost more than it frees
            result = _score(served, rows, explain, request_id, language)
        else:
            result = await run_in_threadpool(_score, served, rows, explain, request_id, language)
        served_log.add(result["predictions"], id_column=served.id_column, version=served.version)
        return result

    def page_data(request: Request, given: str | None) -> dict[str, Any]:
        if token is None or given is None or not hmac.compare_digest(given.encode(), token.encode()):
            _authorize(request, token)
        served = holder.current
        request.state.model_version = served.version
        return dashboard_data(
            config,
            project=project,
            served=served,
            served_log=served_log,
            cache=field_cache,
            store=store,
            reload_error=holder.reload_error,
        )

    @app.get("/dashboard/data")
    def dashboard_numbers(request: Request, given: str | None = Query(None, alias="token")) -> dict[str, Any]:
        """Every number of the shop-floor page, as JSON."""
        return json_safe(page_data(request, given))

    @app.get("/dashboard", response_class=HTMLResponse)
    def dashboard(request: Request, given: str | None = Query(None, alias="token")) -> HTMLResponse:
        """The read-only shop-floor page (Korean first, self-contained, reloads itself)."""
        data = json_safe(page_data(request, given))
        title = config.project.title or config.project.name
        return HTMLResponse(render_dashboard(data, title=title, language=config.language, token=given))

    return app


def _score(
    served: ServedModel, rows: list[dict[str, Any]], explain: int, request_id: str, language: str
) -> dict[str, Any]:
    frame = _frame(served, rows)
    _check(served, frame)
    try:
        result = served.model.predict_frame(frame)
        extra = contributions(served.model, frame).top(explain, index=frame.index) if explain else None
    except UserError as exc:
        raise _Refused(422, exc.message) from None
    except Exception:  # a model bug, not a payload problem: logged, and answered with the ids to find it
        log.exception("request %s: scoring failed", request_id)
        raise _Refused(500, "the model failed on this input; the server log has the details") from None
    flags = input_flags(frame, served.flagger, language=language)
    return {
        "request_id": request_id,
        "model_name": served.model_name,
        "model_version": served.version,
        "input_flagged": flags.flagged,
        "input_flag_reasons": dict(flags.reasons),
        "predictions": _records(served, frame, result, extra, flags),
    }


_JSON_TYPES = ("application/json",)


async def _body(request: Request, limit: int) -> bytes:
    """The request body, refused 415 when it is declared as something other than JSON and 413 when it
    is larger than ``limit`` bytes: from Content-Length before reading, else once that many arrived."""
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind and kind not in _JSON_TYPES and not (kind.startswith("application/") and kind.endswith("+json")):
        raise _Refused(
            415,
            f"Content-Type '{kind}' is not JSON: send the rows as JSON with the header "
            "'Content-Type: application/json' (curl: -H 'Content-Type: application/json'; "
            "Python httpx/requests: json=...).",
        )
    too_large = _Refused(
        413,
        f"the request body is larger than {limit:,} bytes (axpoc serve --max-body-mb); "
        "send fewer rows per request, or score files with 'axpoc predict'",
    )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    received = bytearray()
    try:
        async for piece in request.stream():
            received += piece
            if len(received) > limit:
                raise too_large
    except ClientDisconnect:
        raise _Refused(400, "the client closed the connection before the body arrived") from None
    return bytes(received)


def _parse(body: bytes) -> Any:
    """JSON text as Python values; anything else is a 422 that says what is wrong with it."""
    if not body.strip():
        raise _Refused(422, 'the request body is empty: send one row {"col": value, ...} or {"rows": [...]}')
    try:
        return json.loads(body)
    except UnicodeDecodeError:
        raise _Refused(422, "the request body is not UTF-8 text; JSON must be sent as UTF-8") from None
    except json.JSONDecodeError as exc:
        raise _Refused(
            422, f"the request body is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except (ValueError, RecursionError) as exc:  # a 5,000-digit number, arrays nested thousands deep
        raise _Refused(422, f"the request body is JSON axpoc cannot read: {exc}") from None


def _authorize(request: Request, token: str | None) -> None:
    if token is None:
        return
    given = request.headers.get("authorization", "")
    scheme, _, value = given.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), token.encode()):
        raise _Refused(
            401,
            "missing or wrong bearer token (header 'Authorization: Bearer <token>')",
            headers={"WWW-Authenticate": "Bearer"},
        )


def _rows(payload: Any, max_rows: int) -> list[dict[str, Any]]:
    """The rows of a payload: one object, ``{"rows": [...]}``, a list, or MLflow's ``dataframe_records``
    / ``dataframe_split`` (so clients of ``mlflow models serve`` work unchanged)."""
    rows: Any
    if isinstance(payload, dict) and "rows" in payload:
        rows = payload["rows"]
    elif isinstance(payload, dict) and "dataframe_records" in payload:
        rows = payload["dataframe_records"]
    elif isinstance(payload, dict) and "dataframe_split" in payload:
        split = payload["dataframe_split"]
        if (
            not isinstance(split, dict)
            or not isinstance(split.get("columns"), list)
            or not isinstance(split.get("data"), list)
        ):
            raise _Refused(
                422, "dataframe_split needs 'columns' (a list of names) and 'data' (a list of rows)"
            )
        columns = split["columns"]
        if any(not isinstance(r, list) or len(r) != len(columns) for r in split["data"]):
            raise _Refused(
                422, f"dataframe_split: every row of 'data' must be a list of {len(columns)} values"
            )
        rows = [dict(zip(columns, r, strict=True)) for r in split["data"]]
    elif isinstance(payload, dict):
        rows = [payload]
    else:
        rows = payload
    if not isinstance(rows, list) or not rows:
        raise _Refused(
            422, 'expected one row as a JSON object, or {"rows": [{...}, ...]} with at least one row'
        )
    not_objects = [i for i, row in enumerate(rows) if not isinstance(row, dict)]
    if not_objects:
        raise _Refused(422, f"rows {not_objects[:10]} are not JSON objects of column: value")
    if len(rows) > max_rows:
        raise _Refused(
            413, f"{len(rows)} rows in one request; at most {max_rows} (use 'axpoc predict' for batches)"
        )
    return rows


def _frame(served: ServedModel, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The columns the model reads, each cell held to its column's training type (JSON types, strictly).

    A number is a JSON number (never ``true`` or ``"12.5"``) and finite; a category is text (an integer
    code is taken as its text); a curve is an array of numbers; ``null`` is missing everywhere. Any other
    cell is a 422 naming the row, column and what was expected; other keys of a row are ignored.
    """
    missing = served.missing_columns(list(dict.fromkeys(key for row in rows for key in row)))
    if missing:
        raise _Refused(
            422,
            f"missing column(s) {', '.join(missing)}: model version {served.version} needs "
            f"{', '.join(served.required_columns)}",
            [{"row": None, "column": c, "check": "column exists", "value": None} for c in missing],
        )
    columns = dict(served.types)
    if served.id_column:
        columns[served.id_column] = "id"
    data: dict[str, list[Any]] = {}
    errors: list[dict[str, Any]] = []
    for column, kind in columns.items():
        if not any(column in row for row in rows):
            continue  # a routing column the model can do without
        cells = []
        for i, row in enumerate(rows):
            value, check = _cell(row.get(column), kind)
            if check is not None:
                errors.append({"row": i, "column": column, "check": check, "value": _echo(row.get(column))})
            cells.append(value)
        data[column] = cells
    if errors:
        errors.sort(key=lambda e: (e["row"], e["column"]))
        columns_named = list(dict.fromkeys(e["column"] for e in errors))
        raise _Refused(
            422,
            f"{len(errors)} value(s) are not of their column's type in column(s) {', '.join(columns_named)}: "
            + "; ".join(
                f"row {e['row']} {e['column']}: {e['check']} (got {e['value']!r})" for e in errors[:5]
            ),
            errors[:MAX_ERRORS],
        )
    frame = pd.DataFrame({c: pd.Series(v, dtype=_DTYPES.get(columns[c] or "")) for c, v in data.items()})
    for column, kind in columns.items():
        if kind == "datetime" and column in frame:
            frame[column] = _datetimes(frame[column], column)
    return frame


_DTYPES = {"numeric": "float64", "curve": "object", "id": "object"}
"""Frame dtypes by column type; others are inferred (text becomes pandas text, as read from a file)."""
_NUMBER = (int, float)


def _cell(value: Any, kind: str | None) -> tuple[Any, str | None]:
    """(the value as the column's type, None) or (None, the check it fails)."""
    if value is None:
        return None, None
    if kind == "numeric":
        if isinstance(value, bool) or not isinstance(value, _NUMBER):
            return None, "type numeric"
        try:
            number = float(value)
        except OverflowError:  # an integer beyond float range
            return None, "finite number"
        return (number, None) if math.isfinite(number) else (None, "finite number")
    if kind == "curve":
        if not isinstance(value, list) or not all(
            isinstance(v, _NUMBER) and not isinstance(v, bool) for v in value
        ):
            return None, "type curve (an array of numbers)"
        try:
            curve = np.asarray(value, dtype=float)
        except OverflowError:
            return None, "finite number"
        return (curve, None) if np.isfinite(curve).all() else (None, "finite number")
    if isinstance(value, str):
        return (
            (value, None) if _unicode(value) else (None, "text without unpaired surrogates (\\ud800-\\udfff)")
        )
    if kind in ("string", "id") and isinstance(value, int) and not isinstance(value, bool):
        return (str(value) if kind == "string" else value), None
    if kind is None and isinstance(value, _NUMBER) and not isinstance(value, bool):
        return (value, None) if math.isfinite(value) else (None, "finite number")
    return None, {
        "string": "type string",
        "datetime": "type datetime",
        "id": "type id (text or integer)",
    }.get(kind or "", "a plain value")


def _unicode(text: str) -> bool:
    """Whether JSON text is Unicode: a ``\\udae5`` escape alone is valid JSON but no character."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _datetimes(series: pd.Series, column: str) -> pd.Series:
    from axpoc.data import parse_time_column

    try:
        return parse_time_column(series)
    except UserError as exc:
        raise _Refused(422, f"column {column}: {exc.message}") from None


def _echo(value: Any) -> Any:
    """A refused cell as the answer shows it: JSON-safe, long values cut."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        return f"{str(value)[:20]}... ({len(str(value))} digits)"
    if isinstance(value, str) and len(value) > 100:
        return value[:100] + "..."
    if isinstance(value, list | dict):
        text = json.dumps(value, allow_nan=True)
        return text if len(text) <= 100 else text[:100] + "..."
    return value


def _check(served: ServedModel, frame: pd.DataFrame) -> None:
    """422 naming each failing row, column and rule of the contract."""
    checker = served.checker if len(frame) > 1 else served.chunk_checker  # one row is always unique
    if checker is None:
        return
    failing = checker.failing(frame)
    if not failing:
        return
    errors = []
    for rule, mask in failing:
        for row in np.flatnonzero(mask):
            errors.append(
                {
                    "row": int(row),
                    "column": rule.column,
                    "check": rule.describe(),
                    "value": _plain(frame[rule.column].iloc[row]) if rule.column in frame else None,
                }
            )
    errors.sort(key=lambda e: (e["row"], e["column"]))
    columns = list(dict.fromkeys(e["column"] for e in errors))
    raise _Refused(
        422,
        f"{len(errors)} value(s) break the model's data contract in column(s) {', '.join(columns)}: "
        + "; ".join(f"row {e['row']} {e['column']}: {e['check']} (got {e['value']!r})" for e in errors[:5]),
        errors[:MAX_ERRORS],
    )


def _records(
    served: ServedModel,
    frame: pd.DataFrame,
    result: pd.DataFrame,
    extra: pd.DataFrame | None,
    flags: Flags,
) -> list[dict[str, Any]]:
    id_column = served.id_column
    ids = frame[id_column].tolist() if id_column and id_column in frame else None
    records = []
    for i, (score, prediction, decision) in enumerate(
        zip(result["score"].tolist(), result["prediction"].tolist(), result["decision"].tolist(), strict=True)
    ):
        record: dict[str, Any] = {} if ids is None else {id_column: _plain(ids[i])}
        record.update(
            {
                "score": _plain(score),
                "prediction": _plain(prediction),
                "decision": bool(decision),
                "input_flags": flags.of(i),
            }
        )
        if extra is not None:
            row = extra.iloc[i]
            record["top_features"] = [
                {"feature": row[f"top{k}_feature"], "contribution": _plain(row[f"top{k}_contribution"])}
                for k in range(1, len(extra.columns) // 2 + 1)
            ]
        records.append(record)
    return records


def _plain(value: Any) -> Any:
    """A cell as JSON: numpy scalars as Python values, NaN and missing as null, arrays as lists."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    return value if isinstance(value, str | int | float | bool | list | dict) else str(value)
