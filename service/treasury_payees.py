"""Who a treasury line pays, in the ledger's terms: the payee ids its ID number, credit
code, payee id or — only when it carries none of those — its name names, and by which
key. An ID number is found through the keyed hash registration reserved (Key "person"),
a credit code through its Key "credit_code": the same keys that keep one person or one
organisation from being registered twice (R24) find them here.

A line that carries an ID number or a credit code is never matched by name: when the
number names nobody in the ledger, the line names no payee, and the report says so — a
name shared by two people must not pay one for the other.

Names and owners are read from the creating events of the payees and keys, all in one
query each (a name is set at registration and never changed): a year's file names
thousands of payees, and replaying each aggregate cost ~5 ms apiece."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from typing import Any
from uuid import UUID

from adapters.eventstore import first_events
from domain import ids
from domain.reconciliation import LedgerEntry, TreasuryLine
from service.ledger import Ledger


def name_key(name: str) -> str:
    """A name as compared: width-folded (（） and () alike), without spaces, case-folded."""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


def created(ledger: Ledger, wanted: Iterable[UUID]) -> dict[UUID, Any]:
    """The creating event of each of these aggregates that exists, decoded."""
    stored = first_events(ledger.recorder, set(wanted))
    return {uuid: ledger.mapper.to_domain_event(event) for uuid, event in stored.items()}


def payee_names(ledger: Ledger, payee_ids: Iterable[str]) -> dict[str, str]:
    """Each payee's name as registered ("" for an unknown payee)."""
    payees = set(payee_ids)
    found = registrations(ledger, payees)
    return {payee: str(getattr(found.get(payee), "name", "")) for payee in payees}


def registrations(ledger: Ledger, payee_ids: Iterable[str]) -> dict[str, Any]:
    """Each known payee's registration event: an organisation's, else a worker's (a
    payment's payee is one of its organisations or its worker, as service.payments
    decides), all in one query."""
    payees = set(payee_ids)
    organisations = {payee: ids.organisation_uuid(payee) for payee in payees}
    workers = {payee: ids.worker_uuid(payee) for payee in payees}
    stored = first_events(ledger.recorder, [*organisations.values(), *workers.values()])
    found = {}
    for payee in payees:
        event = stored.get(organisations[payee]) or stored.get(workers[payee])
        if event is not None:
            found[payee] = ledger.mapper.to_domain_event(event)
    return found


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
    owners = key_owners(ledger, lines)
    found = []
    for line in lines:
        key, payees = _payees(line, owners, known, by_name)
        found.append(replace(line, key=key, payees=frozenset(payees)))
    return found


def key_owners(ledger: Ledger, lines: list[TreasuryLine]) -> dict[UUID, str]:
    """Who reserved each ID number's and credit code's key the lines carry."""
    keys = [ids.key_uuid("person", line.id_hash) for line in lines if line.id_hash]
    keys += [ids.key_uuid("credit_code", line.credit_code) for line in lines if line.credit_code]
    return {uuid: str(event.owner) for uuid, event in created(ledger, keys).items()}


def _payees(
    line: TreasuryLine, owners: dict[UUID, str], known: set[str], by_name: dict[str, set[str]]
) -> tuple[str | None, set[str]]:
    if line.id_hash is not None:
        owner = owners.get(ids.key_uuid("person", line.id_hash))
        return "id_number", {owner} if owner else set()
    if line.credit_code is not None:
        owner = owners.get(ids.key_uuid("credit_code", line.credit_code))
        return "credit_code", {owner} if owner else set()
    if line.payee_id is not None:
        return "payee_id", {line.payee_id}
    if line.payee in known:  # a file that names payees by our own ids
        return "payee_id", {line.payee}
    if line.payee:
        return "name", set(by_name.get(name_key(line.payee), ()))
    return None, set()
