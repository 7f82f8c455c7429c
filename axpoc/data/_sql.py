"""Read a table or a SELECT through SQLAlchemy; every failure names the database (password hidden)."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

import pandas as pd

from axpoc.errors import UserError

_TABLE_NAME = re.compile(r"^[\w$]+(?:\.[\w$]+)?$")
SQL_DRIVERS = {"postgresql": "postgres", "mysql": "mysql", "mssql": "mssql", "oracle": "oracle"}


def read_sql(url: str, query: str) -> pd.DataFrame:
    """Rows of ``query``: a SELECT (or any statement returning rows) or a bare table name (``schema.table``)."""
    import sqlalchemy as sa
    from sqlalchemy.exc import NoSuchModuleError, SQLAlchemyError

    parsed = parse_sql_url(url)
    shown = parsed.render_as_string(hide_password=True)
    _check_sqlite_file(parsed, shown)
    try:
        engine = sa.create_engine(parsed)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        extra = SQL_DRIVERS.get(parsed.get_backend_name(), "")
        how = f"pip install 'axpoc[{extra}]'" if extra else "install the database driver"
        raise UserError(f"data.url {shown}: the database driver is not installed ({exc}); {how}.") from None
    statement = query.strip().rstrip(";")
    if _TABLE_NAME.match(statement):
        quote = engine.dialect.identifier_preparer.quote
        statement = "SELECT * FROM " + ".".join(quote(part) for part in statement.split("."))
    try:
        connection = engine.connect()
    except SQLAlchemyError as exc:
        engine.dispose()
        raise UserError(
            f"data.url {shown}: cannot connect to the database: {_first_line(exc)}. Check the host, port, "
            "database name and credentials (put the password in an environment variable, ${DB_PASSWORD})."
        ) from None
    try:
        with connection:
            return pd.read_sql_query(sa.text(statement), connection)
    except (SQLAlchemyError, pd.errors.DatabaseError) as exc:  # pandas wraps the SQLAlchemy error
        raise UserError(
            f"data.query failed on {shown}: {_first_line(exc)}. Query: {statement}. {_hint(engine, query)}"
        ) from None
    finally:
        engine.dispose()


def safe_url(url: str) -> str:
    """The URL as it may be printed or logged: the password replaced by ``***``."""
    return parse_sql_url(url).render_as_string(hide_password=True)


def parse_sql_url(url: str) -> Any:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url)
    except ArgumentError:
        raise UserError(
            "data.url: not a valid SQLAlchemy URL. Expected e.g. 'postgresql+psycopg://user:${DB_PASSWORD}@host/db' "
            "or 'sqlite:///path/to/file.db'."
        ) from None


def _check_sqlite_file(parsed: Any, shown: str) -> None:
    """SQLite would silently create a missing file and then report 'no such table'."""
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    if not Path(parsed.database).is_file():
        raise UserError(
            f"data.url {shown}: the SQLite database file '{parsed.database}' does not exist. Check the path "
            "(sqlite:///relative/path.db or sqlite:////absolute/path.db)."
        )


def _first_line(exc: BaseException) -> str:
    """The driver's own message, without SQLAlchemy's and pandas' wrapping."""
    if isinstance(exc, pd.errors.DatabaseError) and exc.__cause__ is not None:
        exc = exc.__cause__
    cause = getattr(exc, "orig", None) or exc
    return str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__


def _hint(engine: Any, query: str) -> str:
    """The tables there are, with the closest to what the query named."""
    import sqlalchemy as sa
    from sqlalchemy.exc import SQLAlchemyError

    try:
        tables = sa.inspect(engine).get_table_names()
    except SQLAlchemyError:
        return "Check the table and column names and the SQL syntax of the database."
    words = re.findall(r"[\w$]+", query)
    close = [
        m for w in words for m in difflib.get_close_matches(w, tables, n=1, cutoff=0.6) if w not in tables
    ]
    maybe = f" Did you mean '{close[0]}'?" if close else ""
    listed = ", ".join(tables[:20]) or "none"
    return f"Check the table and column names and the SQL syntax.{maybe} Tables in the database: {listed}."
