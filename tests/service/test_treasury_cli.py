"""`jobaid reconcile` in fresh processes: `--date-tolerance`, the report on stdout in the
format and language asked for, progress on a terminal's stderr and silence on a pipe."""

from __future__ import annotations

import csv
import io
import os
import pty
import subprocess
import sys
from pathlib import Path

from service.ledger import Ledger
from tests.builders import HOME
from tests.conftest import PII_KEY
from tests.treasury_support import paid_workers, treasury_row, workbook

CLI = [sys.executable, "-m", "cli"]


def command(path: Path, *options: str) -> list[str]:
    account = ["--source", "local_treasury", "--division", HOME, "--period", "2018-02"]
    return [*CLI, "reconcile", str(path), *account, *options]


def environment(database_url: str) -> dict[str, str]:
    return {**os.environ, "JOBAID_DATABASE_URL": database_url, "JOBAID_PII_KEY": PII_KEY.decode()}


def test_the_cli_takes_a_date_tolerance_and_stays_quiet_on_a_pipe(
    ledger: Ledger, database_url: str, tmp_path: Path
) -> None:
    paid = paid_workers(ledger, 2)
    path = tmp_path / "国库支付明细.xlsx"
    path.write_bytes(workbook([treasury_row(n, p) for n, p in enumerate(paid)]))
    env = environment(database_url)

    def run(*options: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(command(path, *options), env=env, cwd=tmp_path,
                              capture_output=True, timeout=120)  # fmt: skip

    strict = run("--date-tolerance", "1", "--format", "csv", "--lang", "en")
    assert strict.returncode == 1, strict.stderr  # differences found
    assert strict.stderr == b""  # no progress on a pipe
    rows = list(csv.DictReader(io.StringIO(strict.stdout.decode("utf-8-sig"), newline="")))
    assert {row["status"] for row in rows} == {"date_mismatch"}
    lenient = run("--format", "csv")
    assert lenient.returncode == 0 and lenient.stderr == b""
    assert lenient.stdout.decode("utf-8-sig").splitlines()[1].startswith("已匹配,身份证号")
    refused = run("--date-tolerance", "３")
    assert refused.returncode == 2 and b"date_tolerance" in refused.stderr


def test_the_cli_shows_progress_on_a_terminal(
    ledger: Ledger, database_url: str, tmp_path: Path
) -> None:
    paid = paid_workers(ledger, 2)
    path = tmp_path / "treasury.xlsx"
    path.write_bytes(workbook([treasury_row(n, p) for n, p in enumerate(paid)]))
    main, terminal = pty.openpty()
    process = subprocess.Popen(command(path), env=environment(database_url), cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=terminal)  # fmt: skip
    os.close(terminal)
    out, _ = process.communicate(timeout=120)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the terminal's other end is closed: all has been read
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    assert process.returncode == 0
    assert b"reconciling" in shown
    assert b"reconciling" not in out and out.startswith(b"{")
