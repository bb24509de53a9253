"""`POST /v1/payments` and their reversals: finance pays from accounts in its scope."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.authorization import require_role, require_scope
from api.deps import JsonBody, LedgerDep, PrincipalDep, RuntimeDep
from api.openapi import model_body, problems
from api.problems import ids_in_body
from api.schemas import PaymentIn, PaymentOut, ReversalIn, ReversalOut
from domain.errors import InvalidInput

router = APIRouter(tags=["payments"])


def an_object(body: object) -> Mapping[str, object]:
    if not isinstance(body, Mapping):
        raise InvalidInput("body", "should be a JSON object")
    return body


@router.post(
    "/payments",
    status_code=201,
    openapi_extra=model_body(
        PaymentIn,
        {
            "payment_id": "pay-1",
            "rule": "R7",
            "payee_id": "agency-1",
            "paid_on": "2018-07-15",
            "placement_id": "p-1",
        },
    ),
    responses={
        201: {"model": PaymentOut, "description": "Paid"},
        200: {"model": PaymentOut, "description": "Already paid: the first answer again"},
        **problems(403, 409, 422),
    },
)
def post_payment(
    principal: PrincipalDep, ledger: LedgerDep, runtime: RuntimeDep, body: JsonBody
) -> JSONResponse:
    """Pay a subsidy; the ledger decides the amount and the paying account."""
    require_role(principal, "finance")
    request = an_object(body)

    def in_scope(_source: str, division: str) -> None:
        # The account is the policy's to decide: decided first, recorded only if in scope.
        require_scope(principal, division, "a payment from an account")

    with ids_in_body():
        paid = ledger.pay(request, principal.actor, authorize=in_scope)
    runtime.wrote(paid.position)
    return JSONResponse(paid.public(), status_code=200 if paid.replayed else 201)


@router.post(
    "/payments/{payment_id}/reversal",
    status_code=201,
    openapi_extra=model_body(
        ReversalIn, {"reversal_id": "rev-1", "reason": "paid twice", "reversed_on": "2018-08-01"}
    ),
    responses={
        201: {"model": ReversalOut, "description": "Reversed: the money is back in its account"},
        200: {"model": ReversalOut, "description": "Already reversed by this reversal_id"},
        **problems(403, 404, 409, 422),
    },
)
def reverse_payment(
    payment_id: str, principal: PrincipalDep, ledger: LedgerDep, runtime: RuntimeDep, body: JsonBody
) -> JSONResponse:
    """Reverse a payment: its amount returns to the account it was paid from."""
    require_role(principal, "finance")
    payment = ledger.get_payment(payment_id)  # 404 for an unknown id in the path
    require_scope(principal, payment.division, "a reversal on an account")
    request = an_object(body)
    reversed_ = ledger.reverse(payment_id, request, principal.actor)
    runtime.wrote(reversed_.position)
    return JSONResponse(reversed_.public(), status_code=200 if reversed_.replayed else 201)
