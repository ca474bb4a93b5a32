"""What every backend's ``read_only_df`` shares: the deadline, the capped fetch, the frame.

A person's query must never hold the store longer than its timeout, nor fill the memory
of the process that runs it. So the stop signal (DuckDB ``interrupt``, PostgreSQL cancel)
stays armed until the last row is fetched and the result is closed, the deadline is also
checked between fetches (a cancel that arrives between two fetches is lost), and rows are
fetched in chunks sized to stay under a byte cap as well as the row cap.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import pandas as pd

from ..errors import QueryError

#: Default cap on the size of one result (an estimate of its values' bytes).
DEFAULT_MAX_BYTES = 32 * 1024 * 1024
_FIRST_CHUNK = 16        # rows: small, as one row may be megabytes
_MAX_CHUNK = 4096
_CHUNK_SHARE = 8         # a chunk aims at 1/8 of the byte cap


class SQLReference(NamedTuple):
    """A function or table that an engine's own parser found in a query.

    ``kind`` is ``function``, ``table_function`` (a function in FROM), ``table``, or
    ``error`` (``name`` then holds the engine's message; ``refused: ...`` when the engine
    says the text is not a plain query).
    """

    kind: str
    name: str
    schema: str = ""
    catalog: str = ""


def timed_out(timeout: float) -> QueryError:
    return QueryError(f"the query ran longer than {timeout:g} s and was stopped")


class Deadline:
    """Calls ``stop`` once, ``seconds`` from now, unless ``disarm`` came first.

    ``disarm`` after the result is closed: until then the engine may still be working on
    the query (DuckDB computes the rest of a streaming result inside ``close``).
    """

    def __init__(self, seconds: float, stop: Callable[[], Any]):
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.fired = False
        self._stop = stop
        self._armed = True
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, seconds), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        with self._lock:
            if not self._armed:
                return
            self.fired = True
            try:
                self._stop()
            except Exception:  # noqa: BLE001 - the result may be closing; the check holds
                pass

    def check(self) -> None:
        """Raise the timeout error when the deadline has passed."""
        if self.fired or time.monotonic() >= self.end:
            raise timed_out(self.seconds)

    def disarm(self) -> None:
        with self._lock:
            self._armed = False
        self._timer.cancel()


def cell_bytes(value: Any) -> int:
    """About how many bytes a value takes in a result (strings count one per character)."""
    if isinstance(value, (str, bytes, bytearray, memoryview)):
        return 16 + len(value)
    if isinstance(value, (list, tuple)):
        return 16 + sum(cell_bytes(v) for v in value)
    if isinstance(value, dict):
        return 16 + sum(cell_bytes(k) + cell_bytes(v) for k, v in value.items())
    return 8


class Fetched(NamedTuple):
    rows: list[tuple]
    truncated_by: str | None   # None, "rows" or "bytes"


def fetch_capped(fetchmany: Callable[[int], Sequence], limit: int, max_bytes: int,
                 deadline: Deadline | None = None) -> Fetched:
    """Fetch at most ``limit`` rows and about ``max_bytes`` bytes, in growing chunks.

    Raises QueryError when even the first row is over ``max_bytes``, and the timeout error
    when ``deadline`` passes between two chunks.
    """
    rows: list[tuple] = []
    size, step = 0, _FIRST_CHUNK
    while len(rows) <= limit:
        if deadline is not None:
            deadline.check()
        try:
            chunk = fetchmany(min(step, limit + 1 - len(rows)))
        except MemoryError:
            raise QueryError(f"the result does not fit in memory; it is capped at "
                             f"{max_bytes:,} bytes: select fewer or smaller values") from None
        if not chunk:
            break
        for row in chunk:
            size += sum(cell_bytes(v) for v in row)
            if size > max_bytes:
                if not rows:
                    raise QueryError(f"one row of the result is larger than the "
                                     f"{max_bytes:,}-byte cap on results")
                return Fetched(rows, "bytes")
            rows.append(tuple(row))
        per_row = max(1, size // len(rows))
        step = max(1, min(_MAX_CHUNK, max_bytes // _CHUNK_SHARE // per_row))
    if len(rows) > limit:
        return Fetched(rows[:limit], "rows")
    return Fetched(rows, None)


def unique_columns(cols: Sequence[str]) -> list[str]:
    """Column names made unique (``a, a`` -> ``a, a_2``): a DataFrame needs them so."""
    seen: dict[str, int] = {}
    out = []
    for c in cols:
        n = seen.get(c, 0)
        seen[c] = n + 1
        out.append(c if n == 0 else f"{c}_{n + 1}")
    return out


def frame(fetched: Fetched, columns: Sequence[str], max_bytes: int) -> pd.DataFrame:
    """The result as a DataFrame; ``attrs``: ``truncated`` (bool), ``truncated_by``."""
    df = pd.DataFrame(fetched.rows, columns=unique_columns([str(c) for c in columns]))
    df.attrs["truncated"] = fetched.truncated_by is not None
    df.attrs["truncated_by"] = fetched.truncated_by
    if fetched.truncated_by == "bytes":
        df.attrs["max_bytes"] = max_bytes
    return df
