"""The console is axpoc's: library log lines and warnings go to ``<project>/logs/axpoc.log``.

MLflow, Great Expectations, alembic and scikit-learn write INFO lines and warnings ("Creating initial MLflow
database tables", the CloudPickle notice, "Registered model ... already exists") that mean nothing to a plant
engineer and bury axpoc's own messages. The CLI entry calls :func:`route_library_output`: from then on those
records are kept in memory until a verb opens its project folder (:func:`log_to_project`), then written to
the project's log file, with everything after. axpoc's own warnings stay on the console, as one line each.
Nothing here runs at ``import axpoc``.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

Log = Callable[[str], None]
"""Where a flow (``run_poc``, ``retrain``) reports progress: one line per call, e.g. ``print``."""

LOG_FILE = Path("logs") / "axpoc.log"
"""The log file, relative to the project folder."""

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_KEPT = 5000
"""Records held before the project folder is known; a verb that never opens one drops them at exit."""


class _Pending(logging.Handler):
    """Holds records until the project's log file is open, then hands them over."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if len(self.records) < _KEPT:
            self.records.append(record)


class _LogStream:
    """A text stream whose lines become log records (MLflow prints some notices instead of logging them)."""

    def __init__(self, logger: logging.Logger) -> None:
        self.logger = logger

    def write(self, text: str) -> int:
        for line in text.splitlines():
            if line.strip():
                self.logger.info(line.rstrip())
        return len(text)

    def flush(self) -> None:
        return None


_CHATTY = ("great_expectations", "sqlalchemy.engine", "alembic", "urllib3", "matplotlib", "PIL", "fontTools")
"""Libraries whose INFO lines are noise even in the log file: only their warnings are kept."""

_state: dict[str, Any] = {
    "pending": None,
    "file": None,
    "console": None,
    "showwarning": None,
    "language": None,
}


def route_library_output(console: TextIO | None = None) -> None:
    """Send library logging and non-axpoc warnings to the project log; axpoc's warnings to ``console``.

    Sets ``MLFLOW_CONFIGURE_LOGGING=false`` (unless the user chose) so MLflow does not attach its own
    stderr handler when it is imported later.
    """
    if _state["pending"] is not None:
        return
    os.environ.setdefault("MLFLOW_CONFIGURE_LOGGING", "false")
    pending = _Pending()
    root = logging.getLogger()
    root.addHandler(pending)
    root.setLevel(logging.INFO)
    for name in _CHATTY:
        logging.getLogger(name).setLevel(logging.WARNING)
    ours = logging.StreamHandler(console or sys.stderr)
    ours.setLevel(logging.WARNING)
    ours.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    logging.getLogger("axpoc").addHandler(ours)
    _state.update(pending=pending, console=console, showwarning=warnings.showwarning)
    warnings.showwarning = _show_warning
    # Great Expectations turns on logging.captureWarnings when imported, which replaces the printer above:
    # its records on "py.warnings" pass the same sorting.
    logging.getLogger("py.warnings").addFilter(_sort_captured)


def warn(message: str, category: type[Warning] = UserWarning) -> None:
    """Warn as axpoc: the warning names the user's line (a notebook cell, a script) that called into axpoc,
    never one of axpoc's private modules, so Python's ``file:line: Category: message`` shows no
    ``axpoc/report/_fonts.py``. On the command line :func:`_show_warning` prints the message alone."""
    frame, level = sys._getframe(1), 2  # stacklevel 1 is this function, 2 its caller
    while frame is not None and str(Path(frame.f_code.co_filename).resolve()).startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """axpoc's own warnings: one line on the console. Everyone else's: the log file."""
    if _is_ours(category.__module__, filename):
        _say_on_console(str(message))
        return
    where = f"{Path(filename).name}:{lineno}"
    logging.getLogger("py.warnings").warning("%s: %s (%s)", category.__name__, message, where)


_CAPTURED = re.compile(r"^(?P<file>.*?):(?P<line>\d+): (?P<category>\w+): (?P<message>.*?)\n", re.S)
_PACKAGE = str(Path(__file__).resolve().parent)


def _is_ours(module: str, filename: str) -> bool:
    """A warning axpoc raises: its category is axpoc's, or it was raised from axpoc's code."""
    return module.split(".")[0] == "axpoc" or str(Path(filename).resolve()).startswith(_PACKAGE)


def _axpoc_categories() -> set[str]:
    found, todo = set(), [Warning]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] == "axpoc":
                found.add(sub.__name__)
    return found


def _sort_captured(record: logging.LogRecord) -> bool:
    """A warning logged by ``logging.captureWarnings``: axpoc's go to the console instead of the log."""
    text = str(record.args[0]) if isinstance(record.args, tuple) and record.args else record.getMessage()
    match = _CAPTURED.match(text if text.endswith("\n") else text + "\n")
    if match is None:
        return True
    ours = match["category"] in _axpoc_categories() or _is_ours("", match["file"])
    if ours:
        _say_on_console(match["message"])
    return not ours


def speak(language: str) -> None:
    """Say axpoc's warnings on the console in ``language`` (the verb's config), not in both languages."""
    _state["language"] = language


def _say_on_console(message: str) -> None:
    from axpoc.i18n import console_text

    stream = _state["console"] or sys.stderr
    language = _state["language"]
    prefix = console_text("warning", language) if language else "경고 / Warning"
    stream.write(f"{prefix}: {message}\n")


def log_to_project(project_dir: Path) -> Path | None:
    """Open ``<project_dir>/logs/axpoc.log`` (append) for the records held and all later ones.

    Does nothing unless :func:`route_library_output` ran (a notebook keeps its own logging); a second
    project folder in one process (rare) gets the records from then on. Returns the log file.
    """
    pending: _Pending | None = _state["pending"]
    if pending is None:
        return None
    path = Path(project_dir) / LOG_FILE
    if _state["file"] is not None and Path(_state["file"].baseFilename) == path.resolve():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter(_FORMAT))
    root = logging.getLogger()
    if _state["file"] is not None:
        root.removeHandler(_state["file"])
        _state["file"].close()
    for record in pending.records:
        handler.handle(record)
    pending.records.clear()
    root.removeHandler(pending)
    root.addHandler(handler)
    _state["file"] = handler
    _quiet_mlflow_prints()
    return path


def stop_routing() -> None:
    """Undo :func:`route_library_output` at the end of a CLI call (tests call the CLI many times in one
    process): close the log file, restore the warning printer."""
    root = logging.getLogger()
    for key in ("pending", "file"):
        handler = _state[key]
        if handler is not None:
            root.removeHandler(handler)
            handler.close()
    for handler in list(logging.getLogger("axpoc").handlers):
        if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler):
            logging.getLogger("axpoc").removeHandler(handler)
    if _state["showwarning"] is not None:
        warnings.showwarning = _state["showwarning"]
    logging.getLogger("py.warnings").removeFilter(_sort_captured)
    _state.update(pending=None, file=None, console=None, showwarning=None, language=None)


def mlflow_prints_to_log() -> None:
    """MLflow prints registry notices ("Registered model ... already exists", "Created version") to its own
    stream instead of logging them: make them INFO records of the 'mlflow' logger (the CLI's log file; hidden
    in the course notebooks, whose 'mlflow' logger shows warnings only). Nothing to do before mlflow loads."""
    module = sys.modules.get("mlflow.utils.logging_utils")
    if module is not None and hasattr(module, "MLFLOW_LOGGING_STREAM"):
        module.MLFLOW_LOGGING_STREAM = _LogStream(logging.getLogger("mlflow"))


def _quiet_mlflow_prints() -> None:
    """MLflow prints registry notices to its own stream instead of logging them, and configures its loggers
    with a stderr handler when it was imported before :func:`route_library_output`: point both at the log."""
    if "mlflow.utils.logging_utils" not in sys.modules:
        return
    mlflow_prints_to_log()
    for name in ("mlflow", "alembic", "huey"):
        logger = logging.getLogger(name)
        logger.handlers = []
        logger.propagate = True
