"""A background thread that keeps the projections up to date.

PostgreSQL: woken by the ledger's own LISTEN/NOTIFY channel (the library NOTIFYs on
every insert), with a slow poll as a safety net. SQLite has no notifications: poll a
little, and be woken at once by a reader waiting for its own write in this process."""

from __future__ import annotations

import logging
import threading

from eventsourcing.persistence import ConnectionPoolClosedError

from adapters.logs import log_retry
from adapters.sql import ViewStore
from projections.runner import Runner

log = logging.getLogger(__name__)
SQLITE_POLL = 0.05
POSTGRES_POLL = 1.0


class Follower:
    def __init__(self, runner: Runner, store: ViewStore) -> None:
        self.runner = runner
        self.store = store
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []
        self.error: BaseException | None = None

    def start(self) -> None:
        if self.threads:
            return
        self.stopping.clear()
        self.threads.append(threading.Thread(target=self._follow, name="projections", daemon=True))
        if self.store.postgres and self.store.channel:
            self.threads.append(
                threading.Thread(target=self._listen, name="projections-listen", daemon=True)
            )
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()
        for thread in self.threads:
            thread.join(timeout=10)
        self.threads = []

    @property
    def running(self) -> bool:
        return any(t.is_alive() for t in self.threads)

    def _follow(self) -> None:
        poll = POSTGRES_POLL if self.store.postgres else SQLITE_POLL
        failures = 0
        while not self.stopping.is_set():
            try:
                moved = self.runner.step()
                failures = 0
            except ConnectionPoolClosedError:
                return  # the ledger was closed under us: nothing left to follow
            except Exception as error:  # keep serving reads; retry with back-off
                self.error = error
                failures += 1
                log_retry(log, "projection step", failures, error)
                self.stopping.wait(min(30.0, 0.1 * 2 ** min(failures, 8)))
                continue
            if not moved:
                self.wake.wait(poll)
                self.wake.clear()

    def _listen(self) -> None:
        from psycopg.sql import SQL, Identifier

        channel = self.store.channel
        if channel is None:
            return
        while not self.stopping.is_set():
            try:
                with self.store.datastore.get_connection() as conn:
                    conn.execute(SQL("LISTEN {0}").format(Identifier(channel)))
                    while not self.stopping.is_set():
                        for _ in conn.notifies(timeout=0.2, stop_after=1):
                            self.wake.set()
            except Exception:
                log.exception("LISTEN for new events failed; polling until it is back")
                self.stopping.wait(1.0)
