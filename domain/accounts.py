"""Fund accounts: one per funding source × division. Money enters by appropriation
(拨款/下达资金), leaves by payment (拨付/发放) and returns by reversal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from eventsourcing.domain import Aggregate

from domain.errors import Conflict, InvalidInput, PolicyRefusal
from domain.recorded import Fact, add_token_id

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
            aggregate.closed_through = None

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
        token_id: str | None
        adjustment_reason: str | None

        class_version = 2  # token_id
        upcast_v1_v2 = staticmethod(add_token_id)

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
        token_id: str | None
        adjustment_reason: str | None

        class_version = 2  # token_id
        upcast_v1_v2 = staticmethod(add_token_id)

        def apply(self, aggregate: Any) -> None:
            aggregate.reversed += self.amount
            aggregate.change(self.reversed_on, self.amount)

    class PeriodClosed(Fact):
        TOPIC = "jobaid:PeriodClosed"
        period: str
        closed_on: date
        closed_through: date
        closing_balance: Decimal

        def apply(self, aggregate: Any) -> None:
            aggregate.closed_through = self.closed_through

    if TYPE_CHECKING:
        source: str
        division: str
        closed_through: date | None
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

    def balance_on(self, day: date) -> Decimal:
        key = day.isoformat()
        return sum((amount for when, amount in self.daily.items() if when <= key), ZERO)

    def check_open(self, day: date, adjustment_reason: str | None) -> None:
        """R23: once a period is closed, nothing dated inside it or before it is recorded
        against the account — except an explicit, reasoned adjustment (by finance)."""
        if self.closed_through is not None and day <= self.closed_through and not adjustment_reason:
            raise PolicyRefusal(
                "R23",
                f"{self.source}/{self.division} is closed through {self.closed_through}; "
                "post an adjustment with a reason",
            )

    def appropriate(self, **appropriation: Any) -> None:
        self.check_open(appropriation["appropriated_on"], appropriation["adjustment_reason"])
        self.trigger_event(self.FundsAppropriated, **appropriation)

    def close_period(self, period: str, closed_on: date, **meta: str) -> None:
        through = period_end(period)
        if self.closed_through is not None and through <= self.closed_through:
            raise Conflict(
                f"{self.source}/{self.division} is already closed through {self.closed_through}"
            )
        if closed_on < through:
            raise InvalidInput("closed_on", f"is before the end of period {period} ({through})")
        self.trigger_event(
            self.PeriodClosed,
            period=period,
            closed_on=closed_on,
            closed_through=through,
            closing_balance=self.balance_on(through),
            **meta,
        )

    def credit(self, **reversal: Any) -> None:
        self.check_open(reversal["reversed_on"], reversal["adjustment_reason"])
        self.trigger_event(self.PaymentCredited, **reversal)

    def debit(self, adjustment_reason: str | None = None, **payment: Any) -> None:
        amount: Decimal = payment["amount"]
        paid_on: date = payment["paid_on"]
        self.check_open(paid_on, adjustment_reason)
        available, when = self.available_on(paid_on)
        if amount > available:
            # R21: no account may be negative on D or on any later business date;
            # money appropriated after D does not pay for D.
            raise PolicyRefusal(
                "R21",
                f"{self.source}/{self.division} holds {available} on {when}, "
                f"less than {amount} paid on {paid_on}",
            )
        self.trigger_event(self.PaymentDebited, adjustment_reason=adjustment_reason, **payment)


def period_end(period: str) -> date:
    """The last day of a fiscal year `YYYY` or a month `YYYY-MM`."""
    if len(period) == 4:
        return date(int(period), 12, 31)
    year, month = int(period[:4]), int(period[5:7])
    following = date(year + month // 12, month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)
