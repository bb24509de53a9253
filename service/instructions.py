"""The treasury's payment instruction (支付申请, issue 14): what an approved payment run or
request asks the treasury to pay — one line per payment, its payee named by name and by
credit code (an organisation) or masked ID number (a person), its amount, paying account
and purpose, and the payment's id as the voucher (凭证号) the treasury's disbursement
file carries back, so that reconciliation matches it first (domain.matching).

Only what was paid appears: a run's requests whose payment is recorded (those stopped by
R21, or still awaiting a second approver, do not — until they are paid), never a payment
since reversed (the treasury must not pay what the ledger took back). A run or request
not yet approved has no instruction: a 409, as for a request that conflicts with the
recorded state.

Payments and payees are read from their stored events in one query each (as
service.treasury_payees reads names): a run of 10,000 would otherwise replay 20,000
aggregates one by one. A payee's name, mask and credit code are set at registration."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from adapters.eventstore import events_of_many
from domain import ids
from domain.approvals import APPROVED, RequestedPayment
from domain.errors import Conflict, NotFound
from service.access import Access
from service.ledger import Ledger
from service.runs import stored_run
from service.treasury_payees import registrations

REVERSED_TOPIC = "jobaid:PaymentReversed"


@dataclass(frozen=True)
class InstructionLine:
    """One payment as the treasury is asked to make it."""

    voucher: str  # the payment's id (凭证号)
    paid_on: date
    payee_id: str
    payee_name: str
    credit_code: str | None
    id_number_masked: str | None
    amount: Decimal
    source: str
    division: str
    rule: str


@dataclass(frozen=True)
class Instruction:
    """What a file is made of: its name's id, the paying division it is for, its lines."""

    name: str
    division: str
    lines: list[InstructionLine]


def run_instruction(ledger: Ledger, run_id: str, access: Access | None) -> Instruction:
    """The instruction of an approved run: its paid requests, in run order."""
    run = stored_run(ledger.store, run_id)
    if access is not None:
        access.require_read(run.division)
    if run.status != APPROVED:
        raise Conflict(f"payment run {run_id} is {run.status}, not approved: it has no instruction yet")  # fmt: skip
    return Instruction(run_id, run.division, paid_lines(ledger, run.requests))


def request_instruction(ledger: Ledger, request_id: str, access: Access | None) -> Instruction:
    """The instruction of one approved request: its payment (none if since reversed)."""
    request = ledger.store.get(ids.request_uuid(request_id), RequestedPayment)
    if request is None:
        raise NotFound(f"unknown payment request {request_id}")
    if access is not None:
        access.require_read(request.division)
    if request.status != APPROVED:
        raise Conflict(f"payment request {request_id} is {request.status}, not approved: it has no instruction yet")  # fmt: skip
    return Instruction(request_id, request.division, paid_lines(ledger, [request_id]))


def paid_lines(ledger: Ledger, payment_ids: Sequence[str]) -> list[InstructionLine]:
    """A line for each of these payments that is recorded and not reversed, in order."""
    uuids = {payment_id: ids.payment_uuid(payment_id) for payment_id in payment_ids}
    paid, reversed_ = _payments(ledger, uuids.values())
    payments = [paid[u] for u in uuids.values() if u in paid and u not in reversed_]
    payees = registrations(ledger, {payment.payee_id for payment in payments})
    return [_line(payment, payees.get(payment.payee_id)) for payment in payments]


def _payments(ledger: Ledger, uuids: Any) -> tuple[dict[UUID, Any], set[UUID]]:
    """Each payment's SubsidyPaid event, and which payments were reversed."""
    paid: dict[UUID, Any] = {}
    reversed_: set[UUID] = set()
    for stored, _position in events_of_many(ledger.recorder, list(uuids)):
        if stored.topic == REVERSED_TOPIC:
            reversed_.add(UUID(str(stored.originator_id)))
        elif stored.originator_version == 1:
            paid[UUID(str(stored.originator_id))] = ledger.mapper.to_domain_event(stored)
    return paid, reversed_


def _line(payment: Any, payee: Any) -> InstructionLine:
    return InstructionLine(
        voucher=payment.payment_id, paid_on=payment.paid_on, payee_id=payment.payee_id,
        payee_name=str(getattr(payee, "name", "")),
        credit_code=getattr(payee, "credit_code", None),
        id_number_masked=getattr(payee, "id_number_masked", None),
        amount=payment.amount, source=payment.source, division=payment.division, rule=payment.rule,
    )  # fmt: skip
