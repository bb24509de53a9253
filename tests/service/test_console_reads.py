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


def test_a_statement_page_is_its_slice_of_the_statement_with_the_same_balances(
    ledger: Ledger,
) -> None:
    for n in range(7):
        appropriate(ledger, f"{n + 1}.00", on=f"2017-07-{n + 1:02d}")
    projections = Projections(ledger.store)
    try:
        projections.catch_up()
        args = ("employment_fund", "430102", date(2017, 7, 2), None, None, None)
        whole = projections.statement(*args)
        assert whole is not None
        keys = ("date", "kind", "amount", "balance", "position", "reference")
        after, previous, seen = None, [], 0
        while True:
            page = projections.statement_screen(*args, after=after, limit=3)
            assert page is not None
            assert [{k: line[k] for k in keys} for line in page["lines"]] == [
                {k: line[k] for k in keys} for line in whole["lines"][seen : seen + 3]
            ]
            assert page["count"] == 6 and page["before"] == seen
            assert page["opening_balance"] == whole["opening_balance"] == "1.00"
            assert page["closing_balance"] == whole["closing_balance"] == "28.00"
            before = whole["lines"][seen - 1]["balance"] if seen else "1.00"
            assert page["page_opening_balance"] == before
            # The previous page's cursor leads back to the page before this one.
            assert page["has_previous"] == (after is not None)
            assert page["previous_after"] == (previous[-2] if len(previous) > 1 else None)
            seen += len(page["lines"])
            if page["next_after"] is None:
                break
            previous.append(after)
            after = page["next_after"]
        assert seen == 6
        assert projections.statement_screen("employment_fund", "430999", None, None, None,
                                            None, after=None, limit=3) is None  # fmt: skip
    finally:
        projections.close()
