"""Who a treasury line pays, in the ledger's terms: the payee ids its ID number, credit
code, payee id or — only when it carries none of those — its name names, and by which
key. An ID number is found through the keyed hash registration reserved (Key "person"),
a credit code through its Key "credit_code": the same keys that keep one person or one
organisation from being registered twice (R24) find them here.

A line that carries an ID number or a credit code is never matched by name: when the
number names nobody in the ledger, the line names no payee, and the report says so — a
name shared by two people must not pay one for the other."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from domain import ids
from domain.keys import Key
from domain.organisation import Organisation
from domain.reconciliation import LedgerEntry, TreasuryLine
from domain.worker import Worker
from service.ledger import Ledger


def name_key(name: str) -> str:
    """A name as compared: width-folded (（） and () alike), without spaces, case-folded."""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


def payee_names(ledger: Ledger, payee_ids: Iterable[str]) -> dict[str, str]:
    """Each payee's name as registered: an organisation's, else a worker's (a payment's
    payee is one of its organisations or its worker, as service.payments decides)."""
    names = {}
    for payee_id in set(payee_ids):
        organisation = ledger.store.get(ids.organisation_uuid(payee_id), Organisation)
        if organisation is not None:
            names[payee_id] = str(organisation.name)
            continue
        worker = ledger.store.get(ids.worker_uuid(payee_id), Worker)
        names[payee_id] = str(worker.name) if worker is not None else ""
    return names


def named(ledger: Ledger, entries: list[LedgerEntry]) -> list[LedgerEntry]:
    """The entries with their payees' names."""
    names = payee_names(ledger, (entry.payee_id for entry in entries))
    return [replace(entry, payee_name=names[entry.payee_id]) for entry in entries]


def resolved(
    ledger: Ledger, lines: list[TreasuryLine], entries: list[LedgerEntry]
) -> list[TreasuryLine]:
    """The lines, each with the key that names its payee and the payee ids it names."""
    by_name: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        by_name[name_key(entry.payee_name)].add(entry.payee_id)
    known = {entry.payee_id for entry in entries}
    owners = Owners(ledger)
    found = []
    for line in lines:
        key, payees = _payees(line, owners, known, by_name)
        found.append(replace(line, key=key, payees=frozenset(payees)))
    return found


def _payees(
    line: TreasuryLine, owners: Owners, known: set[str], by_name: dict[str, set[str]]
) -> tuple[str | None, set[str]]:
    if line.id_hash is not None:
        return "id_number", owners.of("person", line.id_hash)
    if line.credit_code is not None:
        return "credit_code", owners.of("credit_code", line.credit_code)
    if line.payee_id is not None:
        return "payee_id", {line.payee_id}
    if line.payee in known:  # a file that names payees by our own ids
        return "payee_id", {line.payee}
    if line.payee:
        return "name", set(by_name.get(name_key(line.payee), ()))
    return None, set()


class Owners:
    """Who reserved each key, each looked up once."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.found: dict[tuple[str, str], set[str]] = {}

    def of(self, namespace: str, value: str) -> set[str]:
        if (namespace, value) not in self.found:
            key = self.ledger.store.get(ids.key_uuid(namespace, value), Key)
            self.found[namespace, value] = {str(key.owner)} if key is not None else set()
        return self.found[namespace, value]
