"""Apply events to a store: the one place that turns events into rows.

``core.Ingestor`` runs a batch as one transaction over a ``batch.Batch`` (its state, in one
object); the event kinds each have their module (``runs``, ``rows``, ``files``), which
registers a handler and the steps that write what it gathered (``batch.on``,
``batch.at_end``). ``sets`` and ``extra`` write data-set rows, ``dims`` the dimension
rows, ``sequence`` judges which events are new, ``ddl`` creates the schema, ``replay``
serves journal replay.
"""

from .batch import IngestResult, Refused
from .core import LOCK_RETRIES, Ingestor
from .ddl import check_schema, ensure_schema
from .extra import EXTRA_TABLE
from .replay import EVENT_FAULTS, TableBook, local_sender
from .sequence import MAX_SEQ_JUMP
from .sets import MAX_SET_COLUMNS

__all__ = ["EVENT_FAULTS", "EXTRA_TABLE", "LOCK_RETRIES", "MAX_SEQ_JUMP", "MAX_SET_COLUMNS",
           "IngestResult", "Ingestor", "Refused", "TableBook", "check_schema", "ensure_schema",
           "local_sender"]
