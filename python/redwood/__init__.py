"""Redwood for Python: a PEP 249 (DB-API 2.0) driver with Arrow results, embedded or remote.

    con = redwood.connect(":memory:")   # or a directory, or "redwood://user:pw@host:5439/dev"
    cur = con.cursor()
    cur.execute("SELECT %s + 1", (41,)).fetchone()   # (42,)

The work is done by Redwood's client API in Rust (`redwood._redwood`); this module is the
DB-API's shape around it.
"""

from __future__ import annotations

import datetime as _datetime
import time as _time
from typing import Any, Iterator, Mapping, Optional, Sequence, Union

from redwood import _redwood
from redwood._redwood import (
    DatabaseError,
    DataError,
    Error,
    IntegrityError,
    InterfaceError,
    InternalError,
    NotSupportedError,
    OperationalError,
    ProgrammingError,
    Warning,
)

__version__ = _redwood.__version__

apilevel = "2.0"
#: Threads may share the module, not connections.
threadsafety = 1
#: `%s` with a sequence, `%(name)s` with a mapping (and `$1`, `$2`, … with a sequence).
paramstyle = "pyformat"

Parameters = Union[Sequence[Any], Mapping[str, Any], None]

__all__ = [
    "connect", "Connection", "Cursor", "apilevel", "threadsafety", "paramstyle",
    "Warning", "Error", "InterfaceError", "DatabaseError", "DataError", "OperationalError",
    "IntegrityError", "InternalError", "ProgrammingError", "NotSupportedError",
    "Date", "Time", "Timestamp", "DateFromTicks", "TimeFromTicks", "TimestampFromTicks", "Binary",
    "STRING", "BINARY", "NUMBER", "DATETIME", "ROWID",
]


def connect(target: str = ":memory:", user: Optional[str] = None, password: Optional[str] = None,
            autocommit: bool = False) -> "Connection":
    """Opens a database: ``":memory:"``, a directory (created when new), or a running Redwood
    (``redwood://user:password@host:5439/dev``; also ``postgres://`` URLs, with libpq's
    ``sslmode`` and ``sslrootcert``)."""
    return Connection(_redwood.Connection(target, user, password), autocommit)


class Connection:
    """A connection (PEP 249). Statements run in a transaction that ``commit()`` or
    ``rollback()`` ends, unless ``autocommit`` is true. Use it from one thread at a time."""

    Warning = Warning
    Error = Error
    InterfaceError = InterfaceError
    DatabaseError = DatabaseError
    DataError = DataError
    OperationalError = OperationalError
    IntegrityError = IntegrityError
    InternalError = InternalError
    ProgrammingError = ProgrammingError
    NotSupportedError = NotSupportedError

    def __init__(self, inner: "_redwood.Connection", autocommit: bool = False):
        self._inner = inner
        self._autocommit = autocommit
        self._in_transaction = False

    @property
    def autocommit(self) -> bool:
        return self._autocommit

    @autocommit.setter
    def autocommit(self, value: bool) -> None:
        if value and self._in_transaction:
            self.commit()
        self._autocommit = bool(value)

    @property
    def closed(self) -> bool:
        return self._inner.closed

    def cursor(self) -> "Cursor":
        self._check_open()
        return Cursor(self)

    def execute(self, operation: str, parameters: Parameters = None) -> "Cursor":
        """A new cursor that has run ``operation`` (as DuckDB's and sqlite3's shortcut)."""
        return self.cursor().execute(operation, parameters)

    def commit(self) -> None:
        self._check_open()
        if self._in_transaction:
            self._in_transaction = False
            self._inner.execute("COMMIT")

    def rollback(self) -> None:
        self._check_open()
        if self._in_transaction:
            self._in_transaction = False
            self._inner.execute("ROLLBACK")

    def cancel(self) -> None:
        """Cancels the statement running on this connection (from another thread)."""
        self._inner.cancel()

    def close(self) -> None:
        """Closes the connection; a transaction still open is rolled back."""
        self._in_transaction = False
        self._inner.close()

    def __enter__(self) -> "Connection":
        return self

    def __exit__(self, kind, value, traceback) -> None:
        # As sqlite3 and psycopg: commit on success, roll back on an exception, then close.
        try:
            if not self.closed:
                if kind is None:
                    self.commit()
                else:
                    self.rollback()
        finally:
            self.close()

    def _check_open(self) -> None:
        if self._inner.closed:
            raise InterfaceError("the connection is closed")

    def _begin(self) -> None:
        """Opens the implicit transaction before a statement, as PEP 249 asks."""
        if not self._autocommit and not self._in_transaction:
            self._inner.execute("BEGIN")
            self._in_transaction = True


class Cursor:
    """A cursor (PEP 249), with Arrow results on top."""

    def __init__(self, connection: Connection):
        self.connection = connection
        self.arraysize = 1
        self._result: Optional[_redwood.QueryResult] = None
        self._rowcount = -1
        self._closed = False

    # -- running statements --------------------------------------------------------------

    def execute(self, operation: str, parameters: Parameters = None) -> "Cursor":
        """Runs one statement (several when there are no parameters). Returns the cursor."""
        self._start()
        self._result = self.connection._inner.execute(operation, parameters)
        self._rowcount = self._result.rowcount
        return self

    def executemany(self, operation: str, seq_of_parameters: Sequence[Parameters]) -> "Cursor":
        """Runs one statement once per parameter set; ``rowcount`` is their total."""
        self._start()
        self._result = None
        self._rowcount = self.connection._inner.execute_many(operation, seq_of_parameters)
        return self

    def insert_arrow(self, table: str, data: Any) -> int:
        """Bulk-loads ``data`` into ``table`` (columns by position): a pyarrow Table or
        RecordBatchReader, a pandas or polars DataFrame, or anything with
        ``__arrow_c_stream__``. All rows or none; returns how many."""
        self._start()
        self._result = None
        if type(data).__module__.split(".")[0] == "pandas":
            import pyarrow

            data = pyarrow.Table.from_pandas(data, preserve_index=False)
        self._rowcount = self.connection._inner.append_arrow(table, data)
        return self._rowcount

    def _start(self) -> None:
        self._check_open()
        if self._result is not None:
            self._result.close()
        self.connection._begin()

    # -- results as tuples ---------------------------------------------------------------

    @property
    def description(self):
        return None if self._result is None else self._result.description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    def fetchone(self) -> Optional[tuple]:
        rows = self._rows().fetch(1)
        return rows[0] if rows else None

    def fetchmany(self, size: Optional[int] = None) -> list:
        return self._rows().fetch(self.arraysize if size is None else size)

    def fetchall(self) -> list:
        return self._rows().fetch()

    def __iter__(self) -> Iterator[tuple]:
        return self

    def __next__(self) -> tuple:
        row = self.fetchone()
        if row is None:
            raise StopIteration
        return row

    # -- results as Arrow ----------------------------------------------------------------

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """The rows not yet read as an Arrow C stream (the PyCapsule interface)."""
        return self._rows().__arrow_c_stream__(requested_schema)

    def __arrow_c_schema__(self) -> Any:
        """The rows' schema as an Arrow C schema (the PyCapsule interface)."""
        return self._rows().__arrow_c_schema__()

    def fetch_record_batch(self) -> "pyarrow.RecordBatchReader":  # noqa: F821
        """The rows not yet read as a streaming ``pyarrow.RecordBatchReader``."""
        import pyarrow

        return pyarrow.RecordBatchReader.from_stream(self)

    def fetch_arrow_table(self) -> "pyarrow.Table":  # noqa: F821
        return self.fetch_record_batch().read_all()

    def fetch_df(self) -> "pandas.DataFrame":  # noqa: F821
        return self.fetch_arrow_table().to_pandas()

    def fetch_polars(self) -> "polars.DataFrame":  # noqa: F821
        import polars

        return polars.from_arrow(self.fetch_arrow_table())

    # -- the rest of PEP 249 -------------------------------------------------------------

    def setinputsizes(self, sizes: Any) -> None:
        pass

    def setoutputsize(self, size: Any, column: Optional[int] = None) -> None:
        pass

    def close(self) -> None:
        if self._result is not None:
            self._result.close()
        self._result = None
        self._closed = True

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> "Cursor":
        return self

    def __exit__(self, kind, value, traceback) -> None:
        self.close()

    def _check_open(self) -> None:
        if self._closed:
            raise InterfaceError("the cursor is closed")
        self.connection._check_open()

    def _rows(self) -> "_redwood.QueryResult":
        self._check_open()
        if self._result is None or self._result.description is None:
            raise ProgrammingError("no results: the last statement returned no rows")
        return self._result


# -- PEP 249 type constructors and type objects ---------------------------------------------

Date = _datetime.date
Time = _datetime.time
Timestamp = _datetime.datetime
Binary = bytes


def DateFromTicks(ticks: float) -> _datetime.date:
    return Date(*_time.localtime(ticks)[:3])


def TimeFromTicks(ticks: float) -> _datetime.time:
    return Time(*_time.localtime(ticks)[3:6])


def TimestampFromTicks(ticks: float) -> _datetime.datetime:
    return Timestamp(*_time.localtime(ticks)[:6])


class _TypeObject:
    """Compares equal to the type codes (PostgreSQL type OIDs) of a family of types."""

    def __init__(self, name: str, *oids: int):
        self.name, self.oids = name, frozenset(oids)

    def __eq__(self, other: object) -> bool:
        return other in self.oids if isinstance(other, int) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.oids)

    def __repr__(self) -> str:
        return f"redwood.{self.name}"


STRING = _TypeObject("STRING", 25, 1042, 1043)
BINARY = _TypeObject("BINARY", 17)
NUMBER = _TypeObject("NUMBER", 16, 20, 21, 23, 700, 701, 1700)
DATETIME = _TypeObject("DATETIME", 1082, 1083, 1114, 1184, 1186)
ROWID = _TypeObject("ROWID")
