"""Catch-up reads only the events a read model needs (a topic filter in SQL) and decodes
them from their JSON: a section passes over the positions it leaves out without skipping
any event, never goes past the head it was given, and the plain decoding writes what the
library's mapper would — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from projections import Projections
from projections.decoding import instant, plain_fields
from projections.eventlog import select_events
from projections.replay import replay_balances
from projections.runner import SPAN, TOPICS
from service.ledger import Ledger
from tests import builders as b
from tests.projection_support import Scenario, populate, snapshot
from tests.world import payment_cycle

pytestmark = pytest.mark.both_stores  # read models

JISHOU = "433101"


@pytest.fixture
def scenario(ledger: Ledger) -> Scenario:
    scenario = Scenario(ledger)
    for month in range(1, 7):
        scenario.appropriate(JISHOU, 100_000, date(2018, month, 1))
    return scenario


def unread(ledger: Ledger, standards: int) -> None:
    """Facts no read model takes (a transport standard): positions to pass over."""
    for n in range(standards):
        b.transport_standard(ledger, f"{300 + n}.00", effective_from=f"2016-01-{n + 1:02d}")


def test_a_short_section_covers_its_stop_and_a_full_one_ends_at_its_last_event(
    ledger: Ledger, scenario: Scenario
) -> None:
    unread(ledger, 3)
    projections = Projections(ledger.store, batch_size=2)
    try:
        head = projections.store.head()
        full = projections.runner.read(0, head)
        assert len(full.events) == 2 and full.end == full.events[-1][0]
        last_event = select_events(projections.store, 0, head, TOPICS, 10_000)[-1][0]
        short = projections.runner.read(last_event - 1, head)
        assert [position for position, _, _ in short.events] == [last_event]
        assert short.end == min(head, last_event - 1 + SPAN * 2) > last_event
        projections.catch_up()
        assert projections.position() == head  # the trailing organisations passed over
    finally:
        projections.close()


def test_events_committed_after_the_head_was_read_are_not_skipped(
    ledger: Ledger, scenario: Scenario
) -> None:
    projections = Projections(ledger.store, batch_size=4)
    try:
        stale = projections.store.head()
        unread(ledger, 2)
        scenario.appropriate(JISHOU, 7_700, date(2017, 9, 1))  # back-dated, after the head
        # A step that read its head before those commits covers no position after it.
        projections.store.head = lambda: stale  # type: ignore[method-assign]
        projections.catch_up()
        assert projections.position() == stale
        del projections.store.head
        projections.catch_up()
        assert projections.accounts() == replay_balances(ledger.store)
        assert projections.accounts(as_of=date(2017, 12, 31)) == replay_balances(
            ledger.store, as_of=date(2017, 12, 31)
        )
    finally:
        projections.close()


def test_plain_decoding_writes_what_the_library_mapper_would(ledger: Ledger) -> None:
    populate(ledger, payments=60)  # money, reversals, placements, courses
    placement = b.placement(ledger, b.worker(ledger), b.organisation(ledger))
    b.end_placement(ledger, placement, "2019-01-31")
    worker, agency = b.worker(ledger), b.organisation(ledger, "agency")
    b.appropriate(ledger)
    placed = b.placement(ledger, worker, b.organisation(ledger), "2017-08-01", agency_id=agency)
    payment_cycle(ledger, worker, placed)  # requests rejected, withdrawn, approved
    b.close_period(ledger, "2017-07", "2017-08-02")  # R23, last: nothing is dated before it
    plain = Projections(ledger.store, batch_size=50)
    mapped = Projections(ledger.store, batch_size=50)
    mapped.runner.decoder.plain_versions = {}  # every event through the mapper
    try:
        found = select_events(plain.store, 0, plain.store.head(), TOPICS, 100_000)
        assert {topic for _, _, _, topic, _ in found} == set(TOPICS)
        for event in found:
            # Top-level values are what handlers read; nested ones stay as stored JSON.
            fields = {
                name: value
                for name, value in plain.runner.decoder.fields(event).items()
                if not isinstance(value, list | dict)
            }
            by_mapper = mapped.runner.decoder.fields(event)
            assert fields == {k: v for k, v in by_mapper.items() if k in fields}, event
        plain.rebuild()
        answer = snapshot(plain, ledger)
        mapped.rebuild()
        assert snapshot(mapped, ledger) == answer
    finally:
        plain.close()
        mapped.close()


def test_the_events_read_are_those_the_library_selects(ledger: Ledger) -> None:
    populate(ledger, payments=20)
    unread(ledger, 3)
    projections = Projections(ledger.store)
    try:
        head = projections.store.head()
        for after, stop, topics, limit in [
            (0, head, TOPICS, 10_000),
            (5, head - 3, TOPICS[1:3], 7),
            (head // 2, head, ("jobaid:TransportStandardSet",), 2),
        ]:
            library = ledger.recorder.select_notifications(after + 1, limit, stop, list(topics))
            assert library, (after, stop, topics)
            assert select_events(projections.store, after, stop, topics, limit) == [
                (n.id, str(n.originator_id), n.originator_version, n.topic, n.state)
                for n in library
            ]
    finally:
        projections.close()


def test_a_transcoding_the_plain_reading_does_not_know_goes_to_the_mapper() -> None:
    assert plain_fields(b'{"at": {"_type_": "point_xy", "_data_": [1, 2]}}') is None
    assert plain_fields(b'{"amount": {"_type_": "decimal_str", "_data_": "1.50"}}') == {
        "amount": Decimal("1.50")
    }
    assert plain_fields(b'{"claims": {"_type_": "x", "other": 1}}') == {
        "claims": {"_type_": "x", "other": 1}
    }


def test_instants_read_as_fixed_width_utc_text() -> None:
    assert instant("2020-01-01T00:00:00+00:00") == "2020-01-01T00:00:00.000000+00:00"
    assert instant("2020-01-01T08:00:00.5+08:00") == "2020-01-01T00:00:00.500000+00:00"
    assert instant("2020-01-01T00:00:00.123456+00:00") == "2020-01-01T00:00:00.123456+00:00"
