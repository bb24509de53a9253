"""Finding a worker by resident ID number: the number is hashed with the ledger's PII key
and the person's key read (the ledger never keeps the number in clear), then the worker
is shown only if the caller may read it. Not registered and out of scope answer alike, so
the look-up does not tell who is registered elsewhere."""

from __future__ import annotations

from adapters.settings import hash_id_number
from domain import ids
from domain.id_numbers import parse_id_number
from domain.keys import Key
from domain.worker import Worker
from service.access import READS_EVERYTHING, Access
from service.ledger import Ledger


def worker_by_id_number(ledger: Ledger, access: Access, id_number: str) -> str | None:
    """The worker id registered for the person, if the caller may read that worker."""
    number = parse_id_number("id_number", id_number)
    key_id = ids.key_uuid("person", hash_id_number(ledger.settings.pii_key, number))
    key = ledger.store.get(key_id, Key)
    worker = ledger.store.get(ids.worker_uuid(key.owner), Worker) if key is not None else None
    if worker is None:
        return None
    if access.role not in READS_EVERYTHING and not access.covers(worker.home_division):
        return None
    return worker.worker_id
