"""R23's read model: each period closed on each account, read within a division — what
the console's period-close page shows; and a table new to a database whose read models
exist is built from the whole log, not from the events after it was made."""

from __future__ import annotations

import pytest

from projections import Projections, schema
from service.ledger import Ledger
from tests import builders as b

pytestmark = pytest.mark.both_stores  # read models

FURONG, TIANXIN = "430102", "430103"


def test_each_period_closed_is_listed_within_the_division_asked_for(ledger: Ledger) -> None:
    b.appropriate(ledger, "300.00", "employment_fund", FURONG, "2017-07-01")
    b.appropriate(ledger, "50.00", "employment_fund", TIANXIN, "2017-07-01")
    b.close_period(ledger, "2017-07", "2017-08-02")
    b.appropriate(ledger, "20.00", "employment_fund", FURONG, "2017-08-15")
    b.close_period(ledger, "2017", "2018-01-05")
    b.close_period(ledger, "2017-09", "2017-10-01", division=TIANXIN)
    projections = Projections(ledger.store)
    try:
        projections.catch_up()
        furong = projections.period_closes(FURONG)
        assert [(c["period"], c["closed_on"], c["closed_through"], c["closing_balance"])
                for c in furong] == [
            ("2017-07", "2017-08-02", "2017-07-31", "300.00"),
            ("2017", "2018-01-05", "2017-12-31", "320.00"),
        ]  # fmt: skip
        assert {c["account"]["division"] for c in furong} == {FURONG}
        assert furong[0]["recorded_by"] == "finance" and furong[0]["recorded_at"]
        changsha = projections.period_closes("430100")
        assert [c["account"]["division"] for c in changsha] == [FURONG, FURONG, TIANXIN]
        assert projections.period_closes(None) == changsha
        assert projections.period_closes("433101") == []  # 吉首市 closed nothing
    finally:
        projections.close()


def test_a_read_model_new_to_a_database_is_built_from_the_whole_log(ledger: Ledger) -> None:
    b.appropriate(ledger, "300.00", "employment_fund", FURONG, "2017-07-01")
    b.close_period(ledger, "2017-07", "2017-08-02")
    old = Projections(ledger.store)
    old.catch_up()
    # A database whose read models were made before the closes' table existed.
    with old.store.transaction() as cur:
        cur.execute(f"DROP TABLE {schema.CLOSES}")
    old.close()

    started = Projections(ledger.store)
    try:
        assert started.position() == 0  # everything is read again, from the start
        started.catch_up()
        assert [c["period"] for c in started.period_closes(FURONG)] == ["2017-07"]
        assert started.accounts()[0]["balance"] == "300.00"  # counted once, not twice
    finally:
        started.close()


def test_payee_names_come_from_organisations_and_workers(ledger: Ledger) -> None:
    org = b.organisation(ledger, "agency")
    worker = b.worker(ledger)
    projections = Projections(ledger.store)
    try:
        projections.catch_up()
        assert projections.names([org, worker, "nobody", org]) == {
            org: f"agency {org}",
            worker: ledger.get_worker(worker).name,
        }
        assert projections.names([]) == {}
    finally:
        projections.close()
