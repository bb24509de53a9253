"""Property: for any sequence of appropriations, payments and reversals, every projected
balance — now, as of any date, and in every statement — equals what the events say."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from projections import Projections
from projections.replay import replay_balances
from service.ledger import Ledger
from tests.projection_support import HOMES, WINDOW_DAYS, WINDOW_START, Scenario

pytestmark = pytest.mark.both_stores  # read models

days = st.integers(0, WINDOW_DAYS).map(lambda n: WINDOW_START + timedelta(days=n))
homes = st.sampled_from(HOMES[:2])
operations = st.lists(
    st.one_of(
        st.tuples(st.just("appropriate"), homes, st.integers(1, 10_000_000), days),
        st.tuples(st.just("pay"), homes, st.integers(1, 5_000_000), days),
        st.tuples(st.just("reverse"), st.integers(0, 50), st.integers(0, 90)),
    ),
    min_size=1,
    max_size=12,
)


# The sums are the same arithmetic on either store; what PostgreSQL can change is its
# SQL (numeric types, date order, the as-of and statement queries), which a few histories
# reach as surely as many: each example adds to one ledger, so the last ones already run
# over dozens of operations.
EXAMPLES = {"sqlite": 25, "postgres": 8}


def test_every_projected_balance_equals_the_sum_of_its_events(ledger: Ledger) -> None:
    store = "sqlite" if ledger.settings.database_url.startswith("sqlite") else "postgres"

    @settings(max_examples=EXAMPLES[store], deadline=None, database=None)
    @given(operations=operations, probe=days)
    def check(operations: list[tuple], probe: date) -> None:  # type: ignore[type-arg]
        # The ledger (one per store) lives across examples: each example adds to it and the
        # projection catches up incrementally, as it would in service.
        scenario = Scenario(ledger)
        for operation in operations:
            if operation[0] == "appropriate":
                scenario.appropriate(operation[1], operation[2], operation[3])
            elif operation[0] == "pay":
                scenario.pay(operation[1], operation[2], operation[3])
            else:
                scenario.reverse(operation[1], operation[2])
        projections = Projections(ledger.store, batch_size=7)
        try:
            projections.catch_up()
            assert projections.accounts() == replay_balances(ledger.store)
            assert projections.accounts(as_of=probe) == replay_balances(ledger.store, as_of=probe)
            for row in projections.accounts(as_of=probe):
                account = ledger.get_account(row["source"], row["division"])
                # The domain's own fold of the account: day → net change.
                assert row["balance"] == f"{account.balance_on(probe):.2f}"
                statement = projections.statement(row["source"], row["division"], probe, None)
                assert statement is not None
                opening = projections.statement(
                    row["source"], row["division"], None, probe - timedelta(days=1)
                )
                assert (
                    opening is not None
                    and statement["opening_balance"] == opening["closing_balance"]
                )
                assert statement["closing_balance"] == f"{account.balance:.2f}"
        finally:
            projections.close()

    check()
