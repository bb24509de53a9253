"""`jobaid project`, `jobaid rebuild` and `jobaid replay` (CONTRACT "Running it")."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time
from datetime import UTC, date, datetime
from types import FrameType
from typing import Any

from adapters.settings import Settings
from projections.replay import replay_balances
from projections.service import Projections
from service.ledger import Ledger

log = logging.getLogger("jobaid.projections")


def add_commands(commands: Any) -> None:
    project_ = commands.add_parser(
        "project", help="keep the projections up to date (a separate process)"
    )
    project_.set_defaults(run=projection_command)
    rebuild_ = commands.add_parser("rebuild", help="rebuild every projection from the events")
    rebuild_.set_defaults(run=projection_command)
    replay_ = commands.add_parser("replay", help="print account balances as they were")
    replay_.add_argument("--as-of", default=None, help="business date YYYY-MM-DD")
    replay_.add_argument(
        "--known-at", default=None, help="instant (RFC 3339): what was recorded by then"
    )
    replay_.set_defaults(run=projection_command)


def projection_command(args: argparse.Namespace) -> int:
    ledger = Ledger(Settings.from_env())
    try:
        if args.command == "project":
            return project(ledger)
        if args.command == "rebuild":
            return rebuild(ledger)
        if args.command == "replay":
            return replay(ledger, args.as_of, args.known_at)
        print(f"unknown projection command {args.command!r}", file=sys.stderr)
        return 2
    finally:
        ledger.close()


def project(ledger: Ledger) -> int:
    """Follow the log, and seal it, until Ctrl-C or SIGTERM; a kill at any moment loses
    nothing (the projections resume from their tracking row, the sealer from the chain head).
    On PostgreSQL only while this process holds the projector lease: several of them on
    one database take turns, one at a time (api/projector.py)."""
    from adapters.logs import configure_logging
    from api.projector import LeasedProjector

    configure_logging(ledger.settings.log_level, ledger.settings.log_format)
    projector = LeasedProjector(ledger)
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if not stop_with_parent(ledger.settings.projector_parent):
        return 0
    projector.start()
    while not stopping.wait(1.0):
        pass
    projector.stop()
    log.info("stopped at position %d", projector.projections.position())
    return 0


def stop_with_parent(parent: int | None) -> bool:
    """Started by `jobaid serve` (api/projector.py): ask the kernel for SIGTERM when the
    service's process is gone, even killed; False if it is gone already."""
    if parent is None:
        return True
    if sys.platform == "linux":
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
    return os.getppid() == parent


def rebuild(ledger: Ledger) -> int:
    from cli.progress import shown  # here: rich stays out of `jobaid project`'s start-up

    projections = Projections(ledger.store, ledger.settings.projection_batch)
    events = ledger.recorder.max_notification_id() or 0
    started = time.perf_counter()
    with shown("rebuilding the projections") as tick:
        projections.rebuild(tick)
    seconds = time.perf_counter() - started
    print(
        f"rebuilt projections to position {projections.position()}: {events} events in "
        f"{seconds:.2f} s ({events / max(seconds, 1e-9):.0f} events/s), "
        f"{len(projections.accounts())} accounts"
    )
    return 0


def replay(ledger: Ledger, as_of: str | None, known_at: str | None) -> int:
    """Balances folded from the raw events (not the projection tables), one JSON line each."""
    try:
        day = None if as_of is None else date.fromisoformat(as_of)
        instant = None if known_at is None else parse_instant(known_at)
    except ValueError as error:
        print(f"jobaid replay: {error}", file=sys.stderr)
        return 2
    from cli.progress import shown

    with shown("replaying the account events") as tick:
        rows = replay_balances(ledger.store, day, instant, tick)
    for row in rows:
        print(json.dumps(row, ensure_ascii=False, sort_keys=True))
    return 0


def parse_instant(text: str) -> datetime:
    """RFC 3339 (a trailing Z allowed); an instant without an offset is read as UTC."""
    instant = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)
