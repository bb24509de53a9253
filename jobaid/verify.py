"""`jobaid verify` and `GET /v1/audit/verify`: re-read the whole recorded history in
order and check that every event still decodes and that each aggregate's versions run
1, 2, 3… without a gap — a deleted, reordered or corrupted row shows as the first bad
position."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any
from uuid import UUID

from jobaid.application import Ledger

SECTION = 1000


def verify(ledger: Ledger) -> dict[str, Any]:
    """{ok, checked, first_bad_position, detail} for the ledger's whole history."""
    last_version: dict[UUID, int] = {}
    checked, start = 0, 1
    while True:
        section = ledger.recorder.select_notifications(start, SECTION)
        for notification in section:
            problem = check(ledger, notification, last_version)
            if problem is not None:
                return {
                    "ok": False,
                    "checked": checked,
                    "first_bad_position": notification.id,
                    "detail": problem,
                }
            checked += 1
        if len(section) < SECTION:
            return {"ok": True, "checked": checked, "first_bad_position": None, "detail": "intact"}
        start = section[-1].id + 1


def check(ledger: Ledger, notification: Any, last_version: dict[UUID, int]) -> str | None:
    originator = notification.originator_id
    expected = last_version.get(originator, 0) + 1
    if notification.originator_version != expected:
        return f"aggregate {originator} has version {notification.originator_version} where {expected} was due"
    try:
        event = ledger.mapper.to_domain_event(notification)
    except Exception as error:  # anything that fails to decode is corruption here
        return f"event {originator} v{notification.originator_version} does not decode: {type(error).__name__}"
    if event.originator_id != originator or event.originator_version != expected:
        return f"event {originator} v{expected} decodes as another event"
    last_version[originator] = expected
    return None


def verify_command(_: argparse.Namespace) -> int:
    """Exit 0 when the history is intact, 1 naming the first bad position."""
    ledger = Ledger()
    try:
        result = verify(ledger)
    finally:
        ledger.close()
    print(json.dumps(result, ensure_ascii=False))
    if not result["ok"]:
        print(
            f"first bad position: {result['first_bad_position']}: {result['detail']}",
            file=sys.stderr,
        )
    return 0 if result["ok"] else 1
