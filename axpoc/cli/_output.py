"""Console, JSON output and the error boundary shared by every verb."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from rich.console import Console

err_console = Console(stderr=True, highlight=False)
"""Progress, tables and messages: stderr, so that ``--json`` keeps stdout machine-readable."""

_json_run = {"asked": False, "written": False}
"""Whether this invocation asked for ``--json`` and whether a JSON document is on stdout already."""

_spoken: dict[str, str | None] = {"language": None}
"""The language of this invocation's config, once a verb has read it (None before: both languages)."""


def load_config(path: Path) -> Any:
    """The verb's config; from then on errors and axpoc's warnings speak its ``language``, like the verb."""
    from axpoc import _logs
    from axpoc.config import load_config as load

    config = load(path)
    _spoken["language"] = config.language
    _logs.speak(config.language)
    return config


def expect_json(asked: bool) -> None:
    """Called once per invocation by the entry point: a failure then prints its error as JSON too."""
    _json_run.update(asked=asked, written=False)
    _spoken["language"] = None


def error_payload(message: str, *, code: str, exit_code: int) -> dict[str, Any]:
    """The one shape of a failure on stdout: ``{"ok": false, "error": {code, message, exit_code}}``."""
    return {"ok": False, "error": {"code": code, "message": message, "exit_code": exit_code}}


def _default(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


def _clean(value: Any) -> Any:
    """NaN/inf are not JSON: schedulers reading our output get null instead."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def emit_json(payload: dict[str, Any]) -> None:
    text = json.dumps(_clean(json.loads(json.dumps(payload, default=_default))), ensure_ascii=False, indent=2)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
    _json_run["written"] = True


def fail(message: str, *, code: str = "error", exit_code: int = 2) -> None:
    """The message on stderr in the config's language once it is known; before a config was read (a missing
    or broken config) a phrase is said in Korean, then English, as the "오류 / Error" prefix is. With
    ``--json`` the English error object goes to stdout (:func:`json_error`)."""
    from axpoc.i18n import Phrase, console_text, say

    language = _spoken["language"]
    prefix = console_text("error", language) if language else "오류 / Error"
    if language or not isinstance(message, Phrase):
        said = say(message, language or "ko")
    else:
        said = f"{message.text('ko')} / {message.text('en')}"
    err_console.print(f"[bold red]{prefix}:[/] {said}", soft_wrap=True)
    json_error(message, code=code, exit_code=exit_code)


def json_error(message: str, *, code: str, exit_code: int) -> None:
    """With ``--json``, the error object on stdout, unless the verb wrote its own document already (which
    then carries ``ok: false`` itself)."""
    if _json_run["asked"] and not _json_run["written"]:
        emit_json(error_payload(message, code=code, exit_code=exit_code))


@contextmanager
def step(title: str) -> Iterator[None]:
    """A spinner on stderr while a long step runs."""
    with err_console.status(title, spinner="dots"):
        yield


def run_guarded(fn: Callable[[], int | None]) -> int:
    """Turn axpoc's own errors into a message + exit code; Ctrl-C into 130. Bugs still show a traceback
    (after the error object on stdout, with ``--json``, so a scheduler still reads why)."""
    from axpoc.errors import AxpocError, Interrupted

    try:
        code = int(fn() or 0)
    except AxpocError as exc:
        fail(exc.message, code=exc.code, exit_code=exc.exit_code)
        return exc.exit_code
    except KeyboardInterrupt as exc:  # an Interrupted says what was registered and where the champion is
        fail(
            str(exc)
            or Interrupted.latest
            or "interrupted (Ctrl-C); nothing was registered from the unfinished step.",
            code="interrupted",
            exit_code=130,
        )
        return 130
    except Exception as exc:
        unreachable = _server_unreachable(exc)
        if unreachable is not None:
            fail(unreachable.message, code=unreachable.code, exit_code=unreachable.exit_code)
            return unreachable.exit_code
        json_error(f"{type(exc).__name__}: {exc}", code="internal_error", exit_code=1)
        raise
    if code:
        json_error(
            f"stopped with exit code {code}; the messages on stderr say why.", code="failed", exit_code=code
        )
    return code


def _server_unreachable(exc: BaseException) -> Any:
    """A team server that did not answer, in words (exit 3); only MLflow's own errors can mean that."""
    if "mlflow" not in sys.modules:
        return None
    from axpoc import tracking

    for error in (exc, exc.__context__):  # a failed run's end_run() may fail the same way while reporting it
        found = tracking.server_unreachable(error) if error is not None else None
        if found is not None:
            return found
    return None
