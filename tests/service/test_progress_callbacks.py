"""Long work reports its progress through a plain `(done, total)` callback (issue 12 §5):
verify, rebuild, replay and sealing each report from the start of the log to its head,
never backwards, and end at (head, head) — the command line draws it on a terminal."""

from __future__ import annotations

import pytest

from audit import chain
from audit import verify as verifying
from audit.verify import checkpoint, verify
from projections import Projections
from projections import replay as replaying
from projections.replay import replay_balances
from service.ledger import Ledger
from tests import builders as b

Ticks = list[tuple[int, int | None]]


def history(ledger: Ledger) -> int:
    """A few workers and appropriations; the log's head."""
    for _ in range(6):
        b.worker(ledger)
        b.appropriate(ledger, amount="100.00")
    return ledger.recorder.max_notification_id() or 0


def assert_runs_to_the_head(ticks: Ticks, head: int, at_least: int) -> None:
    assert len(ticks) >= at_least, ticks
    assert ticks[-1] == (head, head)
    done = [d for d, _ in ticks]
    assert done == sorted(done) and all(total == head for _, total in ticks)


def test_verify_reports_every_section_it_has_checked(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    head = history(ledger)
    chain.Sealer(ledger.store).seal()
    monkeypatch.setattr(verifying, "PROGRESS_EVERY", 2)
    ticks: Ticks = []
    assert verify(ledger.store, progress=lambda d, t: ticks.append((d, t)))["ok"]
    assert ticks[0] == (0, head)
    assert_runs_to_the_head(ticks, head, at_least=head // 2)


def test_rebuild_reports_each_batch_it_has_projected(ledger: Ledger) -> None:
    head = history(ledger)
    projections = Projections(ledger.store, batch_size=2)
    ticks: Ticks = []
    projections.rebuild(lambda d, t: ticks.append((d, t)))
    assert projections.position() == head
    assert_runs_to_the_head(ticks, head, at_least=4)


def test_replay_reports_each_section_and_answers_the_same(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    head = history(ledger)
    quiet = replay_balances(ledger.store)
    monkeypatch.setattr(replaying, "SECTION", 2)
    ticks: Ticks = []
    assert replay_balances(ledger.store, progress=lambda d, t: ticks.append((d, t))) == quiet
    assert_runs_to_the_head(ticks, head, at_least=3)


def test_a_checkpoint_reports_each_section_it_has_sealed(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    head = history(ledger)
    monkeypatch.setattr(chain, "SECTION", 3)
    ticks: Ticks = []
    taken = checkpoint(ledger.store, "auditor.li", lambda d, t: ticks.append((d, t)))
    assert taken["position"] == head
    assert_runs_to_the_head(ticks, head, at_least=head // 3)
