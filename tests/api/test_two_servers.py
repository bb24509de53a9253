"""Two real `jobaid serve` processes on one PostgreSQL database keep every guard: the
racing requests of R18/R20 (one R7 per worker per year, one per placement), R19 (one
allowance per attended day) and R21 (no overdraft) are dealt alternately to the two
servers, and exactly the policy's number of them is recorded — the guards live in the
store's transactions, not in a server's memory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from threading import Barrier
from typing import Any

import httpx
import pytest

from bench.server import Server
from bench.stores import open_ledger
from service.ledger import Ledger
from service.tokens import issue_token
from tests import builders as b
from tests.conftest import new_postgres_database

RACERS = 8
# Two servers and their projectors hold some 40 connections: kept on the worker of the
# other connection-hungry tests (tests/service/test_races.py), never beside them.
pytestmark = pytest.mark.xdist_group("many_connections")
SMALL_POOLS = {"JOBAID_PG_POOL_SIZE": "2", "JOBAID_PG_MAX_OVERFLOW": "6"}


@pytest.fixture(scope="module")
def two_servers() -> Iterator[tuple[str, list[Server]]]:
    with new_postgres_database() as url:
        open_ledger(url).close()  # the tables, before two processes race to make them
        servers = [Server(url, SMALL_POOLS), Server(url, SMALL_POOLS)]
        try:
            yield url, servers
        finally:
            for server in servers:
                server.stop()


@pytest.fixture
def setup(two_servers: tuple[str, list[Server]]) -> Iterator[Ledger]:
    ledger = open_ledger(two_servers[0])
    try:
        yield ledger
    finally:
        ledger.close()


def race(
    servers: list[Server], ledger: Ledger, bodies: Callable[[int], dict[str, Any]]
) -> list[httpx.Response]:
    """RACERS payments at once, dealt alternately to the servers."""
    token = issue_token(ledger, "finance", "430000", "racer", "test").token
    barrier = Barrier(RACERS)

    def one(n: int) -> httpx.Response:
        body = bodies(n)
        with httpx.Client(
            base_url=servers[n % len(servers)].base,
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        ) as http:
            barrier.wait()
            return http.post("/payments", json=body)

    with ThreadPoolExecutor(RACERS) as pool:
        return list(pool.map(one, range(RACERS)))


def payment(rule: str, payee: str, paid_on: str, **fields: Any) -> dict[str, Any]:
    return {"payment_id": b.next_id("pay"), "rule": rule, "payee_id": payee, "paid_on": paid_on, **fields}  # fmt: skip


def outcome(answers: list[httpx.Response]) -> tuple[int, set[str]]:
    assert {a.status_code for a in answers} <= {201, 409}, [a.text for a in answers]
    rules = {a.json().get("rule", "") for a in answers if a.status_code == 409}
    return sum(a.status_code == 201 for a in answers), rules


def test_R18_R20_one_R7_of_racing_claims_split_across_two_servers(
    two_servers: tuple[str, list[Server]], setup: Ledger
) -> None:
    agency = b.organisation(setup, "agency")
    employer = b.organisation(setup, division=b.ELSEWHERE)
    worker = b.worker(setup)
    placements = [b.placement(setup, worker, employer, agency_id=agency) for _ in range(2)]
    b.appropriate(setup)

    answers = race(
        two_servers[1],
        setup,
        lambda n: payment("R7", agency, "2018-08-01", placement_id=placements[n % 2]),
    )

    recorded, rules = outcome(answers)
    assert recorded == 1 and rules <= {"R18", "R20"}
    assert setup.get_account("employment_fund", b.HOME).paid == Decimal("200.00")


def test_R19_one_allowance_per_day_of_racing_claims_split_across_two_servers(
    two_servers: tuple[str, list[Server]], setup: Ledger
) -> None:
    b.appropriate(setup, "1000.00")
    worker = b.worker(setup)
    enrolled = b.enrollment(setup, worker, started_on="2018-03-01")
    b.attend(setup, enrolled, "2018-03-01", "2018-03-02")

    answers = race(
        two_servers[1],
        setup,
        lambda n: payment("R10", worker, "2018-03-05", enrollment_id=enrolled),
    )

    recorded, rules = outcome(answers)
    assert (recorded, rules) == (1, {"R19"})


def test_R21_racing_payments_split_across_two_servers_never_overdraw(
    two_servers: tuple[str, list[Server]], setup: Ledger
) -> None:
    bases = []
    for _ in range(RACERS):
        base = b.organisation(setup)
        b.post(setup, "BaseDesignated", by="admin", org_id=base, designated_on="2018-01-01")
        bases.append(base)
    division = "430000"  # the provincial fund R16 pays from: enough for 3 of the 8
    b.appropriate(setup, amount="300000.00", division=division, on="2018-01-01")

    answers = race(two_servers[1], setup, lambda n: payment("R16", bases[n], "2018-06-01"))

    recorded, rules = outcome(answers)
    assert (recorded, rules) == (3, {"R21"})
    account = setup.get_account("employment_fund", division)
    assert (account.paid, account.balance) == (Decimal("300000.00"), Decimal("0.00"))
