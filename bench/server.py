"""A real `jobaid serve` on loopback, tokens for it, and `jobaid` subprocesses measured
for wall time and peak memory (the child's own `ru_maxrss`, from `os.wait4`)."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


class Server:
    """`jobaid serve` in a subprocess; stopped with SIGTERM (graceful)."""

    def __init__(self, url: str, extra_env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/v1"
        self.log_path = Path(tempfile.mkstemp(prefix="jobaid_serve_", suffix=".log")[1])
        self.keep_log = False
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [*CLI, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env={**store_env(url), **(extra_env or {})},
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jobaid serve exited: {self.log()}")
            try:
                if httpx.get(f"{self.base}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"jobaid serve did not answer: {self.log()}")

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

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


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


def bearer(token: str) -> dict[str, Any]:
    return {"Authorization": f"Bearer {token}"}
