"""Balances as of a date come from the money of each year, month and day: back-dated
money arriving in later batches lands in the right period, and a date on either side of
a month's or a year's end sums exactly the right rows — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from projections import Projections, schema
from projections.replay import replay_balances
from service.ledger import Ledger
from tests.projection_support import Scenario

pytestmark = pytest.mark.both_stores  # read models

JISHOU = "433101"
# Recorded latest business date first: every fact after the first is back-dated.
DAYS = [
    date(2019, 6, 15),
    date(2019, 1, 1),
    date(2018, 12, 31),
    date(2018, 2, 1),
    date(2018, 1, 31),
    date(2018, 1, 1),
    date(2017, 12, 31),
    date(2017, 8, 1),
]


def probes() -> list[date]:
    """Each business date above, the day before and the day after it."""
    return sorted({d + timedelta(days=n) for d in DAYS for n in (-1, 0, 1)})


def test_back_dated_money_in_later_batches_counts_from_its_own_day(ledger: Ledger) -> None:
    scenario = Scenario(ledger)
    projections = Projections(ledger.store, batch_size=1)
    try:
        for n, day in enumerate(DAYS):
            scenario.appropriate(JISHOU, 100_000 * 2**n, day)  # each sum tells which facts count
            scenario.pay(JISHOU, 1_000 + n, day + timedelta(days=1))
            projections.catch_up()  # one batch per fact: each later batch writes earlier days
        scenario.reverse(0, 200)  # a credit in a later year than its payment
        projections.catch_up()
        for day in probes():
            assert projections.accounts(as_of=day) == replay_balances(ledger.store, as_of=day), day
            statement = projections.statement("local_treasury", JISHOU, day, None)
            before = projections.statement("local_treasury", JISHOU, None, day - timedelta(days=1))
            assert statement is not None and before is not None
            assert statement["opening_balance"] == before["closing_balance"], day
        assert projections.accounts() == replay_balances(ledger.store)
    finally:
        projections.close()


def test_read_models_of_an_older_layout_are_rebuilt_from_the_log(ledger: Ledger) -> None:
    scenario = Scenario(ledger)
    scenario.appropriate(JISHOU, 500_000, date(2018, 3, 1))
    old = Projections(ledger.store)
    old.catch_up()
    # What older code left behind: its own running-totals table and none of the sums.
    with old.store.transaction() as cur:
        cur.execute(f"CREATE TABLE {schema.RETIRED[0]} (day TEXT)")
        cur.execute(f"DELETE FROM {schema.SUMS}")
    old.close()

    started = Projections(ledger.store)
    try:
        assert started.position() == 0
        with started.store.transaction(commit=False) as cur:
            assert not started.store.exists(cur, schema.RETIRED[0])
        started.catch_up()
        assert started.accounts() == replay_balances(ledger.store)
        assert started.accounts()[0]["balance"] != "0.00"
    finally:
        started.close()
