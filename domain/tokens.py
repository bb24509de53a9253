"""Bearer tokens as recorded history: a token is issued and maybe revoked, both as events
in the ledger's own store, so every server of one ledger sees the same tokens and a
revocation is audited like any other fact. Only a SHA-256 hash of the secret is kept."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import ids
from domain.errors import Conflict
from domain.recorded import Actor

ROLES = ("clerk", "finance", "auditor", "admin")


def upcast_token(state: dict[str, Any]) -> None:
    """Version 2 names the token that issued or revoked a token, beside its subject."""
    state.setdefault("issued_by_token" if "issued_by" in state else "revoked_by_token", None)


class Token(Aggregate):
    """One bearer token: who holds it (subject), its role and division scope."""

    TOPIC = "jobaid:Token"

    class Event(Aggregate.Event):
        TOPIC = "jobaid:Token.Event"
        class_version = 2
        upcast_v1_v2 = staticmethod(upcast_token)

    @event("Issued", topic="jobaid:TokenIssued")
    def __init__(
        self,
        token_id: str,
        token_hash: str,
        role: str,
        division: str,
        subject: str,
        issued_by: str,
        issued_by_token: str | None,
    ) -> None:
        self.token_id = token_id
        self.token_hash = token_hash
        self.role = role
        self.division = division
        self.subject = subject
        self.issued_by = issued_by
        self.issued_by_token = issued_by_token
        self.revoked = False

    @staticmethod
    def create_id(token_id: str) -> UUID:
        return ids.derived("token", token_id)

    @classmethod
    def issue(
        cls, token_id: str, token_hash: str, role: str, division: str, subject: str, by: Actor
    ) -> Token:
        return cls(token_id=token_id, token_hash=token_hash, role=role, division=division,
                   subject=subject, issued_by=by.subject, issued_by_token=by.token_id)  # fmt: skip

    def revoke(self, by: Actor) -> None:
        if self.revoked:
            raise Conflict(f"token {self.token_id} is already revoked")
        self._revoked(revoked_by=by.subject, revoked_by_token=by.token_id)

    @event("Revoked", topic="jobaid:TokenRevoked")
    def _revoked(self, revoked_by: str, revoked_by_token: str | None) -> None:
        self.revoked = True
