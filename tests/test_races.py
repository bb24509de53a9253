"""Guards hold under real concurrency: racing threads, on several ledger instances (as
several servers would be), against one database — PostgreSQL and SQLite."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from threading import Barrier

from domain.errors import PolicyRefusal
from jobaid.application import Ledger
from tests import builders as b

THREADS = 32
INSTANCES = 4


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
