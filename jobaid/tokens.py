"""Bearer tokens as recorded history: a token is issued and maybe revoked, both as events
in the ledger's own store, so every server of one ledger sees the same tokens and a
revocation is audited like any other fact. Only a SHA-256 hash of the secret is kept."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from eventsourcing.domain import Aggregate

from domain.errors import Conflict

ROLES = ("clerk", "finance", "auditor", "admin")


class Token(Aggregate):
    """One bearer token: who holds it (subject), its role and division scope."""

    TOPIC = "jobaid:Token"

    class Created(Aggregate.Created):
        TOPIC = "jobaid:Token.Created"

    class Issued(Created):
        TOPIC = "jobaid:TokenIssued"
        token_id: str
        token_hash: str
        role: str
        division: str
        subject: str
        issued_by: str

        def apply(self, aggregate: Any) -> None:
            aggregate.token_id = self.token_id
            aggregate.token_hash = self.token_hash
            aggregate.role = self.role
            aggregate.division = self.division
            aggregate.subject = self.subject
            aggregate.issued_by = self.issued_by
            aggregate.revoked = False

    class Revoked(Aggregate.Event):
        TOPIC = "jobaid:TokenRevoked"
        revoked_by: str

        def apply(self, aggregate: Any) -> None:
            aggregate.revoked = True

    if TYPE_CHECKING:
        token_id: str
        token_hash: str
        role: str
        division: str
        subject: str
        issued_by: str
        revoked: bool

    def revoke(self, revoked_by: str) -> None:
        if self.revoked:
            raise Conflict(f"token {self.token_id} is already revoked")
        self.trigger_event(self.Revoked, revoked_by=revoked_by)
