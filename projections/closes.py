"""R23 closed periods as a read model: one row per `PeriodClosed` of each account (the
period, the day it was closed, the last day it closes and the balance then), read within
a division for the console's period-close page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from adapters.sql import SqlCursor
from projections import schema
from projections.changes import Batch, Fields, where
from projections.lists import rows_after, within
from projections.money import to_fen, yuan


def period_closed(batch: Batch, position: int, event: Fields) -> None:
    """An account event names only its aggregate: the account is looked up by it."""
    source, division = batch.account_of(event["originator_id"])
    batch.insert(
        schema.CloseRow(
            position=position, source=source, division=division, period=event["period"],
            closed_on=event["closed_on"], closed_through=event["closed_through"],
            closing_balance=to_fen(event["closing_balance"]),
            recorded_by=event["recorded_by"], recorded_at=event["timestamp"],
            **where(division),
        )
    )  # fmt: skip


HANDLERS: dict[str, Callable[[Batch, int, Fields], None]] = {
    "jobaid:PeriodClosed": period_closed,
}

MOST_CLOSES = 100_000  # far past 14 years × 12 months × every account of the province


def closes(cur: SqlCursor, division: str | None) -> list[dict[str, Any]]:
    """Every period closed on the accounts in `division` (itself and below; None: all),
    in recording order — the order they were closed, so each account's latest is last."""
    rows = rows_after(cur, schema.CLOSES, within(division), 0, MOST_CLOSES)
    return [close_item(r) for r in rows]


def close_item(r: Any) -> dict[str, Any]:
    return {
        "account": {"source": r["source"], "division": r["division"]},
        "period": r["period"], "closed_on": r["closed_on"],
        "closed_through": r["closed_through"],
        "closing_balance": yuan(int(r["closing_balance"])),
        "recorded_by": r["recorded_by"], "recorded_at": r["recorded_at"],
        "position": int(r["position"]),
    }  # fmt: skip
