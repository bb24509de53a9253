"""Maker-checker under real concurrency on PostgreSQL: racing threads on several ledger
instances (as several servers would be), each with its own connection pool, against one
database — with concurrent commands committed together (group commit) and one by one.

Run 20 times in a row: `pytest tests/service/test_approval_races.py --count 20`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from threading import Barrier
from typing import Any

import pytest

from adapters.settings import Settings
from domain import ids
from domain.claims import Claims
from domain.errors import Conflict, LedgerError, PolicyRefusal
from domain.recorded import Actor
from service.intake import approve_json, pay_json, reject_json, request_json
from service.ledger import Ledger
from service.results import ApprovalRecorded, PaymentRecorded, RequestRecorded
from tests import builders as b
from tests.conftest import PII_KEY

THREADS = 32
INSTANCES = 4
MAKER = Actor("clerk.zhang", "tok-maker")


@pytest.fixture(params=["on", "off"], autouse=True)
def group_commit(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("JOBAID_GROUP_COMMIT", request.param)
    return str(request.param)


@pytest.fixture
def ledgers(postgres_url: str) -> Iterator[list[Ledger]]:
    opened = [
        Ledger(Settings(database_url=postgres_url, pii_key=PII_KEY)) for _ in range(INSTANCES)
    ]
    yield opened
    for ledger in opened:
        ledger.close()


def race(ledgers: list[Ledger], attempt: Callable[[Ledger, int], Any]) -> list[Any]:
    """Run `attempt` THREADS times at once; each outcome is a result or the ledger's refusal."""
    barrier = Barrier(THREADS)

    def one(n: int) -> Any:
        barrier.wait()
        try:
            return attempt(ledgers[n % len(ledgers)], n)
        except LedgerError as refusal:
            return refusal

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(one, range(THREADS)))


def approver(n: int) -> Actor:
    return Actor(f"finance.{n}", f"tok-approver-{n}")


def test_R21_thirty_two_approvers_racing_on_one_account_never_overdraw_it(
    ledgers: list[Ledger],
) -> None:
    setup = ledgers[0]
    requests = []
    for _ in range(THREADS):
        base = b.organisation(setup)
        b.post(setup, "BaseDesignated", by="admin", org_id=base, designated_on="2018-01-01")
        body = {"request_id": b.next_id("req"), "rule": "R16", "payee_id": base, "paid_on": "2018-06-01"}  # fmt: skip
        requests.append(request_json(setup, body, MAKER).request_id)
    b.appropriate(setup, amount="1000000.00", division="430000", on="2018-01-01")  # pays 10

    outcomes = race(ledgers, lambda ledger, n: approve_json(
        ledger, requests[n], {"approval_id": f"apv-{n}", "paid_on": "2018-06-01"}, approver(n)))  # fmt: skip

    paid = [o for o in outcomes if isinstance(o, ApprovalRecorded) and o.payment is not None]
    refused = [o for o in outcomes if isinstance(o, PolicyRefusal)]
    assert (len(paid), len(refused)) == (10, THREADS - 10), outcomes
    assert {r.rule for r in refused} == {"R21"}
    account = setup.get_account("employment_fund", "430000")
    assert (account.paid, account.balance) == (Decimal("1000000.00"), Decimal("0.00"))


def test_two_approvals_of_one_request_racing_record_one_payment(ledgers: list[Ledger]) -> None:
    setup = ledgers[0]
    agency = b.organisation(setup, "agency")
    employer = b.organisation(setup, division=b.ELSEWHERE)
    placement = b.placement(setup, b.worker(setup), employer, agency_id=agency)
    b.appropriate(setup)
    body = {"request_id": "req-once", "rule": "R7", "payee_id": agency, "paid_on": "2018-08-01",
            "placement_id": placement}  # fmt: skip
    request_json(setup, body, MAKER)

    outcomes = race(ledgers, lambda ledger, n: approve_json(
        ledger, "req-once", {"approval_id": f"apv-{n}", "paid_on": "2018-08-01"}, approver(n)))  # fmt: skip

    paid = [o for o in outcomes if isinstance(o, ApprovalRecorded) and o.payment is not None]
    assert len(paid) == 1, outcomes
    assert all(isinstance(o, Conflict) for o in outcomes if o not in paid), outcomes
    assert setup.get_account("employment_fund", b.HOME).paid == Decimal("200.00")
    assert setup.get_payment("req-once").recorded_by == paid[0].request.approved_by[0]


def test_R18_a_request_and_a_direct_payment_racing_for_one_subsidy_leave_one_claim(
    ledgers: list[Ledger],
) -> None:
    setup = ledgers[0]
    agency = b.organisation(setup, "agency")
    employer = b.organisation(setup, division=b.ELSEWHERE)
    worker = b.worker(setup)
    placement = b.placement(setup, worker, employer, agency_id=agency)
    b.appropriate(setup)
    body = {"rule": "R7", "payee_id": agency, "paid_on": "2018-08-01", "placement_id": placement}

    def attempt(ledger: Ledger, n: int) -> Any:
        if n % 2:
            return request_json(ledger, {"request_id": f"req-{n}", **body}, MAKER)
        return pay_json(ledger, {"payment_id": f"pay-{n}", **body}, "finance")

    outcomes = race(ledgers, attempt)

    won = [o for o in outcomes if isinstance(o, RequestRecorded | PaymentRecorded)]
    assert len(won) == 1, outcomes
    assert all(isinstance(o, PolicyRefusal) for o in outcomes if o not in won), outcomes
    claims = setup.repository.get(ids.claims_uuid(f"worker:{worker}"))
    assert isinstance(claims, Claims)
    holder = won[0].request_id if isinstance(won[0], RequestRecorded) else won[0].payment_id
    assert set(claims.held.values()) == {holder}
    paid = setup.get_account("employment_fund", b.HOME).paid
    assert paid == (Decimal("200.00") if isinstance(won[0], PaymentRecorded) else Decimal("0.00"))


def test_an_approval_racing_a_rejection_leaves_either_a_payment_or_freed_claims(
    ledgers: list[Ledger],
) -> None:
    setup = ledgers[0]
    agency = b.organisation(setup, "agency")
    employer = b.organisation(setup, division=b.ELSEWHERE)
    worker = b.worker(setup)
    placement = b.placement(setup, worker, employer, agency_id=agency)
    b.appropriate(setup)
    body = {"request_id": "req-contested", "rule": "R7", "payee_id": agency,
            "paid_on": "2018-08-01", "placement_id": placement}  # fmt: skip
    request_json(setup, body, MAKER)

    def attempt(ledger: Ledger, n: int) -> Any:
        if n % 2:
            return reject_json(ledger, "req-contested", {"reason": f"退回 {n}"}, approver(n))
        approval = {"approval_id": f"apv-{n}", "paid_on": "2018-08-01"}
        return approve_json(ledger, "req-contested", approval, approver(n))

    outcomes = race(ledgers, attempt)

    won = [o for o in outcomes if not isinstance(o, LedgerError)]
    assert len(won) == 1, outcomes
    claims = setup.repository.get(ids.claims_uuid(f"worker:{worker}"))
    assert isinstance(claims, Claims)
    paid = setup.get_account("employment_fund", b.HOME).paid
    if isinstance(won[0], ApprovalRecorded):
        assert paid == Decimal("200.00") and set(claims.held.values()) == {"req-contested"}
    else:
        assert paid == Decimal("0.00") and claims.held == {}
