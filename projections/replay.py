"""Account balances folded straight from the recorded events — not from the projection
tables — for `jobaid replay` and as the oracle the projection is checked against."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from adapters.eventstore import EventStore
from adapters.progress import Progress, ignored
from projections.accounts import account_row
from projections.changes import stamp
from projections.money import to_fen

OPENED = "jobaid:AccountOpened"
# Each money event: the field holding its business date, and the total it moves
# (0 appropriated, 1 paid, 2 reversed).
MONEY = {
    "jobaid:FundsAppropriated": ("appropriated_on", 0),
    "jobaid:PaymentDebited": ("paid_on", 1),
    "jobaid:PaymentCredited": ("reversed_on", 2),
}
ACCOUNT_TOPICS = (OPENED, *MONEY)
SECTION = 1000


def account_events(events: EventStore, progress: Progress = ignored) -> Iterator[tuple[str, Any]]:
    """The account events in log order, a section at a time; the position read so far
    goes to `progress`."""
    head = events.recorder.max_notification_id() or 0
    start = 1
    while True:
        notifications = events.recorder.select_notifications(
            start=start, limit=SECTION, topics=ACCOUNT_TOPICS
        )
        for notification in notifications:
            yield notification.topic, events.mapper.to_domain_event(notification)
        if len(notifications) < SECTION:
            progress(head, head)
            return
        start = notifications[-1].id + 1
        progress(min(start - 1, head), head)


def replay_balances(
    events: EventStore,
    as_of: date | None = None,
    known_at: datetime | None = None,
    progress: Progress = ignored,
) -> list[dict[str, Any]]:
    """The same answer as `Projections.accounts(as_of, known_at)`, by brute force."""
    cutoff = None if known_at is None else stamp(known_at)
    accounts: dict[Any, tuple[str, str]] = {}
    figures: dict[tuple[str, str], list[int]] = {}
    for topic, e in account_events(events, progress):
        if cutoff is not None and stamp(e.timestamp) > cutoff:
            continue
        if topic == OPENED:
            accounts[e.originator_id] = (e.source, e.division)
            figures.setdefault((e.source, e.division), [0, 0, 0])
            continue
        day, column = business_day(topic, e)
        if as_of is None or day <= as_of:
            figures[accounts[e.originator_id]][column] += to_fen(e.amount)
    return [account_row(s, d, (f[0], f[1], f[2])) for (s, d), f in sorted(figures.items())]


def business_day(topic: str, e: Any) -> tuple[date, int]:
    """The event's business date and which total it moves (appropriated, paid, reversed)."""
    field, column = MONEY[topic]
    return getattr(e, field), column
