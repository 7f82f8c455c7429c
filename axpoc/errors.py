"""Errors that the CLI turns into a one-paragraph message and an exit code, never a traceback."""

from __future__ import annotations

from typing import ClassVar


class AxpocError(Exception):
    """Base of every error axpoc raises on purpose; ``exit_code`` is what the CLI returns."""

    exit_code: int = 2
    code: str = "error"
    """Machine-readable kind, the ``error.code`` of ``--json`` output."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UserError(AxpocError):
    """A mistake the user can fix: wrong path, missing column, bad encoding, malformed config."""

    code = "user_error"


class ConfigError(UserError):
    """The PoC config does not follow the schema; the message names the key path."""

    code = "config_error"


class ServerUnreachable(AxpocError):
    """The team server (the MLflow server or its PostgreSQL) did not answer; what was cut off is settled by
    the next command (the run is marked KILLED, a half-done alias move completed or undone)."""

    exit_code = 3
    code = "server_unreachable"


class ValidationFailed(AxpocError):
    """Critical expectations of the data contract failed; the report says where."""

    exit_code = 1
    code = "data_rejected"


class Interrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM, with a message that says what was registered and where the champion stands.

    A subclass of :class:`KeyboardInterrupt`, so every handler of an interrupt still sees one.
    """

    latest: ClassVar[str | None] = None
    """The last message of this process: Typer turns an interrupt into exit code 130 and drops the
    exception, so the CLI's error boundary reads the message here."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        Interrupted.latest = message
