"""Maker-checker on the Ledger, on both stores: a request holds R18–R20 at once, its
approval records the payment (R21, R23 on the approval's paid_on), a rejection or a
withdrawal after the deadline frees the entitlements, four eyes hold, and an approval
policy sends large payments through requests."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from domain.errors import ApprovalRequired, Conflict, Forbidden, PolicyRefusal
from domain.recorded import Actor
from service.access import Access
from service.intake import approve_json, reject_json, request_json
from service.ledger import Ledger
from service.results import RequestRecorded
from tests import builders as b

MAKER = Actor("clerk.zhang", "tok-maker")
CHECKER = Actor("finance.li", "tok-checker")
SECOND = Actor("finance.wang", "tok-second")
FINANCE = Access("tok-checker", "finance", b.HOME, "finance.li")


def r7_request(ledger: Ledger, placement: str, agency: str, **extra: Any) -> dict[str, Any]:
    return {"request_id": b.next_id("req"), "rule": "R7", "payee_id": agency,
            "paid_on": "2018-08-01", "placement_id": placement, **extra}  # fmt: skip


def r7_world(ledger: Ledger, amount: str = "1000000.00") -> tuple[str, str, str]:
    """A worker placed by an agency for 6 months by 2018-07-15, and money to pay R7."""
    agency = b.organisation(ledger, "agency")
    employer = b.organisation(ledger, division=b.ELSEWHERE)
    worker = b.worker(ledger)
    placement = b.placement(ledger, worker, employer, agency_id=agency)
    b.appropriate(ledger, amount)
    return worker, placement, agency


def requested(ledger: Ledger) -> tuple[RequestRecorded, dict[str, Any], str]:
    worker, placement, agency = r7_world(ledger)
    body = r7_request(ledger, placement, agency)
    return request_json(ledger, body, MAKER), body, worker


def approval(paid_on: str = "2018-08-02") -> dict[str, Any]:
    return {"approval_id": b.next_id("apv"), "paid_on": paid_on}


def test_a_request_is_decided_as_a_payment_and_holds_its_entitlements_at_once(
    ledger: Ledger,
) -> None:
    made, body, _worker = requested(ledger)
    assert (made.status, made.rule, made.amount, made.requested_by) == (
        "pending", "R7", Decimal("200.00"), "clerk.zhang")  # fmt: skip
    assert ledger.get_account("employment_fund", b.HOME).paid == Decimal("0.00")
    with pytest.raises(PolicyRefusal) as refused:
        request_json(ledger, {**body, "request_id": b.next_id("req")}, MAKER)
    assert refused.value.rule in ("R18", "R20")
    with pytest.raises(PolicyRefusal):
        b.pay(ledger, "R7", body["payee_id"], "2018-08-01", placement_id=body["placement_id"])


def test_a_request_is_idempotent_on_its_request_id(ledger: Ledger) -> None:
    made, body, _ = requested(ledger)
    again = request_json(ledger, body, MAKER)
    assert again.replayed and again.position == made.position
    with pytest.raises(Conflict):
        request_json(ledger, {**body, "paid_on": "2018-08-03"}, MAKER)


def test_an_approval_records_the_payment_under_the_request_id_and_debits_the_account(
    ledger: Ledger,
) -> None:
    made, _, _ = requested(ledger)
    approved = approve_json(ledger, made.request_id, approval(), CHECKER)
    assert approved.payment is not None and approved.request.status == "approved"
    assert approved.payment.payment_id == made.request_id
    assert approved.payment.paid_on.isoformat() == "2018-08-02"
    payment = ledger.get_payment(made.request_id)
    assert (payment.recorded_by, payment.token_id) == ("finance.li", "tok-checker")
    assert ledger.get_account("employment_fund", b.HOME).paid == Decimal("200.00")


def test_an_approval_retried_answers_the_same_payment_and_a_second_approval_is_refused(
    ledger: Ledger,
) -> None:
    made, _, _ = requested(ledger)
    body = approval()
    first = approve_json(ledger, made.request_id, body, CHECKER)
    again = approve_json(ledger, made.request_id, body, CHECKER)
    assert again.payment is not None and first.payment is not None
    assert again.payment.position == first.payment.position and again.payment.replayed
    with pytest.raises(Conflict):
        approve_json(ledger, made.request_id, approval(), SECOND)
    assert ledger.get_account("employment_fund", b.HOME).paid == Decimal("200.00")


@pytest.mark.parametrize(
    "approver",
    [Actor("clerk.zhang", "tok-other"), Actor("finance.li", "tok-maker")],
    ids=["same subject", "same token"],
)
def test_four_eyes_the_requester_may_not_approve_by_subject_or_by_token(
    ledger: Ledger, approver: Actor
) -> None:
    made, _, _ = requested(ledger)
    with pytest.raises(Forbidden):
        approve_json(ledger, made.request_id, approval(), approver)


def test_four_eyes_a_clerk_token_may_not_approve(ledger: Ledger) -> None:
    made, _, _ = requested(ledger)
    clerk = Access("tok-clerk2", "clerk", b.HOME, "clerk.li")
    with pytest.raises(Forbidden):
        approve_json(ledger, made.request_id, approval(), clerk.actor, clerk)
    approve_json(ledger, made.request_id, approval(), FINANCE.actor, FINANCE)


def test_R21_is_checked_at_approval_on_its_paid_on(ledger: Ledger) -> None:
    _worker, placement, agency = r7_world(ledger, amount="100.00")
    made = request_json(ledger, r7_request(ledger, placement, agency), MAKER)
    with pytest.raises(PolicyRefusal) as refused:
        approve_json(ledger, made.request_id, approval(), CHECKER)
    assert refused.value.rule == "R21"
    b.appropriate(ledger, "100.00", on="2018-08-01")
    approve_json(ledger, made.request_id, approval(), CHECKER)


def test_R23_is_checked_at_approval_unless_finance_gives_an_adjustment_reason(
    ledger: Ledger,
) -> None:
    made, _, _ = requested(ledger)
    b.close_period(ledger, "2018-08", "2018-09-01")
    with pytest.raises(PolicyRefusal) as refused:
        approve_json(ledger, made.request_id, approval(), CHECKER)
    assert refused.value.rule == "R23"
    adjusted = {**approval(), "adjustment_reason": "审核延误，补记"}
    assert approve_json(ledger, made.request_id, adjusted, CHECKER).payment is not None


def test_R23_a_clerk_may_not_request_with_an_adjustment_reason(ledger: Ledger) -> None:
    _, placement, agency = r7_world(ledger)
    clerk = Access("tok-c", "clerk", b.HOME, "clerk.zhang")
    body = r7_request(ledger, placement, agency, adjustment_reason="补记")
    with pytest.raises(Forbidden):
        request_json(ledger, body, clerk.actor, clerk)
    request_json(ledger, body, FINANCE.actor, FINANCE)


def test_an_approval_may_not_pay_before_the_request_date_or_in_another_year(
    ledger: Ledger,
) -> None:
    made, _, _ = requested(ledger)
    for paid_on in ("2018-07-31", "2019-01-02"):
        with pytest.raises(Conflict):
            approve_json(ledger, made.request_id, approval(paid_on), CHECKER)


def test_a_rejection_frees_the_entitlements_for_a_new_request(ledger: Ledger) -> None:
    made, body, _ = requested(ledger)
    with pytest.raises(Forbidden):
        reject_json(ledger, made.request_id, {"reason": "mine"}, MAKER)
    rejected = reject_json(ledger, made.request_id, {"reason": "材料不全"}, CHECKER)
    assert (rejected.status, rejected.reason) == ("rejected", "材料不全")
    assert reject_json(ledger, made.request_id, {"reason": "材料不全"}, CHECKER).replayed
    with pytest.raises(Conflict):
        approve_json(ledger, made.request_id, approval(), CHECKER)
    request_json(ledger, {**body, "request_id": b.next_id("req")}, MAKER)


def test_a_withdrawal_by_its_maker_frees_the_entitlements_only_after_the_deadline(
    ledger: Ledger,
) -> None:
    made, body, _ = requested(ledger)
    with pytest.raises(Conflict):
        ledger.withdraw(made.request_id, MAKER)
    now = ledger.clock()
    ledger.clock = lambda: now + timedelta(days=30, seconds=1)  # type: ignore[method-assign]
    with pytest.raises(Forbidden):
        ledger.withdraw(made.request_id, CHECKER)
    withdrawn = ledger.withdraw(made.request_id, MAKER)
    assert withdrawn.status == "withdrawn"
    assert ledger.withdraw(made.request_id, MAKER).replayed
    b.pay(ledger, "R7", body["payee_id"], "2018-08-01", placement_id=body["placement_id"])


def test_a_reversed_approved_payment_frees_its_entitlements_like_any_payment(
    ledger: Ledger,
) -> None:
    made, body, _ = requested(ledger)
    approve_json(ledger, made.request_id, approval(), CHECKER)
    b.reverse(ledger, made.request_id, "2018-08-03")
    request_json(ledger, {**body, "request_id": b.next_id("req")}, MAKER)


def policy(ledger: Ledger, threshold: str, approvers: int, division: str = b.HOME) -> None:
    b.post(ledger, "ApprovalPolicySet", by="admin", division=division, threshold=threshold,
           approvers=approvers, effective_from="2018-01-01")  # fmt: skip


def test_an_approval_policy_refuses_a_direct_payment_above_its_threshold(ledger: Ledger) -> None:
    _worker, placement, agency = r7_world(ledger)
    policy(ledger, "100.00", 1, division="430100")  # 长沙市 covers 芙蓉区
    with pytest.raises(ApprovalRequired) as refused:
        b.pay(ledger, "R7", agency, "2018-08-01", placement_id=placement)
    assert "430100" in refused.value.detail
    before = ledger.get_account("employment_fund", b.HOME)
    assert before.paid == Decimal("0.00")
    policy(ledger, "200.00", 1)  # the county's own policy: 200 is not above it
    b.pay(ledger, "R7", agency, "2018-08-01", placement_id=placement)


def test_an_approval_policy_of_two_approvers_needs_two_different_people(ledger: Ledger) -> None:
    _worker, placement, agency = r7_world(ledger)
    policy(ledger, "100.00", 2)
    made = request_json(ledger, r7_request(ledger, placement, agency), MAKER)
    assert made.approvals_needed == 2
    first = approve_json(ledger, made.request_id, approval(), CHECKER)
    assert first.payment is None and first.request.status == "pending"
    with pytest.raises(Forbidden):
        approve_json(ledger, made.request_id, approval(), Actor("finance.li", "tok-third"))
    second = approve_json(ledger, made.request_id, approval(), SECOND)
    assert second.payment is not None and second.request.approved_by == ("finance.li", "finance.wang")  # fmt: skip
    assert ledger.get_account("employment_fund", b.HOME).paid == Decimal("200.00")
