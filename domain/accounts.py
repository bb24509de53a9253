"""Fund accounts: one per funding source × division. Money enters by appropriation
(拨款/下达资金), leaves by payment (拨付/发放) and returns by reversal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import divisions, ids
from domain.commands import AppropriateFunds, ClosePeriod, ReversePayment
from domain.errors import Conflict, InvalidInput, PolicyRefusal
from domain.payments import Payment
from domain.recorded import Actor, FactEvent, Recording
from domain.sources import SOURCES

__all__ = ["SOURCES", "FundAccount", "period_end"]

ZERO = Decimal("0.00")


class FundAccount(Aggregate):
    """An account's money by business date. Its state is a day → net change map, so it
    stays small however many payments it makes (and snapshots cheaply)."""

    TOPIC = "jobaid:FundAccount"

    class Event(FactEvent):
        TOPIC = "jobaid:FundAccount.Event"

    @event("Opened", topic="jobaid:AccountOpened")
    def __init__(self, source: str, division: str) -> None:
        self.source = source
        self.division = division
        self.daily: dict[str, Decimal] = {}
        self.appropriated = ZERO
        self.paid = ZERO
        self.reversed = ZERO
        self.closed_through: date | None = None

    @staticmethod
    def create_id(source: str, division: str) -> UUID:
        return ids.account_uuid(source, division)

    @classmethod
    def open(cls, source: str, division: str) -> FundAccount:
        """A new account of a source and a division in use: money posted under a retired
        code would sit beside its successor's, one county's money in two accounts."""
        successor = divisions.canonical_place(division)
        if successor != division:
            raise InvalidInput(
                "division",
                f"{division} ({divisions.name(division)}) was replaced by {successor} "
                f"({divisions.name(successor)}): post to {successor}",
            )
        return cls(source, division)

    # Money in: appropriations.

    def appropriate(self, cmd: AppropriateFunds, recording: Recording) -> None:
        self.check_open(cmd.appropriated_on, cmd.adjustment_reason)
        self._appropriated(
            appropriation_id=cmd.appropriation_id, amount=cmd.amount,
            appropriated_on=cmd.appropriated_on, document_ref=cmd.document_ref,
            adjustment_reason=cmd.adjustment_reason, **recording.meta,
        )  # fmt: skip

    @event("FundsAppropriated", topic="jobaid:FundsAppropriated")
    def _appropriated(
        self,
        appropriation_id: str,
        amount: Decimal,
        appropriated_on: date,
        document_ref: str,
        adjustment_reason: str | None,
        recorded_by: str,
        token_id: str | None,
        event_id: str,
    ) -> None:
        self.appropriated += amount
        self._change(appropriated_on, amount)

    # Money out and back: payments and their reversals.

    def debit(self, payment: Payment, by: Actor) -> None:
        """R21: 不得透支 — no account may be negative on D or on any later business date;
        money appropriated after D does not pay for D. R23 on the payment's date."""
        self.check_open(payment.paid_on, payment.adjustment_reason)
        available, when = self.available_on(payment.paid_on)
        if payment.amount > available:
            raise PolicyRefusal(
                "R21",
                f"{self.source}/{self.division} holds {available} on {when}, "
                f"less than {payment.amount} paid on {payment.paid_on}",
            )
        self._debited(
            payment_id=payment.payment_id, rule=payment.rule, amount=payment.amount,
            paid_on=payment.paid_on, payee_id=payment.payee_id, worker_id=payment.worker_id,
            adjustment_reason=payment.adjustment_reason, **by.meta,
        )  # fmt: skip

    @event("PaymentDebited", topic="jobaid:PaymentDebited")
    def _debited(
        self,
        payment_id: str,
        rule: str,
        amount: Decimal,
        paid_on: date,
        payee_id: str,
        worker_id: str | None,
        recorded_by: str,
        token_id: str | None,
        adjustment_reason: str | None,
    ) -> None:
        self.paid += amount
        self._change(paid_on, -amount)

    def credit(self, payment: Payment, reversal: ReversePayment, by: Actor) -> None:
        self.check_open(reversal.reversed_on, reversal.adjustment_reason)
        self._credited(
            payment_id=payment.payment_id, reversal_id=reversal.reversal_id, rule=payment.rule,
            amount=payment.amount, reversed_on=reversal.reversed_on, payee_id=payment.payee_id,
            worker_id=payment.worker_id, reason=reversal.reason,
            adjustment_reason=reversal.adjustment_reason, **by.meta,
        )  # fmt: skip

    @event("PaymentCredited", topic="jobaid:PaymentCredited")
    def _credited(
        self,
        payment_id: str,
        reversal_id: str,
        rule: str,
        amount: Decimal,
        reversed_on: date,
        payee_id: str,
        worker_id: str | None,
        reason: str,
        recorded_by: str,
        token_id: str | None,
        adjustment_reason: str | None,
    ) -> None:
        self.reversed += amount
        self._change(reversed_on, amount)

    # R23 closed periods.

    def close_period(self, cmd: ClosePeriod, recording: Recording) -> None:
        through = period_end(cmd.period)
        if self.closed_through is not None and through <= self.closed_through:
            raise Conflict(
                f"{self.source}/{self.division} is already closed through {self.closed_through}"
            )
        if cmd.closed_on < through:
            raise InvalidInput("closed_on", f"is before the end of period {cmd.period} ({through})")
        self._closed(period=cmd.period, closed_on=cmd.closed_on, closed_through=through,
                     closing_balance=self.balance_on(through), **recording.meta)  # fmt: skip

    @event("PeriodClosed", topic="jobaid:PeriodClosed")
    def _closed(
        self,
        period: str,
        closed_on: date,
        closed_through: date,
        closing_balance: Decimal,
        recorded_by: str,
        token_id: str | None,
        event_id: str,
    ) -> None:
        self.closed_through = closed_through

    def check_open(self, day: date, adjustment_reason: str | None) -> None:
        """R23: once a period is closed, nothing dated inside it or before it is recorded
        against the account — except an explicit, reasoned adjustment (by finance)."""
        if self.closed_through is not None and day <= self.closed_through and not adjustment_reason:
            raise PolicyRefusal(
                "R23",
                f"{self.source}/{self.division} is closed through {self.closed_through}; "
                "post an adjustment with a reason",
            )

    # Balances.

    def _change(self, day: date, amount: Decimal) -> None:
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


def period_end(period: str) -> date:
    """The last day of a fiscal year `YYYY` or a month `YYYY-MM`."""
    if len(period) == 4:
        return date(int(period), 12, 31)
    year, month = int(period[:4]), int(period[5:7])
    following = date(year + month // 12, month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)
