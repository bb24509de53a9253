"""Admin endpoints that issue and revoke bearer tokens."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from api.auth import forget_token
from api.deps import LedgerDep, PrincipalDep
from api.json import StrictJSONRoute
from api.openapi import problems
from api.requests import TokenIn
from api.responses import json_answer
from api.schemas import TokenOut, TokenRevokedOut
from domain.errors import NotFound
from service.tokens import find_token, issue_token, revoke_token

router = APIRouter(tags=["tokens"], route_class=StrictJSONRoute)


@router.post("/tokens", status_code=201, responses={201: {"model": TokenOut}, **problems(403, 422)})
def create_token(
    body: TokenIn,
    principal: PrincipalDep,
    ledger: LedgerDep,
) -> Response:
    """Issue a token for a role and division (shown once; only its hash is kept)."""
    principal.require_role("admin")
    wanted = body.command()
    # An admin issues tokens within its own scope, never a wider one.
    principal.require_scope(wanted.division, "a token")
    issued = issue_token(ledger, wanted.role, wanted.division, wanted.subject, principal.actor)
    p = issued.principal
    answer = TokenOut(
        token=issued.token, token_id=p.token_id, role=p.role, division=p.division, subject=p.subject
    )
    return json_answer(answer, 201)


@router.delete(
    "/tokens/{token_id}", responses={200: {"model": TokenRevokedOut}, **problems(403, 404, 409)}
)
def delete_token(token_id: str, principal: PrincipalDep, ledger: LedgerDep) -> Response:
    """Revoke a token: it is refused from the next request on."""
    principal.require_role("admin")
    found = find_token(ledger, token_id)
    if found is None:
        raise NotFound(f"unknown token {token_id}")
    principal.require_scope(found.division, "a token")
    revoke_token(ledger, token_id, revoked_by=principal.actor)
    forget_token(token_id)  # refused from the next request on, not after the trust lapses
    return json_answer(TokenRevokedOut(token_id=token_id, revoked=True))
