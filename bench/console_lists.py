"""The console's list pages' time (organisations, payments, approvals, period close),
as bench/console.py times the others: a history of CONSOLE_EVENTS events (default
100,000) on CONSOLE_STORE (sqlite or postgres), sealed, `jobaid serve` started, a session
signed in as a province-wide auditor, each page asked 50 times after three to warm up;
the server's own time from its `Server-Timing` header and the round trip beside it.

`PYTHONPATH=. CONSOLE_EVENTS=100000 [CONSOLE_STORE=postgres] python -m bench.console_lists`"""

from __future__ import annotations

import os
import time

from audit.chain import Sealer
from bench.console import prepared, print_table, timed
from bench.data import HOMES, Facts
from bench.server import Server
from bench.stores import fresh_database, open_ledger, stored_events
from projections import Projections
from projections.lists import OrganisationQuery, WorkerQuery
from service.intake import record_json, request_json

REQUESTS = 2_000  # pending payment requests in the approvals queue


def pages(lender: str) -> dict[str, str]:
    county = HOMES[0]
    return {
        "organisations": "/console/organisations",
        f"organisations of a county ({county})": f"/console/organisations?division={county}",
        "organisation paid most (the lender)": f"/console/organisations/{lender}",
        "payments": "/console/payments",
        f"payments R17 of a county ({county})": f"/console/payments?rule=R17&division={county}",
        "payments of a month": "/console/payments?from=2019-06-01&to=2019-06-30",
        "payments reversed": "/console/payments?reversed=true",
        "approvals, pending": "/console/approvals",
        f"approvals of a county ({county})": f"/console/approvals?division={county}",
        "period close": "/console/period-close",
    }


def main() -> None:
    events = int(os.environ.get("CONSOLE_EVENTS", "100000"))
    store = os.environ.get("CONSOLE_STORE", "sqlite")
    with fresh_database(store) as url:
        token, _, total, lender = prepared_with_lender(url, events)
        with Server(url) as server:
            time.sleep(2)
            rows = timed(server.base.removesuffix("/v1"), token, pages(lender))
    print_table(store, total, rows)


def prepared_with_lender(url: str, events: int) -> tuple[str, str, int, str]:
    """bench.console's history, then REQUESTS pending payment requests (R17, the lender's)
    and every month of 2017's second half closed on each home county's account, so the
    approvals queue and the period-close page read something; the lender is the first
    organisation the history registers."""
    token, probes, total = prepared(url, events)
    worker_id = probes.worker_id or ""
    ledger = open_ledger(url)
    read_side = Projections(ledger.store)
    try:
        lender = read_side.organisations(OrganisationQuery(), 0, 1)[0]["org_id"]
        borrowers = [w["worker_id"] for w in read_side.workers(WorkerQuery(), 0, 32)]
        facts = Facts()
        for n in range(REQUESTS):
            body = facts.r17(borrowers[n % len(borrowers)], lender)
            request_json(ledger, {"request_id": body.pop("payment_id"), **body}, "bench")
        closes = [
            {"event_id": facts.next_id("close"), "type": "PeriodClosed",
             "data": {"source": "local_treasury", "division": home, "period": f"2017-{month:02d}",
                      "closed_on": "2018-01-05"}}
            for home in HOMES for month in range(7, 13)
        ]  # fmt: skip
        record_json(ledger, closes, "bench")
        read_side.catch_up()
        Sealer(ledger.store).seal()
        total = stored_events(ledger)
    finally:
        read_side.close()
        ledger.close()
    return token, worker_id, total, lender


if __name__ == "__main__":
    main()
