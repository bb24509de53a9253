"""Aggregate ids derived from business ids, so that a second creation of the same thing
collides in the store (IntegrityError) instead of needing a lock."""

from __future__ import annotations

from functools import lru_cache
from uuid import UUID, uuid5

NAMESPACE = UUID("6f1d8c3e-2b7a-5e59-9a43-4a1c0d2e7b10")


@lru_cache(maxsize=16384)
def derived(kind: str, *parts: str) -> UUID:
    """The aggregate id of the `kind` thing named by `parts`. Cached: a command derives
    the same ids several times (to prefetch, to find, to create)."""
    return uuid5(NAMESPACE, "/".join((kind, *parts)))


def worker_uuid(worker_id: str) -> UUID:
    return derived("worker", worker_id)


def organisation_uuid(org_id: str) -> UUID:
    return derived("organisation", org_id)


def account_uuid(source: str, division: str) -> UUID:
    return derived("account", source, division)


def payment_uuid(payment_id: str) -> UUID:
    return derived("payment", payment_id)


def request_uuid(request_id: str) -> UUID:
    """A payment request (maker-checker); its payment, once approved, is payment_uuid."""
    return derived("payment-request", request_id)


def run_uuid(run_id: str) -> UUID:
    return derived("payment-run", run_id)


def claims_uuid(subject: str) -> UUID:
    return derived("claims", subject)


def key_uuid(namespace: str, value: str) -> UUID:
    return derived("key", namespace, value)


def receipt_uuid(kind: str, key: str) -> UUID:
    return derived("receipt", kind, key)


REFERENCE_ID = derived("reference-data")
