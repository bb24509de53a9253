"""The overview's money in and out per month per source (Projections.monthly): month sums
within a scope, `as_of` counting its own month only up to that day, and `known_at`
leaving out what was recorded later."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

from projections import Projections
from service.ledger import Ledger
from tests.builders import appropriate

TIANXIN = "430103"


def months(found: list[dict[str, str]]) -> list[tuple[str, str, str]]:
    return [(m["source"], m["month"], m["appropriated"]) for m in found]


def test_money_per_month_follows_scope_as_of_and_known_at(ledger: Ledger) -> None:
    appropriate(ledger, "100.00", on="2017-07-01")
    appropriate(ledger, "20.00", on="2017-07-20")
    appropriate(ledger, "5000.00", division=TIANXIN, on="2017-07-05")
    time.sleep(0.01)
    between = datetime.now(UTC)
    time.sleep(0.01)
    appropriate(ledger, "3.00", on="2017-08-05")
    projections = Projections(ledger.store)
    try:
        projections.catch_up()
        ours = lambda division: division == "430102"  # noqa: E731
        assert months(projections.monthly(within=ours)) == [
            ("employment_fund", "2017-07", "120.00"),
            ("employment_fund", "2017-08", "3.00"),
        ]
        assert months(projections.monthly(as_of=date(2017, 7, 10), within=ours)) == [
            ("employment_fund", "2017-07", "100.00")
        ]
        assert months(projections.monthly(known_at=between, within=ours)) == [
            ("employment_fund", "2017-07", "120.00")
        ]
        assert months(projections.monthly()) == [
            ("employment_fund", "2017-07", "5120.00"),
            ("employment_fund", "2017-08", "3.00"),
        ]
    finally:
        projections.close()
