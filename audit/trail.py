"""`jobaid audit trail --worker W`: a worker's whole recorded history in order — each fact
with its business dates, who recorded it (谁摸查、谁负责: the token's subject, the token,
and who issued that token), when, and its position."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from adapters.eventstore import EventStore, events_of_many
from domain import ids
from domain.errors import NotFound
from domain.tokens import Token

HIDDEN = {"originator_id", "originator_version", "timestamp", "originator_topic", "id_number_hash"}


def trail(events: EventStore, worker_id: str) -> list[dict[str, Any]]:
    worker_uuid = ids.worker_uuid(worker_id)
    rows = []
    for stored, position in events_of_many(events.recorder, [worker_uuid]):
        event: Any = events.mapper.to_domain_event(stored)
        fields = {k: _plain(v) for k, v in vars(event).items() if k not in HIDDEN}
        rows.append(
            {
                "position": position,
                "version": event.originator_version,
                "fact": stored.topic.split(":", 1)[-1],
                "recorded_at": event.timestamp.isoformat(),
                "recorded_by": fields.pop("recorded_by", None),
                "token": recorded_with(events, fields.pop("token_id", None)),
                "event_id": fields.pop("event_id", None),
                "data": fields,
            }
        )
    if not rows:
        raise NotFound(f"unknown worker {worker_id}")
    return rows


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
