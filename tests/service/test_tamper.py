"""Tamper evidence: editing, deleting, reordering or inserting a stored event — directly
in the SQLite file or the PostgreSQL table — is found by verify at the right position;
a chain row edited to match is found too; a checkpoint kept outside proves extension."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

import pytest

from adapters.sql import ViewStore
from audit.chain import SECTION, Sealer, event_hash
from audit.verify import checkpoint, verify
from service.intake import record_json
from service.ledger import Ledger
from tests import builders as b

pytestmark = pytest.mark.both_stores  # the audit chain


def history(ledger: Ledger, workers: int = 5) -> None:
    employer = b.organisation(ledger)
    for _ in range(workers):
        worker = b.worker(ledger)
        b.placement(ledger, worker, employer)


def sql(ledger: Ledger, statement: str, params: tuple[Any, ...] = ()) -> list[Any]:
    store = ViewStore(ledger.recorder)
    table = "jobaid_events" if store.postgres else "stored_events"
    position = "notification_id" if store.postgres else "rowid"
    statement = statement.format(table=table, position=position)
    with store.transaction() as cur:
        cur.execute(statement, params)
        try:
            return list(cur.fetchall())
        except Exception:  # a statement without rows
            return []


def test_an_untouched_sealed_ledger_verifies(ledger: Ledger) -> None:
    history(ledger)
    head = Sealer(ledger.store).seal()
    result = verify(ledger.store)
    assert result["ok"], result
    assert result["checked"] == head and result["unsealed"] == 0


def edit(ledger: Ledger, position: int) -> None:
    sql(ledger, "UPDATE {table} SET state = ? WHERE {position} = ?", (b"not json at all", position))


def delete(ledger: Ledger, position: int) -> None:
    sql(ledger, "DELETE FROM {table} WHERE {position} = ?", (position,))


def reorder(ledger: Ledger, position: int) -> None:
    """Swap the content of two adjacent events of different aggregates."""
    rows = sql(
        ledger,
        "SELECT {position} AS p, topic, state FROM {table} WHERE {position} IN (?, ?)",
        (position, position + 1),
    )
    first, second = sorted(rows, key=lambda row: row["p"])
    sql(
        ledger,
        "UPDATE {table} SET topic = ?, state = ? WHERE {position} = ?",
        (second["topic"], second["state"], position),
    )
    sql(
        ledger,
        "UPDATE {table} SET topic = ?, state = ? WHERE {position} = ?",
        (first["topic"], first["state"], position + 1),
    )


def edit_state_byte(ledger: Ledger, position: int) -> None:
    """A one-character change that still decodes: a different name."""
    (row,) = sql(ledger, "SELECT state FROM {table} WHERE {position} = ?", (position,))
    state = bytes(row["state"]).replace("张三".encode(), "李四".encode())
    sql(ledger, "UPDATE {table} SET state = ? WHERE {position} = ?", (state, position))


@pytest.mark.parametrize(
    ("tamper", "detail"),
    [(edit, "does not decode"), (edit_state_byte, "edited"), (delete, "deleted"), (reorder, "")],
    ids=["edit-garbage", "edit-quietly", "delete", "reorder"],
)
def test_verify_names_the_first_tampered_position(
    ledger: Ledger, tamper: Callable[[Ledger, int], None], detail: str
) -> None:
    history(ledger)
    Sealer(ledger.store).seal()
    target = worker_registered_position(ledger)
    tamper(ledger, target)
    result = verify(ledger.store)
    assert not result["ok"]
    assert result["first_bad_position"] == target
    assert detail in result["detail"]


def test_an_event_inserted_inside_the_sealed_history_is_found(ledger: Ledger) -> None:
    history(ledger)
    head = Sealer(ledger.store).seal()
    (row,) = sql(ledger, "SELECT * FROM {table} WHERE {position} = ?", (head,))
    # Make room at position 3 as an attacker would, then insert a copy there.
    store = ViewStore(ledger.recorder)
    for position in range(head, 2, -1):
        sql(
            ledger,
            "UPDATE {table} SET {position} = ? WHERE {position} = ?",
            (position + 1, position),
        )
    columns = "notification_id, " if store.postgres else "rowid, "
    sql(
        ledger,
        "INSERT INTO {table} ("
        + columns
        + "originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?, ?)",
        (3, row["originator_id"], row["originator_version"] + 100, row["topic"], row["state"]),
    )
    result = verify(ledger.store)
    assert not result["ok"]
    assert result["first_bad_position"] == 3


def test_a_chain_row_rewritten_to_match_an_edit_is_found(ledger: Ledger) -> None:
    history(ledger)
    Sealer(ledger.store).seal()
    target = worker_registered_position(ledger)
    edit_state_byte(ledger, target)
    # The attacker recomputes the edited event's own hash in the chain table.
    (row,) = sql(ledger, "SELECT * FROM {table} WHERE {position} = ?", (target,))
    new = event_hash(
        target,
        UUID(str(row["originator_id"])),
        row["originator_version"],
        row["topic"],
        bytes(row["state"]),
    )
    sql(ledger, "UPDATE audit_chain SET event_hash = ? WHERE position = ?", (new, target))
    result = verify(ledger.store)
    assert not result["ok"] and result["first_bad_position"] == target


def test_a_checkpoint_kept_outside_proves_the_history_extends_it(ledger: Ledger) -> None:
    history(ledger)
    kept = checkpoint(ledger.store, "审计员 王")
    kept.pop("digest")
    history(ledger, workers=2)
    Sealer(ledger.store).seal()
    assert verify(ledger.store, kept)["ok"]
    forged = {**kept, "chain_hash": "0" * 64}
    result = verify(ledger.store, forged)
    assert not result["ok"] and result["first_bad_position"] == kept["position"]


def test_events_recorded_after_the_last_seal_are_reported_unsealed(ledger: Ledger) -> None:
    history(ledger, workers=1)
    head = Sealer(ledger.store).seal()
    history(ledger, workers=1)
    result = verify(ledger.store)
    assert result["ok"] and result["sealed_through"] == head
    assert result["unsealed"] == ledger.recorder.max_notification_id() - head > 0


def worker_registered_position(ledger: Ledger) -> int:
    rows = sql(
        ledger,
        "SELECT {position} AS p FROM {table} WHERE topic = ? ORDER BY {position}",
        ("jobaid:WorkerRegistered",),
    )
    return int(rows[2]["p"])


def test_an_untouched_ledger_of_thousands_of_events_verifies(ledger: Ledger) -> None:
    """10,000 events — five of the sealer's sections — on SQLite; on PostgreSQL 2,500,
    which still crosses a section boundary and ends in a part section, where a chain
    that lost or repeated a link at the seam would show."""
    batches = 5 if ledger.settings.database_url.startswith("sqlite") else 2
    for batch in range(batches):
        items = [
            {
                "event_id": f"e-{batch}-{n}",
                "type": "OrganisationRegistered",
                "data": {
                    "org_id": f"o-{batch}-{n}",
                    "name": "单位",
                    "division": "430102",
                    "kind": "enterprise",
                },
            }
            for n in range(625 if batches == 2 else 1000)
        ]
        record_json(ledger, items, "clerk")
    events = ledger.recorder.max_notification_id()
    assert events == batches * len(items) * 2 and events > SECTION
    sealed = Sealer(ledger.store).seal()
    assert sealed == events
    result = verify(ledger.store)
    assert result["ok"] and result["checked"] == events


def test_the_audit_trail_names_who_recorded_each_fact_and_when(ledger: Ledger) -> None:
    from audit.trail import trail

    worker = b.worker(ledger)
    b.post(
        ledger,
        "WorkerSurveyed",
        by="surveyor-7",
        worker_id=worker,
        surveyed_on="2018-01-02",
        surveyor="李四",
        status="unemployed",
        willing_to_work=True,
        service_needs=[],
    )
    rows = trail(ledger.store, worker)
    assert [row["fact"] for row in rows] == ["WorkerRegistered", "WorkerSurveyed"]
    assert rows[1]["recorded_by"] == "surveyor-7"
    assert rows[0]["position"] < rows[1]["position"]
    assert "id_number_hash" not in rows[0]["data"]


def test_verify_keeps_memory_flat_reading_evicted_heads_back_from_the_chain(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    import audit.verify

    monkeypatch.setattr(audit.verify, "HEADS_KEPT", 2)
    history(ledger, workers=6)  # each worker has two versions, far apart in the log
    Sealer(ledger.store).seal()
    assert verify(ledger.store)["ok"]
    target = worker_registered_position(ledger)
    edit_state_byte(ledger, target)
    result = verify(ledger.store)
    assert not result["ok"] and result["first_bad_position"] == target
