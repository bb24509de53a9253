"""Group commit: requests decided one by one in a child unit of work, saved together.
These tests form groups by hand, so that what happens inside one group is certain."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from domain.errors import PolicyRefusal
from service.group_commit import Slot
from service.intake import pay_json, reverse_json
from service.ledger import FactRecorded, Ledger, PaymentRecorded
from tests import builders as b
from tests.builders import record_one

pytestmark = pytest.mark.both_stores  # group commit is one transaction per group on each store


def in_one_group(ledger: Ledger, *commands: Callable[[], Any]) -> list[Any]:
    """Run the commands as one group: each queues its work instead of running it."""
    assert ledger.committer is not None
    slots: list[Slot[Any]] = []
    committer = ledger.committer
    original = committer.run

    def queue(work: Any, size: int = 1, prefetch: Any = ()) -> Any:
        slot: Slot[Any] = Slot(work, size, prefetch)
        slots.append(slot)
        raise _Queued

    committer.run = queue  # type: ignore[method-assign]
    try:
        for command in commands:
            with pytest.raises(_Queued):
                command()
    finally:
        committer.run = original  # type: ignore[method-assign]
    committer._commit(slots)
    outcomes: list[Any] = []
    for slot in slots:
        try:
            outcomes.append(slot.result())
        except Exception as error:
            outcomes.append(error)
    return outcomes


class _Queued(Exception):
    pass


def placement_for_r7(ledger: Ledger) -> tuple[str, str]:
    agency = b.organisation(ledger, "agency")
    employer = b.organisation(ledger, division=b.ELSEWHERE)
    placement = b.placement(ledger, b.worker(ledger), employer, agency_id=agency)
    b.appropriate(ledger)
    return agency, placement


def test_a_payment_and_its_retry_in_one_group_answer_201_then_200(ledger: Ledger) -> None:
    agency, placement = placement_for_r7(ledger)
    request = {
        "payment_id": "p-1",
        "rule": "R7",
        "payee_id": agency,
        "paid_on": "2018-08-01",
        "placement_id": placement,
    }
    first, retry = in_one_group(
        ledger,
        lambda: pay_json(ledger, dict(request), "f"),
        lambda: pay_json(ledger, dict(request), "f"),
    )
    assert isinstance(first, PaymentRecorded) and isinstance(retry, PaymentRecorded)
    assert (first.replayed, retry.replayed) == (False, True)
    assert first.position == retry.position


def test_two_claims_of_one_guard_in_one_group_pay_once(ledger: Ledger) -> None:
    agency, placement = placement_for_r7(ledger)
    pay = lambda n: lambda: b.pay(ledger, "R7", agency, "2018-08-01", placement_id=placement)  # noqa: E731
    first, second = in_one_group(ledger, pay(1), pay(2))
    assert isinstance(first, PaymentRecorded)
    assert isinstance(second, PolicyRefusal) and second.rule == "R20"
    assert ledger.get_account("employment_fund", b.HOME).paid == 200


def test_a_fact_and_its_retry_in_one_group_answer_201_then_200(ledger: Ledger) -> None:
    data = {"org_id": "o-1", "name": "单位", "division": "430102", "kind": "enterprise"}
    record = lambda: record_one(ledger, "ev-1", "OrganisationRegistered", dict(data), "c")  # noqa: E731
    (first,), (retry,) = in_one_group(ledger, record, record)  # record_batch's lists
    assert isinstance(first, FactRecorded) and isinstance(retry, FactRecorded)
    assert (first.replayed, retry.replayed) == (False, True)
    assert first.position == retry.position


def test_a_reversal_and_its_retry_in_one_group_answer_the_same(ledger: Ledger) -> None:
    agency, placement = placement_for_r7(ledger)
    paid = b.pay(ledger, "R7", agency, "2018-08-01", placement_id=placement)
    body = {"reversal_id": "r-1", "reason": "wrong", "reversed_on": "2018-08-02"}
    reverse = lambda: reverse_json(ledger, paid.payment_id, dict(body), "f")  # noqa: E731
    first, retry = in_one_group(ledger, reverse, reverse)
    assert (first.replayed, retry.replayed) == (False, True)
    assert first.position == retry.position
    assert ledger.get_account("employment_fund", b.HOME).balance == 1000000


class _Unit:
    """Enough of a unit of work for the committer's own bookkeeping."""

    def prefetch(self, ids: Any) -> None:
        pass

    def child(self) -> _Unit:
        return self

    def merge(self) -> None:
        pass


def test_a_leader_answers_its_own_client_and_hands_the_lead_on() -> None:
    """A request whose thread led a group returns as soon as that group is saved; the
    requests that queued meanwhile are led by one of their own threads. Were the first
    leader to go on leading, its client would wait for the next group too — here that
    group waits for the first client's answer, so the test would time out."""
    import threading

    from service.group_commit import GroupCommitter

    first_deciding, queued, first_answered = threading.Event(), threading.Event(), threading.Event()

    def alone(work: Any, prefetch: Any) -> Any:
        return work(_Unit())({})

    committer = GroupCommitter(_Unit, lambda unit: {}, alone)  # type: ignore[arg-type]

    def first(unit: Any) -> Any:
        first_deciding.set()
        assert queued.wait(10)
        return lambda positions: "first"

    def later(name: str) -> Any:
        def work(unit: Any) -> Any:
            assert first_answered.wait(10), "the first client waited for a group not its own"
            return lambda positions: name

        return work

    answers: dict[str, Any] = {}

    def run(name: str, work: Any) -> None:
        answers[name] = committer.run(work)
        if name == "first":
            first_answered.set()

    threads = [threading.Thread(target=run, args=("first", first))]
    threads[0].start()
    assert first_deciding.wait(10)
    for name in ("second", "third"):
        threads.append(threading.Thread(target=run, args=(name, later(name))))
        threads[-1].start()
    while len(committer.queue) < 2:
        threading.Event().wait(0.001)
    queued.set()
    for thread in threads:
        thread.join(20)
    assert answers == {"first": "first", "second": "second", "third": "third"}


def test_a_group_whose_prefetch_fails_fails_every_request_and_leaves_no_one_leading() -> None:
    """The store goes away between requests: each request of the group gets the error,
    and the next request leads a group of its own."""
    from service.group_commit import GroupCommitter

    class Outage(Exception):
        pass

    class Away(_Unit):
        def prefetch(self, ids: Any) -> None:
            raise Outage

    units: list[type[_Unit]] = [Away, _Unit]
    committer = GroupCommitter(
        lambda: units.pop(0)(), lambda unit: {}, lambda work, ids: work(_Unit())({})
    )  # type: ignore[arg-type,misc]
    slots = [Slot(lambda unit, n=n: lambda positions: n, 1) for n in range(3)]
    committer._commit(slots)
    assert all(isinstance(slot.error, Outage) for slot in slots)
    assert committer.run(lambda unit: lambda positions: "after") == "after"
    assert not committer.leading
