"""Journal replay into the store's own database: the sender and the offset book."""

from __future__ import annotations

from ...errors import InvalidEvent
from .core import LOCK_RETRIES, Ingestor

#: Errors by which an event that passed validation still cannot be stored: the event is at
#: fault, not the database (which raises its own errors: those mean "try again later").
EVENT_FAULTS = (TypeError, ValueError, KeyError, AttributeError, IndexError, OverflowError)


def local_sender(be, on_stored=None, book: TableBook | None = None,
                 lock_retries: tuple[float, ...] = LOCK_RETRIES):
    """``send(events)`` for journal replay into the database behind ``be``.

    An event that breaks the ingest is reported as ``InvalidEvent`` so that replay
    quarantines that event alone and stores the rest. ``on_stored(result)`` runs after each
    stored batch (e.g. to revive the runs it touched). With ``book`` (the store's own
    ``TableBook``), the journal offsets noted so far are written in each batch's
    transaction: no transaction of their own. ``lock_retries``: see ``Ingestor``.
    """
    ing = Ingestor(be, lock_retries)
    faults = EVENT_FAULTS + be.data_faults()

    def send(events: list[dict]) -> list[tuple[dict, str]]:
        try:
            result = ing.apply(events, before_commit=book.save if book else None)
        except faults as exc:
            if book is not None:
                book.rolled_back()
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
            raise InvalidEvent(f"the store could not take this event: "
                               f"{type(exc).__name__}: {first}") from None
        except BaseException:
            if book is not None:
                book.rolled_back()
            raise
        if book is not None:
            book.committed()
        if on_stored is not None:
            on_stored(result)
        return [(r.event, r.reason) for r in result.refused]

    return send


class TableBook:
    """Journal offsets kept in the store's own ``_journal`` table (``outbox.replay``'s
    offset book for the journals inside a directory store).

    ``set`` and ``forget`` only note the change; ``save`` writes what is noted inside the
    caller's transaction (``local_sender`` does it in each batch's, ``close`` in one of its
    own at the end). A segment read to its end mark in one replay is noted and forgotten
    before anything is written: a reader that ingests a finished run writes no offset at
    all. Offsets that did not reach the table cost a resend, which the store skips.
    """

    def __init__(self, be):
        self.be = be
        self.offsets = dict(be.fetchall("SELECT name, byte_offset FROM _journal"))
        self._stored = set(self.offsets)  # names with a row in the table
        self._noted: dict[str, int | None] = {}  # name -> offset; None: delete its row
        self._saving: dict[str, int | None] = {}  # written in a transaction not yet done

    def get(self, path) -> int:
        return int(self.offsets.get(path.name, 0))

    def set(self, path, offset: int) -> None:
        self.offsets[path.name] = offset
        self._noted[path.name] = offset

    def forget(self, path) -> None:
        self.offsets.pop(path.name, None)
        self._noted[path.name] = None

    def save(self) -> None:
        """Write the noted offsets, inside the caller's transaction."""
        noted = {**self._saving, **self._noted}
        self._saving, self._noted = noted, {}
        gone = [n for n, off in noted.items() if off is None and n in self._stored]
        update = [[n, off] for n, off in noted.items() if off is not None and n in self._stored]
        insert = [[n, off] for n, off in noted.items()
                  if off is not None and n not in self._stored]
        for i in range(0, len(gone), 250):
            in_names, params = self.be.in_list(gone[i:i + 250])
            self.be.execute(f"DELETE FROM _journal WHERE name IN {in_names}", params)
        self.be.update_rows("_journal", "name", ["byte_offset"], ["integer"], update)
        self.be.insert("_journal", ["name", "byte_offset"], ["text", "integer"], insert)

    def committed(self) -> None:
        """The transaction that saved the noted offsets committed."""
        for name, off in self._saving.items():
            if off is None:
                self._stored.discard(name)
            else:
                self._stored.add(name)
        self._saving = {}

    def rolled_back(self) -> None:
        """It rolled back (or never began): what it held is noted again."""
        self._noted = {**self._saving, **self._noted}
        self._saving = {}

    def close(self) -> None:
        """Write what is still noted, in one transaction of its own."""
        self.rolled_back()
        if all(off is None and name not in self._stored for name, off in self._noted.items()):
            self._noted = {}  # noted and forgotten in this replay: nothing to write
            return
        self.be.begin()
        try:
            self.save()
            self.be.commit()
        except BaseException:
            try:
                self.be.rollback()
            finally:
                self.rolled_back()
            raise
        self.committed()

