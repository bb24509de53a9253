"""Guards hold under real concurrency: racing threads, on several ledger instances (as
several servers would be), against one database — PostgreSQL and SQLite."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from threading import Barrier

import pytest

from domain.errors import InvalidInput, PolicyRefusal
from service.intake import pay_json
from service.ledger import FactRecorded, Ledger, PaymentRecorded
from tests import builders as b
from tests.builders import record_one

# Guards under real concurrency, on both stores. Many connections at once (four ledgers'
# pools): the group keeps these on one worker, never beside the other connection-hungry
# tests, so two workers stay well inside PostgreSQL's 100 connections.
pytestmark = [pytest.mark.both_stores, pytest.mark.xdist_group("many_connections")]

THREADS = 32
INSTANCES = 4


@pytest.fixture(params=["on", "off"], autouse=True)
def group_commit(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every race runs with concurrent commands committed together, and one by one."""
    monkeypatch.setenv("JOBAID_GROUP_COMMIT", request.param)
    return str(request.param)


def race(ledgers: list[Ledger], attempt: Callable[[Ledger, int], object]) -> list[object]:
    """Run `attempt` THREADS times at once; return each outcome (a result or the error)."""
    barrier = Barrier(THREADS)

    def one(n: int) -> object:
        barrier.wait()
        try:
            return attempt(ledgers[n % len(ledgers)], n)
        except PolicyRefusal as refusal:
            return refusal

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(one, range(THREADS)))


def test_R18_racing_claims_for_one_workers_R7_record_exactly_one(
    make_ledger: Callable[[], Ledger],
) -> None:
    ledgers = [make_ledger() for _ in range(INSTANCES)]
    setup = ledgers[0]
    agency = b.organisation(setup, "agency")
    employer = b.organisation(setup, division=b.ELSEWHERE)
    worker = b.worker(setup)
    placements = [b.placement(setup, worker, employer, agency_id=agency) for _ in range(2)]
    b.appropriate(setup)

    outcomes = race(
        ledgers,
        lambda ledger, n: b.pay(ledger, "R7", agency, "2018-08-01", placement_id=placements[n % 2]),
    )

    refusals = [o for o in outcomes if isinstance(o, PolicyRefusal)]
    assert len(refusals) == THREADS - 1
    assert {r.rule for r in refusals} <= {"R18", "R20"}
    account = setup.get_account("employment_fund", b.HOME)
    assert account.paid == Decimal("200.00")
    assert account.balance == Decimal("999800.00")


def test_R21_racing_payments_never_overdraw_the_account(make_ledger: Callable[[], Ledger]) -> None:
    ledgers = [make_ledger() for _ in range(INSTANCES)]
    setup = ledgers[0]
    bases = []
    for _ in range(THREADS):
        base = b.organisation(setup)
        b.post(setup, "BaseDesignated", by="admin", org_id=base, designated_on="2018-01-01")
        bases.append(base)
    b.appropriate(setup, amount="1000000.00", division="430000", on="2018-01-01")  # enough for 10

    outcomes = race(ledgers, lambda ledger, n: b.pay(ledger, "R16", bases[n], "2018-06-01"))

    refusals = [o for o in outcomes if isinstance(o, PolicyRefusal)]
    assert len(refusals) == THREADS - 10
    assert {r.rule for r in refusals} == {"R21"}
    account = setup.get_account("employment_fund", "430000")
    assert account.paid == Decimal("1000000.00")
    assert account.balance == Decimal("0.00")
    assert account.available_on(date(2018, 6, 1))[0] == Decimal("0.00")


def test_a_refused_request_leaves_the_others_of_its_group_recorded(
    make_ledger: Callable[[], Ledger],
) -> None:
    ledger = make_ledger()
    before = ledger.recorder.max_notification_id() or 0

    def attempt(ledger: Ledger, n: int) -> object:
        worker = "nobody" if n % 2 else None  # every other request names an unknown worker
        data = {"org_id": f"org-{n}", "name": "单位", "division": "430102", "kind": "enterprise"}
        if worker:
            data = {"worker_id": worker, "registered_on": "2018-01-01"}
            return _refused(
                lambda: record_one(ledger, f"ev-{n}", "UnemploymentRegistered", data, "clerk")
            )
        return record_one(ledger, f"ev-{n}", "OrganisationRegistered", data, "clerk")

    outcomes = race([ledger], attempt)
    assert sum(isinstance(o, InvalidInput) for o in outcomes) == THREADS // 2
    recorded = [o for o in outcomes if isinstance(o, FactRecorded)]
    assert len({o.position for o in recorded}) == THREADS // 2
    assert (ledger.recorder.max_notification_id() or 0) - before == THREADS  # org + receipt each
    for n in range(0, THREADS, 2):
        assert ledger.get_organisation(f"org-{n}").division == "430102"


def _refused(command: Callable[[], object]) -> object:
    try:
        return command()
    except InvalidInput as error:
        return error


def test_concurrent_retries_of_one_payment_answer_the_first_result(
    make_ledger: Callable[[], Ledger],
) -> None:
    ledgers = [make_ledger() for _ in range(INSTANCES)]
    setup = ledgers[0]
    agency = b.organisation(setup, "agency")
    employer = b.organisation(setup, division=b.ELSEWHERE)
    placement = b.placement(setup, b.worker(setup), employer, agency_id=agency)
    b.appropriate(setup)
    request = {
        "payment_id": "pay-once",
        "rule": "R7",
        "payee_id": agency,
        "paid_on": "2018-08-01",
        "placement_id": placement,
    }

    outcomes = race(ledgers, lambda ledger, _: pay_json(ledger, dict(request), "finance"))

    assert all(isinstance(o, PaymentRecorded) for o in outcomes), outcomes
    answers = [o for o in outcomes if isinstance(o, PaymentRecorded)]
    assert sum(not a.replayed for a in answers) == 1
    assert {a.position for a in answers} == {answers[0].position}
    assert setup.get_account("employment_fund", b.HOME).paid == Decimal("200.00")
