"""Bearer tokens as recorded history: a token is issued and maybe revoked, both as events
in the ledger's own store, so every server of one ledger sees the same tokens and a
revocation is audited like any other fact. Only a SHA-256 hash of the secret is kept."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from eventsourcing.domain import Aggregate

from domain.errors import Conflict
from domain.recorded import Actor

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
        issued_by_token: str | None

        class_version = 2  # issued_by_token: which token issued it, beside its subject

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state.setdefault("issued_by_token", None)

        def apply(self, aggregate: Any) -> None:
            aggregate.token_id = self.token_id
            aggregate.token_hash = self.token_hash
            aggregate.role = self.role
            aggregate.division = self.division
            aggregate.subject = self.subject
            aggregate.issued_by = self.issued_by
            aggregate.issued_by_token = self.issued_by_token
            aggregate.revoked = False

    class Revoked(Aggregate.Event):
        TOPIC = "jobaid:TokenRevoked"
        revoked_by: str
        revoked_by_token: str | None

        class_version = 2  # revoked_by_token

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state.setdefault("revoked_by_token", None)

        def apply(self, aggregate: Any) -> None:
            aggregate.revoked = True

    if TYPE_CHECKING:
        token_id: str
        token_hash: str
        role: str
        division: str
        subject: str
        issued_by: str
        issued_by_token: str | None
        revoked: bool

    def revoke(self, by: Actor) -> None:
        if self.revoked:
            raise Conflict(f"token {self.token_id} is already revoked")
        self.trigger_event(self.Revoked, revoked_by=by.subject, revoked_by_token=by.token_id)
