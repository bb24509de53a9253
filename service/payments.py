"""Paying a subsidy and reversing a payment, inside one unit of work each: load what the
rule reads, check the caller's scope on the paying account before the policy speaks,
decide, claim the entitlements (R18–R20), debit the account (R21, R23), record the
payment; or reverse it, credit the account and release its claims."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from uuid import UUID

from domain import ids
from domain.accounts import FundAccount
from domain.approvals import RequestedPayment
from domain.claims import Claims
from domain.commands import ReversePayment
from domain.errors import ApprovalRequired, Conflict, InvalidInput, NotFound
from domain.keys import Key
from domain.organisation import Organisation
from domain.payments import Payment
from domain.policy import Decision, Facts, PaymentRequest, decide, paying_division
from domain.recorded import Actor
from domain.reference import ApprovalPolicy, ReferenceData
from domain.worker import Worker
from service.access import Access
from service.unit_of_work import UnitOfWork


def make_payment(
    uow: UnitOfWork, request: PaymentRequest, digest: str, by: Actor, access: Access | None
) -> Payment:
    """The payment the policy decides for `request`, with its claims and debit made.
    Above the threshold of an approval policy in force, it must be requested instead."""
    if uow.find(ids.request_uuid(request.payment_id), RequestedPayment) is not None:
        raise Conflict(f"payment_id {request.payment_id} is a payment request's id")
    decision, worker_id = decide_payment(uow, request, access, "a payment from an account")
    policy = approval_policy(uow, decision.division, request.paid_on)
    if policy is not None and decision.amount > policy.threshold:
        raise ApprovalRequired(
            f"{decision.amount} is above {policy.describe()}: request it "
            "(POST /v1/payment-requests) for approval",
            policy,
        )
    payment = uow.add(Payment.pay(request, decision, worker_id, digest, by))
    if decision.subject is not None and decision.claims:
        claims_of(uow, decision.subject).claim(request.payment_id, decision.claims)
    account_of(uow, decision.source, decision.division).debit(payment, by)
    return payment


def decide_payment(
    uow: UnitOfWork, request: PaymentRequest, access: Access | None, what: str
) -> tuple[Decision, str | None]:
    """What the policy decides for `request`, and the worker it is for — for a payment
    and a payment request alike. The caller's scope on the paying account is checked
    before the policy speaks, and again on the account it decided."""
    facts = gather_facts(uow, request)
    if access is not None:
        # Scope first: a payment from another county's account is refused before the
        # policy decides anything about it (CONTRACT "Personal data and hostile input").
        division = paying_division(request, facts)
        if division is not None:
            access.require_scope(division, what)
    check_named_worker(request, facts)
    decision = decide(request, facts)
    if access is not None:
        access.require_scope(decision.division, what)
    return decision, facts.worker.worker_id if facts.worker else None


def approval_policy(uow: UnitOfWork, division: str, on: date) -> ApprovalPolicy | None:
    """The approval policy in force on `on` for an account of `division`, if any."""
    reference = uow.find(ids.REFERENCE_ID, ReferenceData)
    return reference.approval_policy_on(division, on) if reference is not None else None


def reverse_payment(
    uow: UnitOfWork, payment: Payment, cmd: ReversePayment, digest: str, by: Actor
) -> None:
    """Reverse `payment`: its money back in its account, its entitlements released."""
    payment.reverse(cmd, digest, by)
    account_of(uow, payment.source, payment.division).credit(payment, cmd, by)
    for subject, keys in payment.claims.items():
        # 被冲销的支付不再占用 R18–R20：可以重新支付更正后的款项。
        claims_of(uow, subject).release(payment.payment_id, keys)


def payment_prefetch(request: PaymentRequest) -> set[UUID]:
    """What a payment will look up before it knows its worker: one query for all."""
    named = {
        ids.payment_uuid(request.payment_id),
        ids.request_uuid(request.payment_id),
        ids.organisation_uuid(request.payee_id),
        ids.REFERENCE_ID,
    }
    if request.placement_id is not None:
        named.add(ids.key_uuid("placement", request.placement_id))
    if request.enrollment_id is not None:
        named.add(ids.key_uuid("enrollment", request.enrollment_id))
    if request.worker_id is not None:
        named |= {
            ids.worker_uuid(request.worker_id),
            ids.claims_uuid(f"worker:{request.worker_id}"),
        }
    return named


def gather_facts(uow: UnitOfWork, request: PaymentRequest) -> Facts:
    """Load what the rule's decision reads: the worker (through the placement or
    enrollment it names), the payee, the employer, reference data and held claims."""
    worker = worker_named(uow, request)
    payee = uow.find(ids.organisation_uuid(request.payee_id), Organisation)
    if payee is None and (worker is None or request.payee_id != worker.worker_id):
        raise InvalidInput("payee_id", f"unknown payee {request.payee_id}")
    employer = None
    if worker is not None and request.placement_id is not None:
        employer_id = worker.placement(request.placement_id).employer_id
        employer = uow.find(ids.organisation_uuid(employer_id), Organisation)
    claimed: Mapping[str, str] = {}
    if worker is not None:
        held = uow.find(ids.claims_uuid(f"worker:{worker.worker_id}"), Claims)
        claimed = held.held if held is not None else {}
    reference = uow.find(ids.REFERENCE_ID, ReferenceData)
    return Facts(
        reference=reference, worker=worker, payee=payee, employer=employer, claimed=claimed
    )


def worker_named(uow: UnitOfWork, request: PaymentRequest) -> Worker | None:
    """The worker a payment is for: through its placement or enrollment, else its worker_id."""
    for namespace, value in (("placement", request.placement_id), ("enrollment", request.enrollment_id)):  # fmt: skip
        if value is None:
            continue
        key = uow.find(ids.key_uuid(namespace, value), Key)
        if key is None:
            raise InvalidInput(f"{namespace}_id", f"unknown {namespace} {value}")
        uow.prefetch({ids.worker_uuid(key.owner), ids.claims_uuid(f"worker:{key.owner}")})
        return uow.find(ids.worker_uuid(key.owner), Worker)
    if request.worker_id is None:
        return None
    worker = uow.find(ids.worker_uuid(request.worker_id), Worker)
    if worker is None:
        raise InvalidInput("worker_id", f"unknown worker {request.worker_id}")
    return worker


def check_named_worker(request: PaymentRequest, facts: Facts) -> None:
    """A `worker_id` sent beside a placement or enrollment must be its worker's. Checked
    after the scope: the answer names no worker the caller may not see."""
    if request.worker_id is None or facts.worker is None:
        return
    if request.worker_id != facts.worker.worker_id:
        named = "placement" if request.placement_id is not None else "enrollment"
        raise InvalidInput("worker_id", f"is not the worker of that {named}")


def claims_of(uow: UnitOfWork, subject: str) -> Claims:
    found = uow.find(ids.claims_uuid(subject), Claims)
    return found if found is not None else uow.add(Claims(subject))


def account_of(uow: UnitOfWork, source: str, division: str) -> FundAccount:
    """The fund account of `source` and `division`, opened on first use."""
    found = uow.find(ids.account_uuid(source, division), FundAccount)
    return found if found is not None else uow.add(FundAccount.open(source, division))


def payment_of(uow: UnitOfWork, payment_id: str) -> Payment:
    found = uow.find(ids.payment_uuid(payment_id), Payment)
    if found is None:
        raise NotFound(f"unknown payment {payment_id}")
    return found
