"""Exactly once: a projection that crashes mid-batch, a process killed with SIGKILL, and
several processes projecting one database all end with the figures of a clean rebuild;
and a live projection equals a rebuild byte for byte."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from projections import Projections
from projections.replay import replay_balances
from service.ledger import Ledger
from tests.conftest import PII_KEY
from tests.projection_support import populate, snapshot

pytestmark = pytest.mark.both_stores  # read models resuming after a crash

ROOT = Path(__file__).resolve().parents[2]


class Crash(Exception):
    pass


def clean_rebuild(ledger: Ledger) -> str:
    fresh = Projections(ledger.store)
    fresh.rebuild()
    answer = snapshot(fresh, ledger)
    fresh.close()
    return answer


def test_a_crash_mid_batch_resumes_without_double_counting(ledger: Ledger) -> None:
    populate(ledger, payments=80)
    crashing = Projections(ledger.store, batch_size=25)
    seen: list[int] = []

    def crash_after_100(position: int) -> None:
        seen.append(position)
        if len(seen) == 100:
            raise Crash

    crashing.runner.before_event = crash_after_100
    with pytest.raises(Crash):
        crashing.catch_up()
    reached = crashing.position()
    assert 0 < reached < seen[-1]  # whole batches committed, the crashed one not at all
    crashing.close()

    restarted = Projections(ledger.store, batch_size=25)
    restarted.catch_up()
    resumed = snapshot(restarted, ledger)
    assert resumed == clean_rebuild(ledger)
    assert restarted.accounts() == replay_balances(ledger.store)


def test_a_killed_projection_process_resumes_to_the_same_figures(
    database_url: str, ledger: Ledger
) -> None:
    populate(ledger, payments=300)
    head = ledger.recorder.max_notification_id() or 0
    env = {
        **os.environ,
        "JOBAID_DATABASE_URL": database_url,
        "JOBAID_PII_KEY": PII_KEY.decode(),
        "JOBAID_PROJECTION_BATCH": "3",
        "PYTHONPATH": str(ROOT),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", "project"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    watcher = Projections(ledger.store)
    try:
        deadline = time.monotonic() + 30
        while watcher.position() < head // 3 and time.monotonic() < deadline:
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(10)
    killed_at = watcher.position()
    assert 0 < killed_at < head, "the kill should land mid-way"
    watcher.catch_up()
    assert snapshot(watcher, ledger) == clean_rebuild(ledger)
    watcher.close()


def test_several_projectors_on_one_database_do_not_double_count(
    make_ledger: Callable[[], Ledger],
) -> None:
    writer = make_ledger()
    populate(writer, payments=150)
    projectors = [Projections(make_ledger().store, batch_size=5) for _ in range(3)]
    errors: list[BaseException] = []

    def run(p: Projections) -> None:
        try:
            p.catch_up()
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(p,)) for p in projectors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert snapshot(projectors[0], writer) == clean_rebuild(writer)
    for p in projectors:
        p.close()


def test_live_projection_equals_a_rebuild_byte_for_byte(ledger: Ledger) -> None:
    """300 payments with their reversals and top-ups (over 600 events) followed in steps
    of 25: the follower meets the writer mid-history some twenty times or more, which is
    where a live projection and a rebuild could part; more events only repeat that."""
    live = Projections(ledger.store, batch_size=25)
    live.start()  # follows the log while it is being written, in small steps
    try:
        populate(ledger, payments=300, seed=11)
        head = ledger.recorder.max_notification_id() or 0
        assert head >= 600
        assert live.wait_for(head, timeout=60)
        live_answer = snapshot(live, ledger)
    finally:
        live.stop()
    live.rebuild()
    assert snapshot(live, ledger) == live_answer
    assert live.accounts() == replay_balances(ledger.store)
    live.close()
