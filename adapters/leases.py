"""One holder at a time among several processes: a PostgreSQL session-level advisory
lock, held on a connection of its own.

Several `jobaid serve` hosts on one database each start a projector (`jobaid project`),
but only the one holding the lock follows the log and seals it; the others ask again
every `poll` seconds and take over within seconds when the holder dies. The lock lives
as long as its session: a holder killed outright loses it when PostgreSQL sees its
socket close, and a holder whose host vanished without closing it loses it when TCP
keepalives and `tcp_user_timeout` (adapters/settings.py) give up on it — seconds, not
the kernel's two hours. After a failover the new leader holds no lock at all: every
holder's connection to the old one is gone, so they all stop and one takes it there.

The lock is for efficiency, not correctness: the projections advance by compare-and-
set and the sealer by the chain table's key (projections/runner.py, audit/chain.py), so
the second or so during which an old holder has not yet noticed its loss writes nothing
twice."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import suppress

import psycopg

log = logging.getLogger("jobaid.lease")
PROJECTOR_LOCK = 7106117310  # the projector and the sealer (other ids: adapters/sql.py)


class AdvisoryLease:
    """`pg_try_advisory_lock(key)` on a dedicated autocommit connection."""

    def __init__(self, conninfo: str, key: int = PROJECTOR_LOCK) -> None:
        self.conninfo = conninfo
        self.key = key
        self.held = False
        self._conn: psycopg.Connection[tuple[object, ...]] | None = None

    def try_acquire(self) -> bool:
        """Take the lock if nobody holds it; False (never waits) if someone does."""
        try:
            if self._conn is None or self._conn.closed:
                self._conn = psycopg.connect(self.conninfo, autocommit=True)
            row = self._conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()
        except psycopg.Error as error:
            log.debug("lease %d: cannot ask (%s)", self.key, type(error).__name__)
            self._drop()
            return False
        self.held = bool(row and row[0])
        return self.held

    def still_held(self) -> bool:
        """Whether the session that took the lock is still there (so is the lock)."""
        if not self.held or self._conn is None:
            return False
        try:
            self._conn.execute("SELECT 1")
        except psycopg.Error:
            self._drop()
            return False
        return True

    def release(self) -> None:
        if self._conn is not None and self.held:
            with suppress(psycopg.Error):
                self._conn.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
        self._drop()

    def _drop(self) -> None:
        self.held = False
        if self._conn is not None:
            with suppress(psycopg.Error):
                self._conn.close()
        self._conn = None


class Exclusive:
    """Runs `start()` while this process holds the lease and `stop()` when it loses it
    or is stopped; asks for it every `poll` seconds meanwhile."""

    def __init__(
        self,
        lease: AdvisoryLease,
        start: Callable[[], None],
        stop: Callable[[], None],
        poll: float = 1.0,
        name: str = "the projector and the sealer",
    ) -> None:
        self.lease = lease
        self._start, self._stop = start, stop
        self.poll = poll
        self.name = name
        self.running = False
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        if self.thread is None:
            self.stopping.clear()
            self.thread = threading.Thread(target=self._run, name="jobaid-lease", daemon=True)
            self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout=30)
            self.thread = None

    def _run(self) -> None:
        try:
            while not self.stopping.is_set():
                try:
                    self._turn()
                except Exception as error:  # the store flapping as the work started
                    log.warning("%s could not start: %s", self.name, type(error).__name__)
                    self._halt()
                    self.lease.release()  # another process may do better meanwhile
                self.stopping.wait(self.poll)
        finally:
            self._halt()
            self.lease.release()

    def _turn(self) -> None:
        if not self.running and self.lease.try_acquire():
            log.info("this process now runs %s", self.name)
            self.running = True
            self._start()
        elif self.running and not self.lease.still_held():
            log.warning("lost the lease; this process no longer runs %s", self.name)
            self._halt()

    def _halt(self) -> None:
        if self.running:
            self.running = False
            self._stop()
