"""The PostgreSQL recorder's array insert (jobaid/pgstore.py): every event of a save
lands at the position the ledger answers, in order, and a duplicate still collides."""

from __future__ import annotations

from uuid import UUID

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from adapters.pgstore import ArrayInsertRecorder
from adapters.settings import Settings
from service.intake import record_json
from service.ledger import Ledger
from tests.builders import HOME, id_number


def test_a_batch_is_stored_in_order_at_the_positions_answered(postgres_url: str) -> None:
    ledger = Ledger(Settings(postgres_url, b"k"))
    try:
        assert isinstance(ledger.recorder, ArrayInsertRecorder)
        facts = [
            {"event_id": f"e{n}", "type": "WorkerRegistered",
             "data": {"worker_id": f"w{n}", "name": "张三", "id_number": id_number(serial=n),
                      "birth_date": "1990-03-07", "home_division": HOME, "registered_on": "2017-01-01"}}
            for n in range(300)
        ]  # fmt: skip
        answers = record_json(ledger, facts, "clerk")
        stored = {n.id: n for n in ledger.recorder.select_notifications(start=1, limit=10_000)}
        positions = [a.position for a in answers]
        assert positions == sorted(positions)
        for answer in answers:
            notification = stored[answer.position]
            assert (UUID(str(notification.originator_id)), notification.originator_version) == (
                answer.aggregate_id,
                answer.version,
            )
            assert notification.topic == "jobaid:WorkerRegistered"
            event = ledger.mapper.to_domain_event(notification)
            assert event.event_id == answer.event_id  # type: ignore[attr-defined]
    finally:
        ledger.close()


def test_a_second_event_at_the_same_version_collides(postgres_url: str) -> None:
    ledger = Ledger(Settings(postgres_url, b"k"))
    try:
        event = StoredEvent(UUID(int=7), 1, "jobaid:Anything", b"{}")
        ledger.recorder.insert_events([event])
        with pytest.raises(IntegrityError):
            ledger.recorder.insert_events([StoredEvent(UUID(int=8), 1, "t", b"{}"), event])
        assert ledger.recorder.max_notification_id() == 1
    finally:
        ledger.close()
