"""A real `jobaid serve` process: tokens from `jobaid token create`, facts and a payment
posted, the service stopped (SIGTERM, graceful) and started again, the same ids posted
again — nothing is doubled — and one JSON log line per request."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.settings import Settings
from service.ledger import Ledger
from service.tokens import issue_token
from tests.api_support import ELSEWHERE, HOME, free_port
from tests.builders import id_number

# Served pools and projectors: one worker takes all the connection-hungry tests.
pytestmark = pytest.mark.xdist_group("many_connections")

CLI = [sys.executable, "-m", "cli"]


def environment(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "JOBAID_DATABASE_URL": database_url, "JOBAID_PII_KEY": "serve-test"}


def token(env: dict[str, str], cwd: Path, role: str) -> str:
    out = subprocess.run([*CLI, "token", "create", "--role", role, "--division", HOME], env=env, cwd=cwd,
                         capture_output=True, text=True, timeout=60, check=True)  # fmt: skip
    lines = out.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("jat_")  # the token and nothing else
    return lines[0]


class Server:
    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.port = free_port()
        self.log = cwd / f"serve-{self.port}.log"
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [*CLI, "serve", "--port", str(self.port)], env=env, cwd=cwd, stderr=log
            )
        self.url = f"http://127.0.0.1:{self.port}/v1"
        # As long as bench.server waits: a fresh Python importing the service takes tens
        # of seconds on a machine whose two cores are shared with other test runs.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise AssertionError(self.log.read_text())

    def stop(self) -> bool:
        """SIGTERM; True when the service finished its work and shut down cleanly (uvicorn
        re-raises the signal once done, so the exit status may be −SIGTERM)."""
        self.process.send_signal(signal.SIGTERM)
        status = self.process.wait(timeout=30)
        return (
            status in (0, -signal.SIGTERM)
            and "Application shutdown complete" in self.log.read_text()
        )

    def post(self, who: str, path: str, body: Any) -> httpx.Response:
        return httpx.post(
            f"{self.url}{path}", json=body, headers={"Authorization": f"Bearer {who}"}, timeout=30
        )

    def get(self, who: str, path: str) -> httpx.Response:
        return httpx.get(
            f"{self.url}{path}", headers={"Authorization": f"Bearer {who}"}, timeout=30
        )


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    yield environment(database_url, tmp_path)


FACTS = [
    {"event_id": "s-1", "type": "OrganisationRegistered", "data": {"org_id": "agency", "name": "中介", "division": HOME, "kind": "agency"}},
    {"event_id": "s-2", "type": "OrganisationRegistered", "data": {"org_id": "gz", "name": "广州厂", "division": ELSEWHERE, "kind": "enterprise"}},
    {"event_id": "s-3", "type": "WorkerRegistered", "data": {"worker_id": "w1", "name": "张三", "id_number": id_number(serial=7),
     "birth_date": "1990-03-07", "home_division": HOME, "registered_on": "2017-01-01"}},
    {"event_id": "s-4", "type": "WorkerPlaced", "data": {"placement_id": "p1", "worker_id": "w1", "employer_id": "gz",
     "agency_id": "agency", "started_on": "2018-01-15", "work_division": ELSEWHERE, "contract_months": 12}},
]  # fmt: skip
MONEY = {"event_id": "s-5", "type": "FundsAppropriated", "data": {"appropriation_id": "ap1", "source": "employment_fund",
         "division": HOME, "amount": "1000.00", "appropriated_on": "2017-07-01", "document_ref": "文1"}}  # fmt: skip
PAYMENT = {
    "payment_id": "pay-1",
    "rule": "R7",
    "payee_id": "agency",
    "paid_on": "2018-07-15",
    "placement_id": "p1",
}


def issued(env: dict[str, str], role: str) -> str:
    """A token issued in this process, on the service's ledger: one `jobaid token create`
    per test proves the command; the others only need a token."""
    settings = Settings(env["JOBAID_DATABASE_URL"], env["JOBAID_PII_KEY"].encode())
    ledger = Ledger(settings)
    try:
        return issue_token(ledger, role, HOME, None, "test").token
    finally:
        ledger.close()


def read(server: Server, who: str, path: str) -> httpx.Response:
    """A read as a client makes it, honouring Retry-After: a projector child just started
    may still be importing (seconds on a busy machine) when the first read has waited its
    five seconds, and the contract's answer then is a 503 to retry, not an error."""
    deadline = time.monotonic() + 30
    while (answer := server.get(who, path)).status_code == 503:
        assert time.monotonic() < deadline, answer.text
        time.sleep(float(answer.headers["retry-after"]))
    return answer


@pytest.mark.both_stores  # a restarted service doubling nothing: idempotency on each store
def test_restarted_service_answers_retries_with_the_first_results_and_doubles_nothing(
    env: dict[str, str], tmp_path: Path
) -> None:
    clerk = token(env, tmp_path, "clerk")
    finance, auditor = (issued(env, role) for role in ("finance", "auditor"))
    server = Server(env, tmp_path)
    facts = server.post(clerk, "/events", FACTS)
    money = server.post(finance, "/events", MONEY)
    paid = server.post(finance, "/payments", PAYMENT)
    assert (facts.status_code, money.status_code, paid.status_code) == (201, 201, 201), paid.text
    assert server.stop()

    server = Server(env, tmp_path)
    try:
        again = [
            server.post(clerk, "/events", FACTS),
            server.post(finance, "/events", MONEY),
            server.post(finance, "/payments", PAYMENT),
        ]
        assert [r.status_code for r in again] == [200, 200, 200]
        assert [r.json() for r in again] == [facts.json(), money.json(), paid.json()]
        accounts = read(server, auditor, "/accounts").json()
        assert [(a["paid"], a["balance"]) for a in accounts] == [("200.00", "800.00")]
        assert server.get(auditor, "/audit/verify").json()["ok"] is True
    finally:
        assert server.stop()
    lines = [
        json.loads(line) for line in server.log.read_text().splitlines() if line.startswith("{")
    ]
    requests = [line for line in lines if "status" in line]
    assert {"method", "path", "status", "duration_ms", "subject"} <= set(requests[-1])
    assert any(
        line["path"] == "/v1/payments"
        and line["status"] == 200
        and line["subject"] == f"finance@{HOME}"
        for line in requests
    )


def test_token_revoke_and_verify_on_the_command_line(env: dict[str, str], tmp_path: Path) -> None:
    issued = token(env, tmp_path, "auditor")
    token_id = issued.split("_")[1]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*CLI, *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
        )

    assert run("token", "revoke", token_id).returncode == 0
    assert run("token", "revoke", token_id).returncode == 2  # already revoked: a CLI error
    verified = run("verify")
    assert verified.returncode == 0 and json.loads(verified.stdout)["ok"] is True


def children(pid: int) -> list[int]:
    """Live child processes of `pid` (each thread keeps its own list)."""
    found = [
        int(child)
        for task in Path(f"/proc/{pid}/task").iterdir()
        for child in (task / "children").read_text().split()
    ]
    return [c for c in found if "State:\tZ" not in Path(f"/proc/{c}/status").read_text()]


def test_on_postgresql_the_projector_runs_beside_the_service_and_is_restarted(
    postgres_url: str, tmp_path: Path
) -> None:
    env = environment(postgres_url, tmp_path)
    finance, auditor = token(env, tmp_path, "finance"), issued(env, "auditor")
    server = Server(env, tmp_path)
    try:
        [projector] = children(server.process.pid)
        assert "project" in Path(f"/proc/{projector}/cmdline").read_text()
        assert server.post(finance, "/events", MONEY).status_code == 201
        # Read-your-writes through the child's tracking row.
        assert server.get(auditor, "/accounts").json()[0]["balance"] == "1000.00"
        os.kill(projector, signal.SIGKILL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and children(server.process.pid) in ([], [projector]):
            time.sleep(0.1)
        [restarted] = children(server.process.pid)
        assert restarted != projector
        second = {**MONEY, "event_id": "s-6", "data": {**MONEY["data"], "appropriation_id": "ap2"}}
        assert server.post(finance, "/events", second).status_code == 201
        assert read(server, auditor, "/accounts").json()[0]["balance"] == "2000.00"
        # The child also seals: the whole history is chained.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            verified = server.get(auditor, "/audit/verify").json()
            if verified["ok"] and verified.get("unsealed", 1) == 0:
                break
            time.sleep(0.2)
        assert verified["ok"] is True and verified.get("unsealed") == 0, verified
    finally:
        assert server.stop()
    assert not Path(f"/proc/{restarted}").exists()  # stopped with the service
    # One stream, one format: the projector logs JSON lines too.
    lines = [json.loads(line) for line in server.log.read_text().splitlines() if line.strip()]
    assert any(line.get("logger") == "jobaid.projections" for line in lines)
