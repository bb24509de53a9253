"""History written by earlier code reads today, on both stores.

`tests/data/history-dd0458f.jsonl` holds every stored event of a small ledger recorded by
the code of commit dd0458f (one of each event type; `history-dd0458f.py` made it, run
against that commit). Events are never rewritten, so today's code must read them as they
are: the old ID mask and facts without a token id are upcast on read, the hash chain seals
them, the projections rebuild from them, and new facts follow them."""

from __future__ import annotations

import json
from pathlib import Path
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent

from audit.chain import Sealer
from audit.verify import verify
from projections import Projections
from service.ledger import Ledger
from tests import builders as b
from tests.builders import record_one

pytestmark = pytest.mark.both_stores  # stored topics read back from each store

HISTORY = Path(__file__).parent.parent / "data" / "history-dd0458f.jsonl"


def load_history(ledger: Ledger) -> list[StoredEvent]:
    events = []
    for line in HISTORY.read_text().splitlines():
        row = json.loads(line)
        stored = StoredEvent(UUID(row["originator_id"]), row["originator_version"],
                             row["topic"], row["state"].encode())  # fmt: skip
        ledger.recorder.insert_events([stored])
        events.append(stored)
    return events


def test_every_event_recorded_by_earlier_code_reads_and_upcasts(ledger: Ledger) -> None:
    events = load_history(ledger)
    for originator in {e.originator_id for e in events}:
        assert ledger.repository.get(originator) is not None
    worker = ledger.get_worker("w-old-1")
    assert worker.id_number_masked == "43010219900307****"  # the old mask showed 1234
    history = ledger.events_of(worker.id)
    assert all(vars(e)["token_id"] is None for e in history)
    assert ledger.get_token(next(t for t in token_ids(events))).issued_by_token is None


def test_earlier_history_seals_verifies_projects_and_is_followed_by_new_facts(
    ledger: Ledger,
) -> None:
    load_history(ledger)
    seal_and_verify(ledger)
    projections = Projections(ledger.store)
    projections.rebuild()
    balances = {(a["source"], a["division"]): a["balance"] for a in projections.accounts()}
    # 100,000 each; R8 1,000 × 1.7 and R10 two days × 20 paid; R12 300 paid and reversed.
    assert balances == {
        ("employment_fund", b.HOME): "98260.00",
        ("local_treasury", b.HOME): "100000.00",
    }
    assert projections.worker("w-old-1", None)["id_number"] == "43010219900307****"  # type: ignore[index]
    # Ids of their own: the old history used the builders' ev1, ev2, ….
    record_one(ledger, "new-1", "UnemploymentRegistered",
                  {"worker_id": "w-old-1", "registered_on": "2019-01-02"}, "clerk")  # fmt: skip
    record_one(ledger, "new-2", "FundsAppropriated", {"appropriation_id": "ap-new", "amount": "1.00",
                  "source": "employment_fund", "division": b.HOME, "appropriated_on": "2019-01-02",
                  "document_ref": "湘财社〔2019〕1号"}, "finance")  # fmt: skip
    projections.catch_up()
    seal_and_verify(ledger)
    assert projections.accounts()[0]["balance"] == "98261.00"


def seal_and_verify(ledger: Ledger) -> None:
    Sealer(ledger.store).seal()
    result = verify(ledger.store)
    assert result["ok"] and result["unsealed"] == 0, result


def token_ids(events: list[StoredEvent]) -> list[str]:
    return [json.loads(e.state)["token_id"] for e in events if e.topic == "jobaid:TokenIssued"]
