"""The command line as an operator meets it: every error is one line on stderr and exit
status 2, never a traceback; and on SQLite a command-line import beside a running
`jobaid serve` waits for the lock instead of filling the service's log with errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from service.imports import CHUNK
from tests.api.test_api_serve import Server, environment
from tests.surveys import form_rows, to_csv, unique_people

CLI = [sys.executable, "-m", "cli"]
COMMANDS = [
    ["import", "surveys", "nofile.csv"],
    ["reconcile", "nofile.csv", "--source", "employment_fund", "--division", "430102", "--period", "2018"],
    ["verify"],
    ["rebuild"],
    ["replay", "--as-of", "2018-01-01"],
    ["token", "create", "--role", "admin", "--division", "430000"],
    ["audit", "trail", "--worker", "w1"],
    ["audit", "checkpoint", "--by", "auditor"],
]  # fmt: skip


def run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=120)  # fmt: skip


def one_line_and_exit_2(done: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    for text in expected:
        assert text in lines[0], lines[0]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_a_bad_database_url_is_one_line_and_exit_2(args: list[str], tmp_path: Path) -> None:
    env = {**os.environ, "JOBAID_DATABASE_URL": "mysql://nowhere/x", "JOBAID_PII_KEY": "k"}
    one_line_and_exit_2(run(args, env, tmp_path), "JOBAID_DATABASE_URL")


def test_a_store_that_does_not_answer_is_one_line_and_exit_2(tmp_path: Path) -> None:
    env = {**os.environ, "JOBAID_DATABASE_URL": "postgresql://postgres@127.0.0.1:1/x",
           "JOBAID_PII_KEY": "k", "JOBAID_PG_CONNECT_TIMEOUT": "1"}  # fmt: skip
    one_line_and_exit_2(run(["verify"], env, tmp_path), "store does not answer")


@pytest.mark.parametrize("args", COMMANDS[:2], ids=["import", "reconcile"])
def test_a_missing_file_is_one_line_and_exit_2(
    args: list[str], database_url: str, tmp_path: Path
) -> None:
    one_line_and_exit_2(run(args, environment(database_url, tmp_path), tmp_path), "nofile.csv")


def test_a_refused_command_is_one_line_and_exit_2(database_url: str, tmp_path: Path) -> None:
    env = environment(database_url, tmp_path)
    done = run(["token", "create", "--role", "admin", "--division", "999999"], env, tmp_path)
    one_line_and_exit_2(done, "999999")


def test_sqlite_an_import_beside_a_running_service_waits_for_the_lock_quietly(
    tmp_path: Path,
) -> None:
    """Two imports of five chunks each (CHUNK rows a transaction) beside the service's
    sealer and projections: ten write transactions from two processes queue on the one
    SQLite lock with the service's own, which is the contention the test is about; a
    longer file only queues more of the same."""
    env = {**environment(f"sqlite:///{tmp_path}/ledger.db", tmp_path), "JOBAID_LOG_LEVEL": "INFO"}
    rows, _ = form_rows(5 * CHUNK, 0.0)
    (tmp_path / "form.csv").write_bytes(to_csv(unique_people(rows)))
    server = Server(env, tmp_path)
    try:
        imports = [
            subprocess.Popen([*CLI, "import", "surveys", "form.csv"], env=env, cwd=tmp_path,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]  # fmt: skip
        reports = [json.loads(p.communicate(timeout=300)[0]) for p in imports]
        assert [p.returncode for p in imports] == [0, 0]
        time.sleep(1)  # the sealer and the projections catch up meanwhile
    finally:
        assert server.stop()
    assert sum(r["recorded"] for r in reports) == len(unique_people(rows))
    levels = [json.loads(line).get("level") for line in server.log.read_text().splitlines() if line.startswith("{")]  # fmt: skip
    assert "error" not in levels, server.log.read_text()[-3000:]
