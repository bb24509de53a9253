"""Guards R18–R20 as claims: every entitlement a payment uses ("R7 for worker W in 2018",
"placement P's R12", "R10 for W on 2018-03-02") is claimed on its subject's Claims
aggregate in the same save as the payment. Two racing payments load the same version; the
store lets one save win and the loser reloads, sees the claim and is refused. A reversal
releases its payment's claims, so a corrected payment can be made."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from eventsourcing.domain import Aggregate

from domain.errors import PolicyRefusal


class Claims(Aggregate):
    """The entitlements held against one subject: a worker, an organisation or a division."""

    TOPIC = "jobaid:Claims"

    class Created(Aggregate.Created):
        TOPIC = "jobaid:Claims.Created"

    class Opened(Created):
        TOPIC = "jobaid:ClaimsOpened"
        subject: str

        def apply(self, aggregate: Any) -> None:
            aggregate.subject = self.subject
            aggregate.held = {}

    class Claimed(Aggregate.Event):
        TOPIC = "jobaid:EntitlementsClaimed"
        payment_id: str
        keys: list[str]

        def apply(self, aggregate: Any) -> None:
            for key in self.keys:
                aggregate.held[key] = self.payment_id

    class Released(Aggregate.Event):
        TOPIC = "jobaid:EntitlementsReleased"
        payment_id: str
        keys: list[str]

        def apply(self, aggregate: Any) -> None:
            for key in self.keys:
                if aggregate.held.get(key) == self.payment_id:
                    del aggregate.held[key]

    if TYPE_CHECKING:
        subject: str
        held: dict[str, str]

    def claim(self, payment_id: str, keys: dict[str, str]) -> None:
        """Claim every key (key → the rule that guards it), or refuse naming the rule."""
        for key, rule in keys.items():
            holder = self.held.get(key)
            if holder is not None:
                raise PolicyRefusal(rule, f"{key} was already paid by payment {holder}")
        self.trigger_event(self.Claimed, payment_id=payment_id, keys=list(keys))

    def release(self, payment_id: str, keys: list[str]) -> None:
        self.trigger_event(self.Released, payment_id=payment_id, keys=keys)

    def held_with_prefix(self, prefix: str) -> list[str]:
        return [key for key in self.held if key.startswith(prefix)]
