"""Fund accounts: one per funding source × division. Money enters by appropriation
(拨款/下达资金), leaves by payment (拨付/发放) and returns by reversal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from eventsourcing.domain import Aggregate

from domain.errors import PolicyRefusal
from domain.recorded import Fact

SOURCES = ("employment_fund", "unemployment_insurance_fund", "local_treasury")
ZERO = Decimal("0.00")


class FundAccount(Aggregate):
    """An account's money by business date. Its state is a day → net change map, so it
    stays small however many payments it makes (and snapshots cheaply)."""

    TOPIC = "jobaid:FundAccount"

    class Created(Aggregate.Created):
        TOPIC = "jobaid:FundAccount.Created"

    class Opened(Created):
        TOPIC = "jobaid:AccountOpened"
        source: str
        division: str

        def apply(self, aggregate: Any) -> None:
            aggregate.source = self.source
            aggregate.division = self.division
            aggregate.daily = {}
            aggregate.appropriated = ZERO
            aggregate.paid = ZERO
            aggregate.reversed = ZERO

    class FundsAppropriated(Fact):
        TOPIC = "jobaid:FundsAppropriated"
        appropriation_id: str
        amount: Decimal
        appropriated_on: date
        document_ref: str
        adjustment_reason: str | None

        def apply(self, aggregate: Any) -> None:
            aggregate.appropriated += self.amount
            aggregate.change(self.appropriated_on, self.amount)

    class PaymentDebited(Aggregate.Event):
        TOPIC = "jobaid:PaymentDebited"
        payment_id: str
        rule: str
        amount: Decimal
        paid_on: date
        payee_id: str
        worker_id: str | None
        recorded_by: str

        def apply(self, aggregate: Any) -> None:
            aggregate.paid += self.amount
            aggregate.change(self.paid_on, -self.amount)

    class PaymentCredited(Aggregate.Event):
        TOPIC = "jobaid:PaymentCredited"
        payment_id: str
        reversal_id: str
        rule: str
        amount: Decimal
        reversed_on: date
        payee_id: str
        worker_id: str | None
        reason: str
        recorded_by: str

        def apply(self, aggregate: Any) -> None:
            aggregate.reversed += self.amount
            aggregate.change(self.reversed_on, self.amount)

    source: str
    division: str
    daily: dict[str, Decimal]
    appropriated: Decimal
    paid: Decimal
    reversed: Decimal

    def change(self, day: date, amount: Decimal) -> None:
        key = day.isoformat()
        self.daily[key] = self.daily.get(key, ZERO) + amount

    @property
    def balance(self) -> Decimal:
        return self.appropriated - self.paid + self.reversed

    def available_on(self, day: date) -> tuple[Decimal, str]:
        """The least balance on `day` or any later business date, and the first date it
        is reached: what a payment dated `day` may spend without a later overdraft."""
        key = day.isoformat()
        dates = sorted(self.daily)
        on_day = sum((self.daily[when] for when in dates if when <= key), ZERO)
        running, lowest = on_day, (on_day, key)
        for when in dates:
            if when > key:
                running += self.daily[when]
                if running < lowest[0]:
                    lowest = (running, when)
        return lowest

    def debit(self, **payment: Any) -> None:
        amount: Decimal = payment["amount"]
        paid_on: date = payment["paid_on"]
        available, when = self.available_on(paid_on)
        if amount > available:
            # R21: no account may be negative on D or on any later business date;
            # money appropriated after D does not pay for D.
            raise PolicyRefusal(
                "R21",
                f"{self.source}/{self.division} holds {available} on {when}, "
                f"less than {amount} paid on {paid_on}",
            )
        self.trigger_event(self.PaymentDebited, **payment)
