"""A ledger holding at least one event of every type the service can store: for the tests
that prove every entry point reads every event type (a `jobaid verify` that cannot decode
one stored event calls an intact ledger tampered)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from domain.approvals import ApprovePayment
from domain.recorded import Actor
from domain.runs import RunItem, StartRun
from service.intake import approve_json, reject_json, request_json
from service.ledger import Ledger
from service.reconcile import reconcile_file
from service.tokens import issue_token, revoke_token
from tests import builders as b

MAKER, CHECKER, SECOND = (
    Actor("clerk.w", "tok-w1"),
    Actor("finance.w", "tok-w2"),
    Actor("finance.v", "tok-w3"),
)


def payment_run(ledger: Ledger, worker: str, enrollment: str) -> None:
    """A run of the worker's R10 allowance, approved: the run's event types."""
    command = StartRun(b.next_id("run"), b.HOME, ("R10",), date(2017, 10, 1))
    started = ledger.start_run(command, [RunItem("R10", enrollment, worker)], "digest", MAKER)
    assert len(started.requests) == 1, started.refused
    ledger.approve_run(started.run_id, ApprovePayment(b.next_id("apv"), date(2017, 10, 2)), CHECKER)


def payment_cycle(ledger: Ledger, worker: str, placement: str) -> None:
    """A request rejected, one withdrawn after its deadline, one approved by two under an
    approval policy: every maker-checker event type."""
    b.post(ledger, "ApprovalPolicySet", by="admin", division=b.HOME, threshold="100.00",
           approvers=2, effective_from="2017-07-01")  # fmt: skip
    agency = ledger.get_worker(worker).placement(placement).agency_id or ""
    body = {"rule": "R7", "payee_id": agency, "paid_on": "2018-02-01", "placement_id": placement}
    rejected = request_json(ledger, {"request_id": b.next_id("req"), **body}, MAKER)
    reject_json(ledger, rejected.request_id, {"reason": "材料不全"}, CHECKER)
    withdrawn = request_json(ledger, {"request_id": b.next_id("req"), **body}, MAKER)
    now = ledger.clock()
    ledger.clock = lambda: now + timedelta(days=31)  # type: ignore[method-assign]
    ledger.withdraw(withdrawn.request_id, MAKER)
    ledger.clock = lambda: now  # type: ignore[method-assign]
    approved = request_json(ledger, {"request_id": b.next_id("req"), **body}, MAKER)
    for approver in (CHECKER, SECOND):
        approval = {"approval_id": b.next_id("apv"), "paid_on": "2018-02-02"}
        approve_json(ledger, approved.request_id, approval, approver)


def record_every_event_type(ledger: Ledger, tmp_path: Path) -> str:
    """Record one of each; answers the worker whose history holds the worker facts."""
    admin = issue_token(ledger, "admin", "430000", "admin.li", Actor("cli:root"))
    clerk = issue_token(ledger, "clerk", b.HOME, "clerk.zhang", admin.principal.actor)
    revoke_token(ledger, clerk.principal.token_id, admin.principal.actor)
    by = clerk.principal.actor

    worker = b.worker(ledger)
    agency = b.organisation(ledger, "agency")
    employer = b.organisation(ledger)
    institution = b.organisation(ledger, "training_institution")
    b.post(ledger, "BaseDesignated", by="admin", org_id=employer, designated_on="2017-08-01")
    b.post(ledger, "WorkerSurveyed", by=by, worker_id=worker, surveyed_on="2017-07-02",  # type: ignore[arg-type]
           surveyor="王五", status="unemployed", willing_to_work=True, service_needs=["技能培训"])  # fmt: skip
    b.post(ledger, "UnemploymentRegistered", worker_id=worker, registered_on="2017-07-03")
    b.post(ledger, "UnemploymentBenefitStarted", worker_id=worker, on="2017-07-03")
    b.post(ledger, "UnemploymentBenefitEnded", worker_id=worker, on="2017-07-20")
    b.post(ledger, "PoorAreaDesignated", by="admin", division=b.HOME, effective_from="2017-07-01")
    b.post(ledger, "WorkingAgeSet", by="admin", min_age=16, max_age=60, effective_from="2017-07-01")
    b.training_standard(ledger, "1000.00")
    b.transport_standard(ledger, "300.00")
    b.appropriate(ledger, "100000.00")
    b.appropriate(ledger, "100000.00", source="local_treasury")
    placement = b.placement(ledger, worker, employer, "2017-08-01", agency_id=agency)
    b.end_placement(ledger, placement, "2018-06-30")
    enrollment = b.enrollment(ledger, worker, started_on="2017-09-01", institution_id=institution)
    b.attend(ledger, enrollment, "2017-09-01", "2017-09-02")
    b.complete(ledger, enrollment, "2017-09-30")
    b.contributions(ledger, worker, employer, ["2017-08"])
    b.post(ledger, "GuaranteeLoanGranted", worker_id=worker, loan_id=b.next_id("loan"),
           lender_id=agency, amount="50000.00", granted_on="2017-10-01")  # fmt: skip
    paid = b.pay(ledger, "R12", worker, "2017-08-02", placement_id=placement)
    b.reverse(ledger, paid.payment_id, "2017-08-03")
    payment_cycle(ledger, worker, placement)
    payment_run(ledger, worker, enrollment)
    b.close_period(ledger, "2017-08", "2017-09-01")
    treasury = tmp_path / "treasury.csv"
    treasury.write_text("date,payee,amount,reference\n2017-08-02,x,300.00,y\n")
    reconcile_file(
        ledger, treasury.read_bytes(), treasury.name, "local_treasury", b.HOME, "2017", by
    )
    return worker
