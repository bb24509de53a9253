"""Two `jobaid serve` processes on the cluster keep every guard: payments racing through
both at once for one account (R21: no balance ever below zero) and for one claim (R18–R20:
one introduction subsidy per worker per year and per placement) — the store decides,
whichever service each request reached."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from bench.data import ELSEWHERE, HOMES, Facts
from bench.failover import fresh_cluster_database, services
from bench.server import bearer, tokens
from ha.cluster import Cluster

pytestmark = [pytest.mark.ha, pytest.mark.xdist_group("ha_cluster")]

HOME = HOMES[0]


def race(bases: list[str], token: str, bodies: list[dict[str, Any]]) -> list[httpx.Response]:
    """Every body posted at the same instant, alternately through each service."""
    barrier = threading.Barrier(len(bodies))

    def post(n: int) -> httpx.Response:
        with httpx.Client(
            base_url=bases[n % len(bases)], headers=bearer(token), timeout=60
        ) as http:
            barrier.wait()
            return http.post("/payments", json=bodies[n])

    with ThreadPoolExecutor(len(bodies)) as pool:
        return list(pool.map(post, range(len(bodies))))


@pytest.mark.timeout(300)
def test_payments_racing_through_two_services_keep_r18_to_r21(healthy: Cluster) -> None:
    facts = Facts(seed=15)
    agency, employer, lender = (
        facts.organisation("agency"),
        facts.organisation("enterprise", ELSEWHERE),
        facts.organisation("enterprise"),
    )
    worker = facts.worker(HOME)
    worker_id = worker["data"]["worker_id"]
    placements = [
        facts.placement(worker_id, employer["data"]["org_id"], agency["data"]["org_id"])
        for _ in range(2)
    ]
    setup = [
        agency, employer, lender, worker, *placements,
        facts.loan(worker_id, lender["data"]["org_id"]),
    ]  # fmt: skip
    money = [
        facts.appropriation(HOME, "1000.00", source="local_treasury", on=None),
        facts.appropriation(HOME, "100000.00", source="employment_fund", on=None),
    ]
    for fact in money:
        fact["data"]["appropriated_on"] = "2017-07-01"
    with fresh_cluster_database(healthy) as url:
        token = tokens(url)
        with services(url, count=2) as servers:
            bases = [s.base for s in servers]
            with httpx.Client(base_url=bases[0], timeout=60) as http:
                for body, role in ((setup, "clerk"), (money, "finance")):
                    answer = http.post("/events", json=body, headers=bearer(token[role]))
                    assert answer.status_code == 201, answer.text

            # R21: twenty payments of 100.00 against 1,000.00, through both services at once.
            r17 = [
                {
                    **facts.r17(worker_id, lender["data"]["org_id"], "100.00"),
                    "paid_on": "2019-01-01",
                }
                for _ in range(20)
            ]
            answers = race(bases, token["finance"], r17)
            codes = sorted(a.status_code for a in answers)
            assert codes == [201] * 10 + [409] * 10, codes
            assert all("R21" in a.text for a in answers if a.status_code == 409)

            # R18 and R20: four R7 claims for one placement, then one for the second
            # placement in the same year — one payment in all.
            r7 = [facts.r7(placements[0]["data"]["placement_id"], agency["data"]["org_id"]) for _ in range(4)]  # fmt: skip
            codes = sorted(a.status_code for a in race(bases, token["finance"], r7))
            assert codes == [201, 409, 409, 409], codes
            second = facts.r7(placements[1]["data"]["placement_id"], agency["data"]["org_id"])
            codes = [a.status_code for a in race(bases, token["finance"], [second, second])]
            assert codes.count(409) == 2, codes

            with httpx.Client(
                base_url=bases[1], headers=bearer(token["auditor"]), timeout=60
            ) as http:
                head = int(http.get("/ready").json().get("position", 0) or 0)
                rows = http.get("/accounts", headers={"X-Min-Position": str(head)}).json()
            balances = {(r["source"], r["division"]): r["balance"] for r in rows}
            assert balances[("local_treasury", HOME)] == "0.00", balances
