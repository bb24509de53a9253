"""The projections and the sealer in a process of their own beside `jobaid serve`.

Python runs one thread at a time per process: in the service's own process, the
follower and the sealer (which re-read, decode and hash every new event) took a third of
the interpreter's time away from requests under batch load. On PostgreSQL they run here
instead, as `jobaid project` in a child process, on the machine's other core. Nothing
about correctness changes: the projector advances exactly once by compare-and-set and
the sealer by the chain head, whichever process runs them (projections/runner.py,
jobaid/chain.py), and the service's reads wait for the projections through the tracking
row in the database (`Projections.wait_for`).

The child is started with the service, restarted with back-off if it dies, stopped with
SIGTERM when the service stops, and told by the kernel to stop if the service is killed.
On SQLite (one writer per database file) they stay threads of the service.

Several service hosts on one PostgreSQL database each have a projector, but exactly one
of them follows the log and seals it at a time: the one holding an advisory lock
(`LeasedProjector`, adapters/leases.py); the others ask every second and take over within
seconds of its death."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from typing import TYPE_CHECKING

from psycopg.conninfo import make_conninfo

from adapters.leases import AdvisoryLease, Exclusive
from adapters.settings import Settings, child_env, conninfo

if TYPE_CHECKING:
    from api.runtime import Background
    from service.ledger import Ledger

log = logging.getLogger("jobaid.api")
PARENT = "JOBAID_PROJECTOR_PARENT"  # the child stops when this process is gone
LEASE_NAME = "jobaid-projector"  # the lease's connection: application_name LEASE_NAME-<pid>


def runs_apart(settings: Settings) -> bool:
    """Whether `jobaid serve` keeps its projections in a child process: on PostgreSQL,
    unless JOBAID_PROJECTOR=thread."""
    return settings.projector == "process" and settings.postgres_store


class ProjectorProcess:
    """Supervises `jobaid project` (projections and sealer) as a child process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.stopping = threading.Event()
        self.process: subprocess.Popen[bytes] | None = None
        self.thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        self.thread = threading.Thread(target=self._supervise, name="jobaid-projector", daemon=True)
        self.thread.start()

    def _spawn(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "cli", "project"],
            env=child_env({PARENT: str(os.getpid())}),
        )

    def _supervise(self) -> None:
        failures = 0
        while not self.stopping.is_set():
            with self._lock:
                if self.stopping.is_set():
                    return
                self.process = self._spawn()
            status = self.process.wait()
            if self.stopping.is_set():
                return
            failures += 1
            delay = min(30.0, 0.5 * 2 ** min(failures, 6))
            log.error("projector exited with status %s; restarting in %.1f s", status, delay)
            self.stopping.wait(delay)

    def stop(self, timeout: float = 30.0) -> None:
        with self._lock:
            self.stopping.set()
            process = self.process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self.thread is not None:
            self.thread.join(timeout=5)


class LeasedProjector:
    """The projections' follower and the sealer, run only while this process holds the
    projector lease (PostgreSQL); on SQLite, one process per file, always."""

    def __init__(self, ledger: Ledger, poll: float = 1.0) -> None:
        from projections import Projections

        self.ledger = ledger
        self.projections = Projections(ledger.store, ledger.settings.projection_batch)
        self.sealer: Background | None = None
        self.exclusive: Exclusive | None = None
        if ledger.settings.postgres_store:
            # Named, so that an operator (and a test) sees in pg_stat_activity which
            # process holds it: `jobaid-projector-<pid>`.
            lease = AdvisoryLease(
                make_conninfo(
                    conninfo(ledger.settings.database_url, ledger.settings.postgres),
                    application_name=f"{LEASE_NAME}-{os.getpid()}",
                )
            )
            self.exclusive = Exclusive(lease, self._begin, self._end, poll)

    @property
    def running(self) -> bool:
        return self.exclusive.running if self.exclusive is not None else self.sealer is not None

    def start(self) -> None:
        if self.exclusive is not None:
            self.exclusive.start()
        else:
            self._begin()

    def stop(self) -> None:
        if self.exclusive is not None:
            self.exclusive.stop()
        else:
            self._end()

    def _begin(self) -> None:
        from audit.chain import SealingThread

        logging.getLogger("jobaid.projections").info(
            "projecting and sealing from position %d", self.projections.position()
        )
        self.projections.start()
        self.sealer = SealingThread(self.ledger.store)  # a stopped one does not start again
        self.sealer.start()

    def _end(self) -> None:
        if self.sealer is not None:
            self.sealer.stop()
            self.sealer = None
        self.projections.stop()
