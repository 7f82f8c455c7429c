"""Outputs of ``axpoc predict``: files written all or nothing (temporary file, then rename), tables in one
transaction; output paths checked before any work, write failures and leftovers of killed runs handled."""

from __future__ import annotations

import codecs
import errno
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd

from axpoc import _files as files
from axpoc.errors import UserError
from axpoc.i18n import BatchNote

_TABLE = re.compile(r"^[^\W\d][\w$]*(?:\.[^\W\d][\w$]*)?$")
_FILE_OUTPUTS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
_OTHER_FILES = frozenset({".xlsx", ".xlsm", ".xls", ".txt", ".tsv", ".json", ".gz", ".feather"})


@dataclass(frozen=True)
class Target:
    kind: str  # "csv" | "parquet" | "sql"
    path: Path | None = None
    table: str | None = None

    @property
    def label(self) -> str:
        return str(self.path) if self.path is not None else f"table {self.table}"


def parse_output(text: str) -> Target:
    """A .csv or .parquet file, or a table name (``scores``, ``schema.scores``, or ``sql:name``)."""
    if text.startswith(("sql:", "table:")):
        name = text.split(":", 1)[1].strip()
        if not _TABLE.match(name):
            raise UserError(
                f"--output: '{name}' is not a table name (letters, digits and '_', optionally schema.table)."
            )
        return Target("sql", table=name)
    path = Path(text).expanduser()
    suffix = path.suffix.lower()
    if suffix in _FILE_OUTPUTS:
        return Target(_FILE_OUTPUTS[suffix], path=path)
    if suffix in _OTHER_FILES or "/" in text or "\\" in text or not _TABLE.match(text):
        raise UserError(
            f"--output '{text}': write a .csv (UTF-8 with BOM, opens in Excel) or .parquet file, or name a "
            "database table (e.g. 'quality.scores') to append to."
        )
    return Target("sql", table=text)


class FileSink:
    """Chunks appended to one CSV (UTF-8 with BOM, header once) or Parquet file, through Arrow's writers.

    The file is opened at the first chunk with rows, so its schema comes from real values; columns
    still without a type there (all missing) become text. An input without any row gets the header
    (CSV) or an empty table (Parquet).
    """

    def __init__(self, path: Path, kind: str, *, shown: Path, option: str) -> None:
        self.path, self.kind, self.shown, self.option = path, kind, shown, option
        self._handle: BinaryIO | None = None
        self._writer: Any = None
        self._schema: Any = None
        self._empty: pd.DataFrame | None = None

    def write(self, frame: pd.DataFrame) -> None:
        if frame.empty and self._writer is None:
            self._empty = frame
            return
        with self._failing():
            self._append(frame)

    @contextmanager
    def _failing(self) -> Iterator[None]:
        """A write that fails (disk full, file size limit, permission) as a UserError naming the output."""
        import pyarrow as pa

        try:
            yield
        except (OSError, pa.ArrowException) as exc:
            raise write_failed(self.shown, exc, option=self.option) from None

    def _append(self, frame: pd.DataFrame) -> None:
        import pyarrow as pa

        table = pa.Table.from_pandas(frame, preserve_index=False)
        if self._writer is None:
            fields = [f.with_type(pa.string()) if pa.types.is_null(f.type) else f for f in table.schema]
            self._schema = pa.schema(fields)
            self._writer = self._open(self._schema)
        if table.schema != self._schema:
            table = table.cast(self._schema)
        self._writer.write_table(table)

    def _open(self, schema: Any) -> Any:
        if self.kind == "parquet":
            import pyarrow.parquet as pq

            return pq.ParquetWriter(self.path, schema)
        import pyarrow.csv as pacsv

        self._handle = self.path.open("wb")
        self._handle.write(codecs.BOM_UTF8)  # Excel on Korean Windows then reads the file as UTF-8
        return pacsv.CSVWriter(self._handle, schema)

    def close(self) -> None:
        with self._failing():
            try:
                if self._writer is None and self._empty is not None:
                    self._append(self._empty)
                if self._writer is not None:
                    self._writer.close()
            finally:
                if self._handle is not None:
                    self._handle.close()


class SqlSink:
    """Chunks appended to a table inside one open transaction (the first one replaces the table if asked).

    A table written by an earlier axpoc lacks the text columns added since (``added_columns``): they are
    added to it (``ALTER TABLE ... ADD COLUMN``, in the same transaction), earlier rows left empty there.
    """

    def __init__(
        self, connection: Any, table: str, *, replace: bool, added_columns: tuple[str, ...] = ()
    ) -> None:
        self.connection, self.replace, self.added_columns = connection, replace, added_columns
        self.schema, _, self.name = table.rpartition(".")
        self._first = True

    def write(self, frame: pd.DataFrame) -> None:
        if frame.empty and not self._first:
            return
        if self._first and not self.replace:
            self._add_columns(frame)
        mode = "replace" if self._first and self.replace else "append"
        frame.to_sql(
            self.name,
            self.connection,
            schema=self.schema or None,
            if_exists=mode,
            index=False,
            chunksize=10_000,
        )
        self._first = False

    def _add_columns(self, frame: pd.DataFrame) -> None:
        import sqlalchemy as sa

        inspector = sa.inspect(self.connection)
        if not inspector.has_table(self.name, schema=self.schema or None):
            return
        present = {c["name"] for c in inspector.get_columns(self.name, schema=self.schema or None)}
        preparer = self.connection.dialect.identifier_preparer
        table = (
            preparer.quote(self.name)
            if not self.schema
            else f"{preparer.quote_schema(self.schema)}.{preparer.quote(self.name)}"
        )
        for column in self.added_columns:
            if column in frame.columns and column not in present:
                self.connection.execute(
                    sa.text(f"ALTER TABLE {table} ADD COLUMN {preparer.quote(column)} TEXT")
                )

    def close(self) -> None:
        """Nothing to close: the transaction commits when the caller's block ends."""


@contextmanager
def transaction(url: str) -> Iterator[Any]:
    """One connection in one transaction; SQLite is made to include DDL (a replaced table comes back on failure)."""
    import sqlalchemy as sa
    from sqlalchemy.exc import NoSuchModuleError, SQLAlchemyError

    from axpoc.data import SQL_DRIVERS, parse_sql_url

    parsed = parse_sql_url(url)
    shown = parsed.render_as_string(hide_password=True)
    try:
        engine = sa.create_engine(parsed)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        extra = SQL_DRIVERS.get(parsed.get_backend_name(), "")
        how = f"pip install 'axpoc[{extra}]'" if extra else "install the database driver"
        raise UserError(
            f"--output-url {shown}: the database driver is not installed ({exc}); {how}."
        ) from None
    if parsed.get_backend_name() == "sqlite":
        # pysqlite commits DDL on its own; the SQLAlchemy recipe hands transaction control back to us.
        sa.event.listen(engine, "connect", lambda dbapi, _: setattr(dbapi, "isolation_level", None))
        sa.event.listen(engine, "begin", lambda connection: connection.exec_driver_sql("BEGIN"))
    try:
        with engine.begin() as connection:
            yield connection
    except SQLAlchemyError as exc:
        raise UserError(
            f"writing to {shown} failed, nothing was written: {str(getattr(exc, 'orig', exc)).splitlines()[0]}. "
            "Check the table name, the permissions and that an existing table has the same columns "
            "(or use --replace)."
        ) from None
    finally:
        engine.dispose()


@contextmanager
def staged(path: Path, *, option: str) -> Iterator[Path]:
    """:func:`axpoc._files.staged` for an output named by ``option``: a folder that cannot be made or a
    rename that fails is a user error naming the path."""
    with files.staged(path, failed=lambda exc: write_failed(path, exc, option=option)) as tmp:
        yield tmp


def remove_stale_temps(path: Path) -> list[tuple[Path, int]]:
    """(file, bytes) of each leftover temporary file beside ``path`` that a killed process left and was
    removed (:func:`axpoc._files.remove_stale_temps`); a concurrent predict's file is kept."""
    from axpoc.tracking import process_alive

    return files.remove_stale_temps(path, alive=process_alive)


def prepare_outputs(outputs: dict[str, Path | None]) -> list[tuple[Path, int]]:
    """Check each output file (option -> path; None where the output is no file) before any work, then
    remove what killed runs left beside it; returns the removed files (see :func:`remove_stale_temps`)."""
    paths = {option: path for option, path in outputs.items() if path is not None}
    for option, path in paths.items():
        check_output(path, option=option)
    return [found for path in paths.values() for found in remove_stale_temps(path)]


def check_output(path: Path, *, option: str) -> None:
    """Refuse, before any work, an output file that cannot be written: a folder, a path under a file,
    a folder without write permission."""
    if path.is_dir():
        raise UserError(
            f"{option} {path} is a folder; name a file in it, e.g. {path / ('scores' + (path.suffix or '.csv'))}."
        )
    existing = path.parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise UserError(
            f"{option} {path}: {existing} is a file, not a folder, so nothing can be written under it. "
            f"Choose an output path inside a folder (e.g. {existing.parent / path.name})."
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UserError(
            f"{option} {path}: no permission to write in the folder {existing}. Choose a folder you can write "
            "to (e.g. under your home folder), or ask for write access to this one."
        )


def write_failed(path: Path, exc: BaseException, *, option: str) -> UserError:
    """The message for an output that could not be written: what the system said, that nothing changed,
    and the fix."""
    number = getattr(exc, "errno", None)
    reason = getattr(exc, "strerror", None) or str(exc).strip() or type(exc).__name__
    if number in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)):
        fix = "Free space on that drive (or raise the file size limit)"
    elif number in (errno.EACCES, errno.EPERM, errno.EROFS):
        fix = "Choose a folder you can write to, or ask for write access"
    else:
        fix = "Check the path"
    return UserError(
        f"{option} {path}: writing failed ({reason}). Nothing was written: an earlier {path.name} is "
        f"unchanged and no partial file is left. {fix}, or give another {option}."
    )


def leftover_notes(leftovers: list[tuple[Path, int]]) -> list[str]:
    if not leftovers:
        return []
    size = sum(n for _, n in leftovers) / 1e6
    names = ", ".join(path.name for path, _ in leftovers[:3])
    return [BatchNote("leftovers", {"n": len(leftovers), "mb": size, "names": names})]
