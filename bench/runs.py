"""Bench: a payment run of 10,000 requests on PostgreSQL (issue 14: under a minute), and
its approval in one go. `python -m bench.runs [--items N] [--store postgres|sqlite]`.

The county holds N workers on pre-employment courses with two attended days each: N R10
allowances payable. Timed: finding the candidates in the read models and requesting each
(decided, guarded R18–R20, 250 per transaction); then approving every request (R21, R23,
the payment and the debit)."""

from __future__ import annotations

import argparse
import time
from datetime import date

from bench.stores import fresh_database, open_ledger
from domain.approvals import ApprovePayment
from domain.recorded import Actor
from domain.runs import RunItem, StartRun
from projections import Projections
from service.intake import record_json
from service.ledger import Ledger
from tests.builders import id_number

HOME = "430102"
BATCH = 1000  # facts per request, the contract's batch maximum


def county(ledger: Ledger, items: int) -> None:
    facts = [
        {"event_id": "ap", "type": "FundsAppropriated", "data": {"appropriation_id": "ap",
         "source": "employment_fund", "division": HOME, "amount": "100000000.00",
         "appropriated_on": "2017-07-01", "document_ref": "bench"}},
    ]  # fmt: skip
    for n in range(items):
        worker, course = f"w{n}", f"en{n}"
        facts += [
            {"event_id": f"r{n}", "type": "WorkerRegistered", "data": {"worker_id": worker,
             "name": "张三", "id_number": id_number(serial=n % 1000, birth_date=f"19{60 + n // 1000 % 40}-03-07"),
             "birth_date": f"19{60 + n // 1000 % 40}-03-07", "home_division": HOME, "registered_on": "2017-01-01"}},
            {"event_id": f"e{n}", "type": "TrainingEnrolled", "data": {"enrollment_id": course,
             "worker_id": worker, "kind": "pre_employment", "category": "电工", "division": HOME,
             "started_on": "2018-03-01"}},
            *[{"event_id": f"d{n}.{d}", "type": "TrainingDayAttended",
               "data": {"enrollment_id": course, "day": d}} for d in ("2018-03-01", "2018-03-02")],
        ]  # fmt: skip
    for start in range(0, len(facts), BATCH):
        record_json(ledger, facts[start : start + BATCH], Actor("bench"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--store", default="postgres")
    args = parser.parse_args()
    with fresh_database(args.store) as url:
        ledger = open_ledger(url)
        projections = Projections(ledger.store)
        try:
            county(ledger, args.items)
            projections.catch_up()
            began = time.perf_counter()
            found = projections.run_candidates(("R10",), date(2018, 6, 30))
            items = [RunItem(c["rule"], c["fact_id"], c["payee_id"], c["worker_id"]) for c in found]
            command = StartRun("run-bench", HOME, ("R10",), date(2018, 6, 30))
            run = ledger.start_run(command, items, "bench", Actor("clerk.bench", "tok-1"))
            requested = time.perf_counter() - began
            began = time.perf_counter()
            approval = ApprovePayment("apv-bench", date(2018, 6, 30))
            approved = ledger.approve_run(run.run_id, approval, Actor("finance.bench", "tok-2"))
            paid = time.perf_counter() - began
        finally:
            projections.close()
            ledger.close()
    report = approved.report or {}
    print(f"{args.store}: run of {len(run.requests)} requests ({len(run.refused)} refused) "
          f"in {requested:.1f} s ({len(run.requests) / requested:.0f}/s); approved "
          f"{len(report.get('paid', []))} paid, {len(report.get('stopped', []))} stopped "
          f"in {paid:.1f} s ({len(report.get('paid', [])) / paid:.0f}/s)")  # fmt: skip


if __name__ == "__main__":
    main()
