"""`POST /v1/payments` and their reversals: finance pays from accounts in its scope."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.deps import LedgerDep, PrincipalDep, RuntimeDep
from api.json import StrictJSONRoute, sent_json
from api.openapi import problems
from api.problems import ids_in_body
from api.requests import PaymentIn, ReversalIn
from api.responses import json_answer
from api.schemas import PaymentOut, ReversalOut
from service.idempotency import request_hash

router = APIRouter(tags=["payments"], route_class=StrictJSONRoute)


@router.post(
    "/payments",
    status_code=201,
    responses={
        201: {"model": PaymentOut, "description": "Paid"},
        200: {"model": PaymentOut, "description": "Already paid: the first answer again"},
        **problems(403, 409, 422),
    },
)
def post_payment(
    body: PaymentIn,
    request: Request,
    principal: PrincipalDep,
    ledger: LedgerDep,
    runtime: RuntimeDep,
) -> Response:
    """Pay a subsidy; the ledger decides the amount and the paying account."""
    principal.require_role("finance")
    digest = request_hash(dict(sent_json(request)))
    with ids_in_body():
        paid = ledger.pay(body.command(), digest, principal.actor, access=principal)
    runtime.wrote(paid.position)
    return json_answer(PaymentOut.of(paid), 200 if paid.replayed else 201)


@router.post(
    "/payments/{payment_id}/reversal",
    status_code=201,
    responses={
        201: {"model": ReversalOut, "description": "Reversed: the money is back in its account"},
        200: {"model": ReversalOut, "description": "Already reversed by this reversal_id"},
        **problems(403, 404, 409, 422),
    },
)
def reverse_payment(
    payment_id: str,
    body: ReversalIn,
    request: Request,
    principal: PrincipalDep,
    ledger: LedgerDep,
    runtime: RuntimeDep,
) -> Response:
    """Reverse a payment: its amount returns to the account it was paid from."""
    principal.require_role("finance")
    digest = request_hash({"payment_id": payment_id, **sent_json(request)})
    reversed_ = ledger.reverse(payment_id, body.command(), digest, principal.actor, principal)
    runtime.wrote(reversed_.position)
    return json_answer(ReversalOut.of(reversed_), 200 if reversed_.replayed else 201)
