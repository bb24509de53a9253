"""Issuing, verifying and revoking bearer tokens, and the `jobaid token` command.

A token reads `jat_<token id>_<secret>`. The id is public (it names the token in logs and
in `DELETE /v1/tokens/{id}`); the whole token is random and only its SHA-256 hash is
recorded, so a copy of the store grants nobody anything."""

from __future__ import annotations

import argparse
import hashlib
import hmac
import re
import secrets
import sys
import threading
import time
from dataclasses import dataclass

from eventsourcing.application import AggregateNotFoundError

from domain import divisions, ids
from domain.errors import Conflict, InvalidInput, NotFound
from domain.recorded import Actor
from domain.tokens import ROLES, Token
from domain.values import parse_division
from service.ledger import Ledger

TOKEN_FORMAT = re.compile(r"jat_([0-9a-f]{16})_[A-Za-z0-9_-]{43}")


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's subject, role and division scope."""

    token_id: str
    role: str
    division: str
    subject: str

    @property
    def actor(self) -> Actor:
        """Who the ledger records as acting: the subject, and the token that proves it."""
        return Actor(self.subject, self.token_id)

    def covers(self, division: str | None) -> bool:
        """A prefecture covers its counties; 430000 the whole province."""
        return division is not None and divisions.contains(self.division, division)


@dataclass(frozen=True)
class IssuedToken:
    token: str
    principal: Principal


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
    issued = Token._create(
        Token.Issued,
        id=ids.derived("token", token_id),
        token_id=token_id,
        token_hash=digest(token),
        role=role,
        division=division,
        subject=subject,
        issued_by=Actor.of(issued_by).subject,
        issued_by_token=Actor.of(issued_by).token_id,
    )
    ledger.save(issued)
    return IssuedToken(token, Principal(token_id, role, division, subject))


def find_token(ledger: Ledger, token_id: str) -> Token | None:
    try:
        found: object = ledger.repository.get(ids.derived("token", token_id))
    except AggregateNotFoundError:
        return None
    return found if isinstance(found, Token) else None


# A verified token is trusted for a moment without reading the store again: every
# request read it, a fifth of a busy server's time. A revocation takes effect at once on
# the server that made it, and within TRUSTED_FOR seconds on the others.
TRUSTED_FOR = 2.0
_trusted: dict[str, tuple[Principal, float]] = {}
_trusted_lock = threading.Lock()


def verify_bearer(ledger: Ledger, token: str) -> Principal | None:
    """The principal of a valid, unrevoked token; None for anything else."""
    match = TOKEN_FORMAT.fullmatch(token)
    if match is None:
        return None
    hashed = digest(token)
    with _trusted_lock:
        known = _trusted.get(hashed)
    if known is not None and known[1] > time.monotonic():
        return known[0]
    found = find_token(ledger, match.group(1))
    # Compare in constant time: a timing difference must not reveal a hash prefix.
    if found is None or found.revoked or not hmac.compare_digest(found.token_hash, hashed):
        return None
    principal = Principal(found.token_id, found.role, found.division, found.subject)
    with _trusted_lock:
        if len(_trusted) > 10_000:
            _trusted.clear()
        _trusted[hashed] = (principal, time.monotonic() + TRUSTED_FOR)
    return principal


def forget_token(token_id: str) -> None:
    with _trusted_lock:
        for hashed, (principal, _) in list(_trusted.items()):
            if principal.token_id == token_id:
                del _trusted[hashed]


def revoke_token(ledger: Ledger, token_id: str, revoked_by: str | Actor) -> Token:
    found = find_token(ledger, token_id)
    if found is None:
        raise NotFound(f"unknown token {token_id}")
    found.revoke(Actor.of(revoked_by))
    ledger.save(found)
    forget_token(token_id)
    return found


def cli_actor() -> Actor:
    """The command line acts with the operator's access to the store, not with a token:
    it is recorded as the operating-system user who ran it."""
    import getpass

    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry for the uid (containers)
        user = "unknown"
    return Actor(f"cli:{user}")


def token_command(args: argparse.Namespace) -> int:
    """`jobaid token create|revoke`: stdout carries the token and nothing else."""
    ledger = Ledger()
    try:
        if args.token_command == "create":
            issued = issue_token(ledger, args.role, args.division, args.subject, cli_actor())
            print(issued.token)
            print(
                f"token {issued.principal.token_id}: {issued.principal.role} of {issued.principal.division}",
                file=sys.stderr,
            )
            return 0
        revoke_token(ledger, args.token_id, revoked_by=cli_actor())
        print(f"token {args.token_id} revoked", file=sys.stderr)
        return 0
    except (InvalidInput, NotFound, Conflict) as error:
        print(f"jobaid token: {error.detail}", file=sys.stderr)
        return 2
    finally:
        ledger.close()
