"""Every event type the service can store is readable by every entry point, in a fresh
process, on both stores. `jobaid verify` once called an intact ledger tampered
(`TopicError`) because its process never imported the module of one stored event."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
from eventsourcing.domain import Aggregate

import domain
from domain import registry
from projections import Projections
from service.ledger import Ledger
from tests.world import record_every_event_type

pytestmark = pytest.mark.both_stores  # every stored event type read back from each store

CLI = [sys.executable, "-m", "cli"]
# Declared so that the library's default creation event of these aggregates has a stable
# topic; they are created by their own `Registered` events, so these are never stored.
NEVER_STORED = {"jobaid:Worker.Created", "jobaid:Organisation.Created"}


def test_every_aggregate_in_the_domain_is_on_the_registry() -> None:
    """The registry is the one list the store's topics resolve from: a new aggregate
    left off it would be unreadable by a process that never imported its module."""
    found = set()
    for module in pkgutil.walk_packages(domain.__path__, "domain."):
        for _, value in inspect.getmembers(importlib.import_module(module.name), inspect.isclass):
            if issubclass(value, Aggregate) and value.__module__.startswith("domain."):
                found.add(value)
    assert found == set(registry.AGGREGATES)


def stored_topics(ledger: Ledger) -> set[str]:
    notifications = ledger.recorder.select_notifications(1, 100_000)
    return {n.topic for n in notifications}


def test_every_entry_point_reads_every_event_type_in_a_fresh_process(
    ledger: Ledger, database_url: str, tmp_path: Path
) -> None:
    worker = record_every_event_type(ledger, tmp_path)
    topics = registry.event_classes()
    bases = {t for t, c in topics.items() if any(o is not c and issubclass(o, c) for o in topics.values())}  # fmt: skip
    assert set(topics) - bases - NEVER_STORED <= stored_topics(ledger), "the world misses a type"
    env = {**os.environ, "JOBAID_DATABASE_URL": database_url, "JOBAID_PII_KEY": "test-pii-key"}

    def run(*args: str) -> str:
        done = subprocess.run([*CLI, *args], env=env, cwd=tmp_path, capture_output=True,
                              text=True, timeout=120)  # fmt: skip
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done.stdout

    verified = json.loads(run("verify"))
    assert verified["ok"] and verified["checked"] == ledger.recorder.max_notification_id()
    assert run("replay", "--as-of", "2017-12-31").strip()
    assert "rebuilt projections" in run("rebuild")
    trail = json.loads(run("audit", "trail", "--worker", worker, "--json"))
    assert {row["fact"] for row in trail} >= {"WorkerRegistered", "WorkerSurveyed", "WorkerPlaced"}
    # The worker's payment cycle, recorded on its own aggregates, is in the trail too.
    assert {row["fact"] for row in trail} >= {
        "PaymentRequested", "PaymentRequestRejected", "PaymentRequestWithdrawn",
        "PaymentRequestApproved", "SubsidyPaid", "PaymentReversed",
    }  # fmt: skip
    # What the fresh process rebuilt, the read models show: every request's last status.
    projections = Projections(ledger.store)
    try:
        listed = projections.payment_requests(0, 10)
    finally:
        projections.close()
    assert [(r["status"], r["approved_by"]) for r in listed] == [
        ("rejected", []),
        ("withdrawn", []),
        ("approved", ["finance.w", "finance.v"]),
        ("approved", ["finance.w"]),  # the payment run's one request
    ]
