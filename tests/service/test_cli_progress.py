"""The long commands (verify, rebuild, replay, audit checkpoint) in fresh processes: with
stderr a pipe or a file they write no progress at all — stderr stays empty — and with
stderr a terminal they draw their bar there, stdout keeping only the answer."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from service.ledger import Ledger
from tests import builders as b
from tests.conftest import PII_KEY

CLI = [sys.executable, "-m", "cli"]
COMMANDS = {
    "verify": (["verify"], "verifying the history"),
    "rebuild": (["rebuild"], "rebuilding the projections"),
    "replay": (["replay"], "replaying the account events"),
    "checkpoint": (["audit", "checkpoint", "--by", "auditor.li"], "sealing the history"),
}


@pytest.fixture
def env(ledger: Ledger, database_url: str) -> dict[str, str]:
    for _ in range(3):
        b.worker(ledger)
        b.appropriate(ledger, amount="100.00")
    return {
        **os.environ,
        "JOBAID_DATABASE_URL": database_url,
        "JOBAID_PII_KEY": PII_KEY.decode(),
        "TERM": "xterm",
        "COLUMNS": "100",
    }


def test_no_progress_is_written_when_stderr_is_not_a_terminal(
    env: dict[str, str], tmp_path: Path
) -> None:
    for args, _ in COMMANDS.values():
        done = subprocess.run([*CLI, *args], env=env, cwd=tmp_path, capture_output=True,
                              text=True, timeout=120)  # fmt: skip
        assert (done.returncode, done.stderr) == (0, ""), args
        assert done.stdout.strip(), args


@pytest.mark.parametrize("command", ["verify", "replay"])
def test_a_terminal_sees_the_bar_on_stderr_and_stdout_keeps_the_answer(
    env: dict[str, str], tmp_path: Path, command: str
) -> None:
    args, label = COMMANDS[command]
    terminal, stderr = pty.openpty()
    try:
        done = subprocess.run([*CLI, *args], env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                              stderr=stderr, text=True, timeout=120)  # fmt: skip
        os.close(stderr)
        drawn = read_all(terminal)
    finally:
        os.close(terminal)
    assert done.returncode == 0
    assert label in drawn and label not in done.stdout
    assert "\x1b[" not in done.stdout


def read_all(terminal: int) -> str:
    """What the process wrote to the terminal: read until the other side is closed."""
    chunks = []
    while True:
        try:
            chunk = os.read(terminal, 65536)
        except OSError:  # EIO once the process's end of the terminal is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode(errors="replace")
