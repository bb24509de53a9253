"""Admin endpoints that issue and revoke bearer tokens."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.auth import forget_token
from api.authorization import require_role, require_scope
from api.deps import JsonBody, LedgerDep, PrincipalDep
from api.openapi import model_body, problems
from api.schemas import TokenIn, TokenOut, TokenRevokedOut
from domain.errors import InvalidInput, NotFound
from domain.values import parse_text
from service.tokens import find_token, issue_token, parse_scope, revoke_token

router = APIRouter(tags=["tokens"])


@router.post(
    "/tokens",
    status_code=201,
    openapi_extra=model_body(
        TokenIn, {"role": "clerk", "division": "430102", "subject": "clerk.zhang"}
    ),
    responses={201: {"model": TokenOut}, **problems(403, 422)},
)
def create_token(principal: PrincipalDep, ledger: LedgerDep, body: JsonBody) -> JSONResponse:
    """Issue a token for a role and division (shown once; only its hash is kept)."""
    require_role(principal, "admin")
    if not isinstance(body, Mapping):
        raise InvalidInput("body", "should be a JSON object")
    role, division = parse_scope(body.get("role"), body.get("division"))
    # An admin issues tokens within its own scope, never a wider one.
    require_scope(principal, division, "a token")
    subject = body.get("subject")
    subject = None if subject is None else parse_text("subject", subject)
    issued = issue_token(ledger, role, division, subject, issued_by=principal.actor)
    p = issued.principal
    answer = {
        "token": issued.token,
        "token_id": p.token_id,
        "role": p.role,
        "division": p.division,
        "subject": p.subject,
    }
    return JSONResponse(answer, status_code=201)


@router.delete(
    "/tokens/{token_id}", responses={200: {"model": TokenRevokedOut}, **problems(403, 404, 409)}
)
def delete_token(token_id: str, principal: PrincipalDep, ledger: LedgerDep) -> JSONResponse:
    """Revoke a token: it is refused from the next request on."""
    require_role(principal, "admin")
    found = find_token(ledger, token_id)
    if found is None:
        raise NotFound(f"unknown token {token_id}")
    require_scope(principal, found.division, "a token")
    revoke_token(ledger, token_id, revoked_by=principal.actor)
    forget_token(token_id)  # refused from the next request on, not after the trust lapses
    return JSONResponse({"token_id": token_id, "revoked": True})
