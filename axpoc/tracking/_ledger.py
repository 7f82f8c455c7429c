"""Where a project's registry lock, move journal and promotion log live: files or a shared PostgreSQL.

On one PC they are files in the project folder (``registry.lock``, ``promotions.journal.jsonl``,
``promotions.jsonl``). When several hosts share an MLflow server, files on one host serialise nothing for
the others, so they live in PostgreSQL instead: one table ``axpoc_ledger`` (a row per line, per project and
book) and a session-level advisory lock per project.

Why an advisory lock and not a compare-and-set on a registry tag: MLflow's REST API has no conditional
write, so a tag "lock" is read-then-write and two hosts can both win; and a host killed while holding a
tag lock leaves it set until someone guesses it is stale. A PostgreSQL advisory lock is taken atomically
by the database and belongs to the holder's connection: a killed process (or a cut network) closes the
connection and the server frees the lock, the same guarantee the operating system's file lock gives on one
PC. The journal's recovery (:func:`axpoc.tracking.recover`) then settles the half-done move, on any host.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from axpoc.errors import ServerUnreachable

LOCK_FILE = "registry.lock"
TABLE = "axpoc_ledger"


class LockTimeout(Exception):
    """The ledger's lock was not free within the wait (the caller says so in words)."""


class Ledger(Protocol):
    """Lock, journal and log of one project's registry moves."""

    lock_place: str
    """Where the lock is, for messages (a file path, or ``PostgreSQL advisory lock on host/db``)."""

    def lock(self, *, wait_s: float) -> Any:
        """A context manager holding the project's registry lock; :class:`LockTimeout` after ``wait_s``."""

    def append(self, book: str, entry: dict[str, Any]) -> None:
        """One entry at the end of ``book``, durable before this returns."""

    def read(self, book: str) -> list[dict[str, Any]]:
        """The entries of ``book``, oldest first."""


def is_server_uri(uri: str | None) -> bool:
    """Whether a tracking URI is an MLflow server (REST), whose clients share no file system."""
    return urlsplit(uri or "").scheme in ("http", "https")


def is_postgres_uri(uri: str | None) -> bool:
    return urlsplit(uri or "").scheme.split("+")[0] in ("postgresql", "postgres")


def open_ledger(*, project_dir: Path, project: str, tracking_uri: str, database: str | None) -> Ledger:
    """The project's ledger: ``database`` when given, the tracking database when it is PostgreSQL, else
    files in the project folder (a server without a database is refused by the config)."""
    url = database or (tracking_uri if is_postgres_uri(tracking_uri) else None)
    if url is None:
        return FileLedger(project_dir)
    return DatabaseLedger(url, project=project)


class FileLedger:
    """Files in the project folder, the lock the operating system's (one PC, or one shared folder)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.lock_place = str(folder / LOCK_FILE)

    @contextmanager
    def lock(self, *, wait_s: float) -> Iterator[None]:
        from filelock import FileLock, Timeout

        lock = FileLock(self.lock_place)
        try:
            lock.acquire(timeout=wait_s)
        except Timeout:
            raise LockTimeout from None
        try:
            yield
        finally:
            lock.release()

    def append(self, book: str, entry: dict[str, Any]) -> None:
        """One JSON line, on disk before this returns (a power cut after it keeps the line)."""
        with (self.folder / book).open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def read(self, book: str) -> list[dict[str, Any]]:
        """The JSON lines of a file; a last line cut off by a kill in mid-write is not a line."""
        path = self.folder / book
        if not path.exists():
            return []
        out = []
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                continue
        return out


_ENGINES: dict[str, Any] = {}


class DatabaseLedger:
    """Rows of ``axpoc_ledger`` and a session-level advisory lock, in a PostgreSQL every host reaches."""

    def __init__(self, url: str, *, project: str) -> None:
        self.url = _psycopg_url(url)
        self.project = project
        parts = urlsplit(self.url)
        self.lock_place = f"PostgreSQL advisory lock on {parts.hostname}:{parts.port or 5432}{parts.path}"
        # A signed 64-bit key per project: every host computes the same one from the project's name.
        digest = hashlib.sha256(f"axpoc-registry:{project}".encode()).digest()
        self.key = int.from_bytes(digest[:8], "big", signed=True)

    @property
    def engine(self) -> Any:
        engine = _ENGINES.get(self.url)
        if engine is None:
            engine = _ENGINES[self.url] = _create_engine(self.url)
        return engine

    @contextmanager
    def lock(self, *, wait_s: float) -> Iterator[None]:
        """Poll ``pg_try_advisory_lock`` on a connection of its own, held until the block ends."""
        from sqlalchemy import text

        with _reachable(self.url):
            connection = self.engine.connect()
        try:
            deadline = time.monotonic() + wait_s
            while not connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar():
                connection.rollback()
                if time.monotonic() >= deadline:
                    raise LockTimeout
                time.sleep(0.1)
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
                connection.commit()
        finally:
            connection.close()

    def append(self, book: str, entry: dict[str, Any]) -> None:
        from sqlalchemy import text

        with _reachable(self.url), self.engine.begin() as connection:
            connection.execute(
                text(f"INSERT INTO {TABLE} (project, book, entry) VALUES (:p, :b, :e)"),
                {"p": self.project, "b": book, "e": json.dumps(entry, ensure_ascii=False)},
            )

    def read(self, book: str) -> list[dict[str, Any]]:
        from sqlalchemy import text

        with _reachable(self.url), self.engine.connect() as connection:
            rows = connection.execute(
                text(f"SELECT entry FROM {TABLE} WHERE project = :p AND book = :b ORDER BY seq"),
                {"p": self.project, "b": book},
            )
            return [json.loads(row[0]) for row in rows]


def _create_engine(url: str) -> Any:
    """An engine whose table exists; hosts creating it at once are serialised by a transaction lock."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    with _reachable(url), engine.begin() as connection:
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": 0x61787063})
        connection.execute(
            text(
                f"CREATE TABLE IF NOT EXISTS {TABLE} (seq BIGSERIAL PRIMARY KEY, project TEXT NOT NULL, "
                "book TEXT NOT NULL, entry TEXT NOT NULL, written_at TIMESTAMPTZ NOT NULL DEFAULT now())"
            )
        )
        connection.execute(text(f"CREATE INDEX IF NOT EXISTS {TABLE}_book ON {TABLE} (project, book, seq)"))
    return engine


def _psycopg_url(url: str) -> str:
    """SQLAlchemy's URL with the psycopg 3 driver (MLflow's ``postgresql://`` means psycopg2, not installed)."""
    scheme, _, rest = url.partition("://")
    return f"postgresql+psycopg://{rest}" if scheme in ("postgresql", "postgres") else url


@contextmanager
def _reachable(url: str) -> Iterator[None]:
    """A database that cannot be reached is said in words (exit 3), not a driver traceback."""
    from sqlalchemy.exc import OperationalError

    try:
        yield
    except OperationalError as exc:
        parts = urlsplit(url)
        raise ServerUnreachable(
            unreachable_message(
                f"the PostgreSQL at {parts.hostname}:{parts.port or 5432}{parts.path} (tracking.database)",
                str(exc.orig or exc).splitlines()[0],
            )
        ) from None


def unreachable_message(what: str, detail: str) -> str:
    """One paragraph for a team server that does not answer: what, why, what was kept, what to do."""
    return (
        f"{what} could not be reached ({detail[:300]}). Nothing in the registry was left half done: a run cut "
        "off here is marked KILLED and a promotion cut off midway is completed or undone by the next axpoc "
        "command that reaches the server. Check that the team server runs and this PC reaches it (README "
        "'Team server': systemctl status mlflow-team, postgresql), then run the command again."
    )


def server_unreachable(exc: BaseException) -> ServerUnreachable | None:
    """The error to show for an MLflow client exception when it means the server did not answer, else None."""
    from mlflow.exceptions import MlflowException

    text = str(getattr(exc, "message", "") or exc)
    if not isinstance(exc, MlflowException) or not text.startswith("API request to "):
        return None
    url = text.removeprefix("API request to ").split(" ", 1)[0]
    parts = urlsplit(url)
    detail = text.split(" failed with ", 1)[-1]
    return ServerUnreachable(
        unreachable_message(f"the MLflow server {parts.scheme}://{parts.netloc}", detail)
    )
