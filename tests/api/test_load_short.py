"""A short run of the load and soak test (`make load` runs it for 10 minutes): mixed HTTP
traffic against a real `jobaid serve` on PostgreSQL, then every invariant checked."""

from __future__ import annotations

import os

import pytest

from bench.load import run_load
from tests.conftest import POSTGRES_URL


@pytest.mark.timeout(300)
def test_a_short_load_keeps_every_invariant(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bench.stores.POSTGRES_URL", POSTGRES_URL)
    seconds = float(os.environ.get("LOAD_SHORT_SECONDS", "25"))
    report = run_load(seconds, clients=8, max_requests=20_000)
    print(report.summary())
    assert report.requests > 100, report.summary()
    assert report.ok, report.summary()
    assert not any(code >= 500 for code in report.statuses), report.summary()
