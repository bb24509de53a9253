"""The read models the lists walk: a ledger whose projections were built before the
lists (no names, statuses or places) is rebuilt from the log when the service starts,
and the lists then answer what the log says — on both stores."""

from __future__ import annotations

from datetime import date

import pytest

from projections import Projections
from projections.lists import OrganisationQuery, PaymentQuery, WorkerQuery
from service.ledger import Ledger
from tests import builders as b
from tests.projection_support import Scenario

pytestmark = pytest.mark.both_stores  # read models

OLD_LAYOUT = {
    "projection_workers": "(originator_id TEXT PRIMARY KEY, worker_id TEXT NOT NULL UNIQUE,"
    " home_division TEXT NOT NULL, position BIGINT NOT NULL)",
    "projection_payments": "(payment_id TEXT PRIMARY KEY, position BIGINT NOT NULL)",
}


def test_projections_built_before_the_lists_are_rebuilt_with_them(ledger: Ledger) -> None:
    scenario = Scenario(ledger)  # a lender and a worker with a loan in each home county
    scenario.appropriate("430102", 500_000, date(2018, 3, 1))
    assert scenario.pay("430102", 1_234, date(2018, 3, 1)) is not None
    old = Projections(ledger.store)
    old.catch_up()
    # What older code left behind: its tables of workers and payments, none of the lists.
    with old.store.transaction() as cur:
        for table, columns in OLD_LAYOUT.items():
            cur.execute(f"CREATE TABLE {table} {columns}")
        cur.execute("DELETE FROM projection_workers_v2")
    old.close()

    started = Projections(ledger.store)
    try:
        assert started.position() == 0
        with started.store.transaction(commit=False) as cur:
            assert not any(started.store.exists(cur, table) for table in OLD_LAYOUT)
        started.catch_up()
        workers = started.workers(WorkerQuery(), 0, 100)
        assert [w["worker_id"] for w in workers] == list(scenario.workers.values())
        assert [p["amount"] for p in started.payments(PaymentQuery("430102"), 0, 100)] == ["12.34"]
        assert [o["org_id"] for o in started.organisations(OrganisationQuery(), 0, 100)] == [
            scenario.lender
        ]
    finally:
        started.close()


def test_a_worker_registered_and_surveyed_in_one_batch_shows_the_survey_in_force(
    ledger: Ledger,
) -> None:
    worker = b.worker(ledger)
    surveys = [
        {"worker_id": worker, "surveyed_on": day, "surveyor": "王五", "status": status,
         "willing_to_work": True, "service_needs": [], "work_division": b.ELSEWHERE,
         "employer_name": "厂", "employer_contact": "138"}
        for day, status in (("2018-05-01", "employed"), ("2018-01-01", "unemployed"))
    ]  # fmt: skip
    b.batch(ledger, "WorkerSurveyed", surveys)
    projections = Projections(ledger.store)
    try:
        projections.catch_up()
        (shown,) = projections.workers(WorkerQuery(status="employed"), 0, 10)
        assert shown["worker_id"] == worker
        b.batch(ledger, "WorkerSurveyed", [{**surveys[1], "surveyed_on": "2018-05-01"}])
        projections.catch_up()  # the same day, recorded later: now in force
        assert projections.workers(WorkerQuery(status="employed"), 0, 10) == []
    finally:
        projections.close()
