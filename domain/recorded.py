"""Base classes of every recorded fact: each names who recorded it (谁摸查、谁负责) — the
token's subject and the token's id — and the client's idempotency key it came with.

A token's subject is a label its issuing admin chose, not proof (CONTRACT "Personal data
and hostile input"): the token id beside it names the credential that was used, and the
token's own history names who issued it.

Version 2 of every fact added `token_id`; facts recorded before it read with `None`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eventsourcing.domain import Aggregate


@dataclass(frozen=True)
class Actor:
    """Who records: a token's subject and id (the id is None for the command line, which
    acts with the operator's access to the store, not with a token)."""

    subject: str
    token_id: str | None = None

    @classmethod
    def of(cls, who: str | Actor) -> Actor:
        return who if isinstance(who, Actor) else cls(who)

    @property
    def meta(self) -> dict[str, Any]:
        """The fields every recorded fact carries about who recorded it."""
        return {"recorded_by": self.subject, "token_id": self.token_id}


def add_token_id(state: dict[str, Any]) -> None:
    """Upcast a fact recorded before token ids were: nobody knows which token it was."""
    state.setdefault("token_id", None)


class FactCreated(Aggregate.Created):
    """A fact that starts an aggregate's history."""

    class_version = 2
    recorded_by: str
    token_id: str | None
    event_id: str

    upcast_v1_v2 = staticmethod(add_token_id)


class Fact(Aggregate.Event):
    """A fact recorded on an existing aggregate."""

    class_version = 2
    recorded_by: str
    token_id: str | None
    event_id: str

    upcast_v1_v2 = staticmethod(add_token_id)
