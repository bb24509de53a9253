"""Who records each fact (谁摸查、谁负责) — the token's subject and the token's id — and the
client's idempotency key it came with; and the base of every fact's event class.

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
        """The fields every recorded fact, payment and reversal carries about who recorded it."""
        return {"recorded_by": self.subject, "token_id": self.token_id}


@dataclass(frozen=True)
class Recording:
    """One fact being recorded: by whom, under the client's idempotency key `event_id`."""

    by: Actor
    event_id: str

    @property
    def meta(self) -> dict[str, Any]:
        return {**self.by.meta, "event_id": self.event_id}


def add_token_id(state: dict[str, Any]) -> None:
    """Upcast a fact recorded before token ids were: nobody knows which token it was."""
    state.setdefault("token_id", None)


class FactEvent(Aggregate.Event):
    """The base of the events of an aggregate whose every event names who recorded it.
    Its subclass in each aggregate gives the stable topic the library asks of it."""

    class_version = 2  # token_id
    upcast_v1_v2 = staticmethod(add_token_id)
