"""SQLite helpers: one database file per service, WAL mode, one shared connection.

Every service of a stack owns one :class:`Store`. A store holds a single
connection guarded by a lock: our statements take microseconds, SQLite
serialises writers anyway, and one connection means ``close()`` really
releases every file handle (request threads come and go; per-thread
connections would outlive them).
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from .errors import StackError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Store", "to_frame"]


class Store:
    """A SQLite database file with the pragmas a small service wants.

    >>> s = Store(":memory:", schema="CREATE TABLE t (x INTEGER)")
    >>> s.execute("INSERT INTO t VALUES (?)", (1,)).rowcount
    1
    >>> s.all("SELECT x FROM t")
    [{'x': 1}]
    >>> s.close()
    """

    def __init__(self, path: str | Path, schema: str = "") -> None:
        self.path = str(path)
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = sqlite3.connect(
            self.path, check_same_thread=False, isolation_level=None, timeout=10
        )
        self._conn.row_factory = sqlite3.Row
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON"):
            self._conn.execute(f"PRAGMA {pragma}")
        if schema:
            self._conn.executescript(schema)

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StackError(f"the database {Path(self.path).name} is closed: its stack is stopped; "
                             "start a new one with hooklab.start()")
        return self._conn

    def execute(self, sql: str, params: Iterable[Any] | dict = ()) -> sqlite3.Cursor:
        with self._lock:
            return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Iterable[Any]]) -> sqlite3.Cursor:
        with self.transaction():
            return self.conn.executemany(sql, rows)

    def all(self, sql: str, params: Iterable[Any] | dict = ()) -> list[dict]:
        with self._lock:
            return [dict(r) for r in self.conn.execute(sql, params).fetchall()]

    def one(self, sql: str, params: Iterable[Any] | dict = ()) -> dict | None:
        with self._lock:
            row = self.conn.execute(sql, params).fetchone()
        return dict(row) if row is not None else None

    def scalar(self, sql: str, params: Iterable[Any] | dict = ()) -> Any:
        with self._lock:
            row = self.conn.execute(sql, params).fetchone()
        return row[0] if row is not None else None

    def frame(self, sql: str, params: Iterable[Any] | dict = (), *, columns: list[str],
              times: tuple[str, ...] = ()) -> "pd.DataFrame":
        """The rows of ``sql`` as a DataFrame; ``times`` columns (Unix seconds) become UTC datetimes."""
        return to_frame(self.all(sql, params), columns, times)

    def transaction(self) -> "_Transaction":
        """``with store.transaction():`` groups statements atomically."""
        return _Transaction(self)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    @property
    def closed(self) -> bool:
        return self._conn is None

    def __repr__(self) -> str:
        return f"<Store {self.path}{' closed' if self.closed else ''}>"


class _Transaction:
    def __init__(self, store: Store) -> None:
        self.store = store

    def __enter__(self) -> Store:
        self.store._lock.acquire()
        try:  # a closed store raises here too: the lock must not stay taken
            # Nested use joins the outer transaction instead of failing on BEGIN.
            self.outer = not self.store.conn.in_transaction
            if self.outer:
                self.store.conn.execute("BEGIN IMMEDIATE")
        except BaseException:
            self.store._lock.release()
            raise
        return self.store

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if self.outer:
                self.store.conn.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self.store._lock.release()


def to_frame(rows: list[dict], columns: list[str], times: tuple[str, ...] = ()) -> "pd.DataFrame":
    """Rows as a DataFrame with fixed columns; ``times`` (Unix seconds) become UTC datetimes, to the ms."""
    import pandas as pd  # here: a store is useful without pandas loaded

    df = pd.DataFrame(rows, columns=columns)
    for col in times:
        df[col] = pd.to_datetime(df[col], unit="s", utc=True).dt.round("ms")
    return df
