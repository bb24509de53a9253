"""Commands from JSON-like data, for the edges that hold raw values rather than parsed
requests — the command line, the benchmarks, tests. Parsed by the same models as HTTP
(`service.parsing`), digested as sent (`service.idempotency`), then run by the Ledger."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from domain.approvals import ApprovePayment, RejectPayment, RequestPayment
from domain.commands import ReversePayment
from domain.errors import InvalidInput
from domain.policy import PaymentRequest
from domain.recorded import Actor
from domain.values import parse_identifier
from service.access import Access
from service.idempotency import request_hash
from service.ledger import MAX_BATCH, Ledger
from service.parsing import parse
from service.recording import fact_item
from service.results import (
    ApprovalRecorded,
    FactRecorded,
    PaymentRecorded,
    RequestRecorded,
    ReversalRecorded,
)


def record_json(
    ledger: Ledger,
    items: Sequence[Mapping[str, Any]],
    by: str | Actor,
    access: Access | None = None,
) -> list[FactRecorded]:
    """`[{"event_id", "type", "data"}, …]` recorded all or nothing."""
    if len(items) > MAX_BATCH:
        raise InvalidInput("events", f"at most {MAX_BATCH} items per batch, not {len(items)}")
    batch = len(items) > 1
    parsed = []
    for n, item in enumerate(items):
        prefix = f"[{n}]." if batch else ""
        if not isinstance(item, Mapping):
            raise InvalidInput(prefix.rstrip(".") or "body", "must be an object with event_id, type, data")  # fmt: skip
        event_id = parse_identifier(f"{prefix}event_id", item.get("event_id"))
        parsed.append(fact_item(event_id, str(item.get("type")), item.get("data"), prefix))
    return ledger.record(parsed, Actor.of(by), access)


def pay_json(
    ledger: Ledger, request: Mapping[str, Any], by: str | Actor, access: Access | None = None
) -> PaymentRecorded:
    return ledger.pay(parse(PaymentRequest, request), request_hash(dict(request)), Actor.of(by), access)  # fmt: skip


def reverse_json(
    ledger: Ledger,
    payment_id: str,
    request: Mapping[str, Any],
    by: str | Actor,
    access: Access | None = None,
) -> ReversalRecorded:
    digest = request_hash({"payment_id": payment_id, **request})
    return ledger.reverse(payment_id, parse(ReversePayment, request), digest, Actor.of(by), access)


def request_json(
    ledger: Ledger, request: Mapping[str, Any], by: str | Actor, access: Access | None = None
) -> RequestRecorded:
    """A payment request from its JSON body (CONTRACT "Approving payments")."""
    command = parse(RequestPayment, request)
    return ledger.request_payment(command, request_hash(dict(request)), Actor.of(by), access)


def approve_json(
    ledger: Ledger,
    request_id: str,
    approval: Mapping[str, Any],
    by: str | Actor,
    access: Access | None = None,
) -> ApprovalRecorded:
    digest = request_hash({"request_id": request_id, **approval})
    command = parse(ApprovePayment, approval)
    return ledger.approve(request_id, command, digest, Actor.of(by), access)


def reject_json(
    ledger: Ledger,
    request_id: str,
    rejection: Mapping[str, Any],
    by: str | Actor,
    access: Access | None = None,
) -> RequestRecorded:
    return ledger.reject(request_id, parse(RejectPayment, rejection), Actor.of(by), access)
