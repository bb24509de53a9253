"""Issuing and revoking bearer tokens, and who a token's holder is (`Principal`).

A token reads `jat_<token id>_<secret>`. The id is public (it names the token in logs and
in `DELETE /v1/tokens/{id}`); the whole token is random and only its SHA-256 hash is
recorded, so a copy of the store grants nobody anything."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from eventsourcing.application import AggregateNotFoundError

from domain import ids
from domain.errors import InvalidInput, NotFound
from domain.recorded import Actor
from domain.tokens import ROLES, Token
from domain.values import parse_division
from service.access import Access
from service.ledger import Ledger


@dataclass(frozen=True)
class IssuedToken:
    token: str
    principal: Access


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def parse_scope(role: object, division: object) -> tuple[str, str]:
    if role not in ROLES:
        raise InvalidInput("role", f"must be one of {', '.join(ROLES)}")
    # Every scope lies in Hunan: a token for another province would cover nothing here.
    return str(role), parse_division("division", division, hunan=True)


def issue_token(
    ledger: Ledger, role: str, division: str, subject: str | None, issued_by: str | Actor
) -> IssuedToken:
    """Record a new token and answer it; the secret is never shown again."""
    role, division = parse_scope(role, division)
    token_id = secrets.token_hex(8)
    token = f"jat_{token_id}_{secrets.token_urlsafe(32)}"
    subject = subject or f"{role}@{division}"
    issued = Token.issue(token_id, digest(token), role, division, subject, Actor.of(issued_by))
    ledger.save(issued)
    return IssuedToken(token, Access(token_id, role, division, subject))


def find_token(ledger: Ledger, token_id: str) -> Token | None:
    try:
        found: object = ledger.repository.get(ids.derived("token", token_id))
    except AggregateNotFoundError:
        return None
    return found if isinstance(found, Token) else None


def revoke_token(ledger: Ledger, token_id: str, revoked_by: str | Actor) -> Token:
    found = find_token(ledger, token_id)
    if found is None:
        raise NotFound(f"unknown token {token_id}")
    found.revoke(Actor.of(revoked_by))
    ledger.save(found)
    return found
