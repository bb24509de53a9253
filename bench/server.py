"""A real `jobaid serve` on loopback (and the empty endpoint of bench/empty_app.py,
served the same way), tokens for it, and `jobaid` subprocesses measured for wall time
and peak memory (the child's own `ru_maxrss`, from `os.wait4`)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import httpx

from bench.stores import open_ledger, store_env
from service.tokens import issue_token

CLI = [sys.executable, "-m", "cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tokens(url: str, division: str = "430000") -> dict[str, str]:
    """A bearer token per writing role, province-wide."""
    ledger = open_ledger(url)
    try:
        return {
            role: issue_token(ledger, role, division, f"bench-{role}", "bench").token
            for role in ("clerk", "finance", "auditor")
        }
    finally:
        ledger.close()


class Served:
    """An HTTP server in a subprocess of its own, logging to a temporary file; stopped
    with SIGTERM (graceful)."""

    name = "server"

    def __init__(self, command: list[str], env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/v1"
        self.log_path = Path(tempfile.mkstemp(prefix=f"{self.name}_", suffix=".log")[1])
        self.keep_log = False
        address = ["--host", "127.0.0.1", "--port", str(self.port)]
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [*command, *address], env=env, stdout=subprocess.DEVNULL, stderr=log
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log()}")
            if self.ready():
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer: {self.log()}")

    def ready(self) -> bool:
        """Accepting connections: uvicorn listens once the app's startup has run."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def cpu_seconds(self) -> float:
        """The server process's CPU time so far, user and system (0 once it is gone)."""
        return process_cpu_seconds(self.process.pid)

    def log(self) -> str:
        return self.log_path.read_text()[-4000:]

    def peak_rss_mb(self) -> float:
        """The service's peak resident memory so far (VmHWM)."""
        return vm_hwm_mb(self.process.pid)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if not self.keep_log:
            self.log_path.unlink(missing_ok=True)
        return self.process.returncode

    def errors(self) -> list[str]:
        """The service's logged errors (one JSON line each, with the traceback)."""
        return [
            line for line in self.log_path.read_text().splitlines() if '"level": "error"' in line
        ]

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


class Server(Served):
    """`jobaid serve` on a store."""

    name = "jobaid_serve"

    def __init__(self, url: str, extra_env: dict[str, str] | None = None) -> None:
        super().__init__([*CLI, "serve"], {**store_env(url), **(extra_env or {})})

    def ready(self) -> bool:
        try:
            return httpx.get(f"{self.base}/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False


class EmptyServer(Served):
    """The empty FastAPI endpoint (bench/empty_app.py), served as `jobaid serve` is."""

    name = "empty_app"

    def __init__(self) -> None:
        super().__init__([sys.executable, "-m", "bench.empty_app"])


@dataclass
class Measured:
    seconds: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str


def run_measured(args: list[str], url: str, timeout: float = 3600) -> Measured:
    """Run `jobaid ARGS`; its wall time and its own peak RSS. The peak is the child's
    VmHWM, polled until it exits (`ru_maxrss` from wait4 would count the pages the
    child shared with this process between fork and exec)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen([*CLI, *args], env=store_env(url), stdout=out, stderr=err)
        peak = 0.0
        while process.poll() is None:
            peak = max(peak, vm_hwm_mb(process.pid))
            if time.perf_counter() - started > timeout:
                process.kill()
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        return Measured(seconds, peak, process.returncode, out.read(), err.read())


def vm_hwm_mb(pid: int) -> float:
    """A process's peak resident memory so far (0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def process_cpu_seconds(pid: int) -> float:
    """A process's user and system CPU time so far, all its threads (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    # utime and stime, fields 14 and 15 of proc(5); the split starts at field 3 (state).
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bearer(token: str) -> dict[str, Any]:
    return {"Authorization": f"Bearer {token}"}
