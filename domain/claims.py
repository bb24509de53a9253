"""Guards R18–R20 as claims: every entitlement a payment uses ("R7 for worker W in 2018",
"placement P's R12", "R10 for W on 2018-03-02") is claimed on its subject's Claims
aggregate in the same save as the payment. Two racing payments load the same version; the
store lets one save win and the loser reloads, sees the claim and is refused. A reversal
releases its payment's claims, so a corrected payment can be made."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import ids
from domain.errors import PolicyRefusal


class Claims(Aggregate):
    """The entitlements held against one subject: a worker, an organisation or a division."""

    TOPIC = "jobaid:Claims"

    class Event(Aggregate.Event):
        TOPIC = "jobaid:Claims.Event"

    @event("Opened", topic="jobaid:ClaimsOpened")
    def __init__(self, subject: str) -> None:
        self.subject = subject
        self.held: dict[str, str] = {}  # claim key → the payment holding it

    @staticmethod
    def create_id(subject: str) -> UUID:
        return ids.claims_uuid(subject)

    def claim(self, payment_id: str, keys: dict[str, str]) -> None:
        """Claim every key (key → the rule that guards it), or refuse naming the rule."""
        for key, rule in keys.items():
            holder = self.held.get(key)
            if holder is not None:
                raise PolicyRefusal(rule, f"{key} was already paid by payment {holder}")
        self._claimed(payment_id=payment_id, keys=list(keys))

    @event("Claimed", topic="jobaid:EntitlementsClaimed")
    def _claimed(self, payment_id: str, keys: list[str]) -> None:
        for key in keys:
            self.held[key] = payment_id

    def release(self, payment_id: str, keys: list[str]) -> None:
        self._released(payment_id=payment_id, keys=keys)

    @event("Released", topic="jobaid:EntitlementsReleased")
    def _released(self, payment_id: str, keys: list[str]) -> None:
        for key in keys:
            if self.held.get(key) == payment_id:
                del self.held[key]

    def held_with_prefix(self, prefix: str) -> list[str]:
        return [key for key in self.held if key.startswith(prefix)]
