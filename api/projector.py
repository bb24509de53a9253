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
On SQLite (one writer per database file) they stay threads of the service."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading

from adapters.settings import Settings, child_env

log = logging.getLogger("jobaid.api")
PARENT = "JOBAID_PROJECTOR_PARENT"  # the child stops when this process is gone


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
