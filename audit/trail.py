"""`jobaid audit trail --worker W`: a worker's whole recorded history in order — each fact
with its business dates, who recorded it (谁摸查、谁负责: the token's subject, the token,
and who issued that token), when, and its position — and the payment cycle of every
subsidy claimed for the worker: each request, approval, rejection or withdrawal and each
payment and reversal, in the order they were recorded.

Those live on their own aggregates; the worker's claims (R18–R20) name each of them: every
request and payment for a worker claims under its own id on the worker's Claims, and
the claim stays in that history after it is released."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from eventsourcing.persistence import StoredEvent

from adapters.eventstore import EventStore, events_of_many
from domain import ids
from domain.errors import NotFound
from domain.tokens import Token

CLAIMED = "jobaid:EntitlementsClaimed"
HIDDEN = {"originator_id", "originator_version", "timestamp", "originator_topic", "id_number_hash"}


def worker_events(events: EventStore, worker_id: str) -> list[tuple[StoredEvent, int]]:
    """The worker's own events and its payment cycle's, each with its position, in order."""
    claims = events_of_many(events.recorder, [ids.claims_uuid(f"worker:{worker_id}")])
    holders = {
        str(getattr(events.mapper.to_domain_event(stored), "payment_id", ""))
        for stored, _ in claims
        if stored.topic == CLAIMED
    }
    cycle = {aggregate for h in holders for aggregate in (ids.request_uuid(h), ids.payment_uuid(h))}  # fmt: skip
    found = events_of_many(events.recorder, [ids.worker_uuid(worker_id), *cycle])
    return sorted(found, key=lambda pair: pair[1])


def trail(events: EventStore, worker_id: str) -> list[dict[str, Any]]:
    rows = []
    tokens: dict[str | None, dict[str, Any] | None] = {}  # a token is read once per trail
    for stored, position in worker_events(events, worker_id):
        event: Any = events.mapper.to_domain_event(stored)
        fields = {k: _plain(v) for k, v in vars(event).items() if k not in HIDDEN}
        rows.append(
            {
                "position": position,
                "version": event.originator_version,
                "fact": stored.topic.split(":", 1)[-1],
                "recorded_at": event.timestamp.isoformat(),
                "recorded_by": fields.pop("recorded_by", None),
                "token": _token(events, tokens, fields.pop("token_id", None)),
                "event_id": fields.pop("event_id", None),
                "data": fields,
            }
        )
    if not rows:
        raise NotFound(f"unknown worker {worker_id}")
    return rows


def _token(
    events: EventStore, seen: dict[str | None, dict[str, Any] | None], token_id: str | None
) -> dict[str, Any] | None:
    if token_id not in seen:
        seen[token_id] = recorded_with(events, token_id)
    return seen[token_id]


def recorded_with(events: EventStore, token_id: str | None) -> dict[str, Any] | None:
    """The token a fact was recorded with, and who issued that token (subject and
    token): a subject is a label, the chain of tokens is the proof."""
    if token_id is None:
        return None
    token = events.get(ids.derived("token", token_id), Token)
    return {
        "token_id": token_id,
        "issued_by": token.issued_by if token else None,
        "issued_by_token": token.issued_by_token if token else None,
    }


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def render(rows: list[dict[str, Any]]) -> str:
    lines = []
    for row in rows:
        data = json.dumps(row["data"], ensure_ascii=False, sort_keys=True)
        token = row["token"]
        with_token = (
            f"{token['token_id']} (issued by {token['issued_by'] or '?'})" if token else "-"
        )
        lines.append(
            f"{row['position']:>8}  v{row['version']:<4} {row['recorded_at']}  "
            f"{row['recorded_by'] or '-':<20} {with_token:<36} {row['fact']:<28} {data}"
        )
    return "\n".join(lines)
