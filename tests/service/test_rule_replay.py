"""Replay: recorded history is the state. A worker read at an earlier version is the worker
as it was then, and a second ledger on the same database (another server) reconstructs
the same workers, payments and accounts — through the account's snapshots too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from domain import ids
from service.ledger import Ledger
from tests import builders as b

pytestmark = pytest.mark.both_stores  # history read back by a second ledger


def state(aggregate: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(aggregate).items() if k != "_pending_events"}


def test_replay_gives_each_earlier_version_of_a_worker_and_the_same_state_on_a_second_ledger(
    make_ledger: Callable[[], Ledger],
) -> None:
    ledger = make_ledger()
    agency = b.organisation(ledger, "agency")
    employer = b.organisation(ledger, division=b.ELSEWHERE)
    worker = b.worker(ledger)
    then = {1: state(ledger.get_worker(worker))}
    steps: list[Callable[[], Any]] = [
        lambda: b.post(
            ledger,
            "WorkerSurveyed",
            worker_id=worker,
            surveyed_on="2017-12-01",
            surveyor="李四",
            status="unemployed",
            willing_to_work=True,
            service_needs=["职业介绍"],
        ),
        lambda: b.placement(ledger, worker, employer, "2018-01-15", agency_id=agency),
        lambda: b.enrollment(ledger, worker, started_on="2018-03-01"),
        lambda: b.contributions(ledger, worker, employer, ["2018-01", "2018-02"]),
    ]
    for step in steps:
        step()
        now = ledger.get_worker(worker)
        then[now.version] = state(now)
    assert sorted(then) == [1, 2, 3, 4, 6]  # the batch of two contributions is one save
    placement = next(iter(ledger.get_worker(worker).placements))
    b.appropriate(ledger, "1000.00")
    paid = b.pay(ledger, "R7", agency, "2018-07-15", placement_id=placement)
    b.end_placement(ledger, placement, "2018-09-30")

    for version, seen in then.items():
        assert state(ledger.get_worker(worker, version=version)) == seen
    assert ledger.get_worker(worker, version=2).placements == {}
    assert ledger.get_worker(worker, version=3).placements[placement].ended_on is None

    second = make_ledger()
    assert state(second.get_worker(worker)) == state(ledger.get_worker(worker))
    for version, seen in then.items():
        assert state(second.get_worker(worker, version=version)) == seen
    assert state(second.get_payment(paid.payment_id)) == state(ledger.get_payment(paid.payment_id))
    assert state(second.get_account("employment_fund", b.HOME)) == state(
        ledger.get_account("employment_fund", b.HOME)
    )
    assert b.balance(second) == "800.00"


def test_replay_of_an_account_past_its_snapshot_on_a_second_ledger(
    make_ledger: Callable[[], Ledger],
) -> None:
    ledger = make_ledger()
    b.batch(
        ledger,
        "FundsAppropriated",
        [
            {
                "appropriation_id": f"ap-{day}",
                "source": "employment_fund",
                "division": b.HOME,
                "amount": "10.01",
                "appropriated_on": f"2018-{1 + day // 28:02d}-{1 + day % 28:02d}",
                "document_ref": "湘财社〔2018〕1号",
            }
            for day in range(120)
        ],
        by="finance",
    )
    b.close_period(ledger, "2018-02", "2018-03-01")
    account_id = ids.account_uuid("employment_fund", b.HOME)
    assert ledger.snapshots is not None and list(ledger.snapshots.get(account_id)), (
        "no snapshot taken"
    )
    second = make_ledger()
    replayed = second.get_account("employment_fund", b.HOME)
    assert state(replayed) == state(ledger.get_account("employment_fund", b.HOME))
    assert (b.balance(second), str(replayed.closed_through)) == ("1201.20", "2018-02-28")
