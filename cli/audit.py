"""`jobaid verify` and `jobaid audit checkpoint|trail`: the auditor's commands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from audit.trail import render, trail
from audit.verify import checkpoint, read_checkpoint, verify
from cli.ledger import on_ledger
from cli.progress import shown
from service.ledger import Ledger


def add_commands(commands: Any) -> None:
    verify_ = commands.add_parser("verify", help="check the recorded history (exit 0 intact, 1 not)")  # fmt: skip
    verify_.add_argument("--against", default=None, help="a checkpoint file kept outside the system")  # fmt: skip
    verify_.set_defaults(run=verify_command)
    audit = commands.add_parser("audit", help="audit tools")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True)
    checkpoint_ = audit_commands.add_parser("checkpoint", help="seal and export the chain head")
    checkpoint_.add_argument("--by", required=True, help="who signs the checkpoint off")
    checkpoint_.add_argument("--out", default=None, help="write it here (default: stdout)")
    checkpoint_.set_defaults(run=checkpoint_command)
    trail_ = audit_commands.add_parser("trail", help="a worker's whole history in order")
    trail_.add_argument("--worker", required=True)
    trail_.add_argument("--json", action="store_true")
    trail_.set_defaults(run=trail_command)


def verify_command(args: argparse.Namespace) -> int:
    """Exit 0 when the history is intact, 1 naming the first bad position."""

    def run(ledger: Ledger) -> int:
        against = getattr(args, "against", None)
        try:
            wanted = read_checkpoint(Path(against)) if against else None
        except ValueError as error:
            print(f"jobaid verify: {error}", file=sys.stderr)
            return 2
        with shown("verifying the history") as tick:
            result = verify(ledger.store, wanted, tick)
        print(json.dumps(result, ensure_ascii=False))
        if not result["ok"]:
            where = f"first bad position: {result['first_bad_position']}: {result['detail']}"
            print(where, file=sys.stderr)
        return 0 if result["ok"] else 1

    return on_ledger("verify", run)


def checkpoint_command(args: argparse.Namespace) -> int:
    """Seal what is recorded and write the chain head an auditor keeps outside."""

    def run(ledger: Ledger) -> int:
        with shown("sealing the history") as tick:
            sealed = checkpoint(ledger.store, args.by, tick)
        text = json.dumps(sealed, indent=2, sort_keys=True)
        if args.out:
            Path(args.out).write_text(text + "\n")
        else:
            print(text)
        return 0

    return on_ledger("audit checkpoint", run)


def trail_command(args: argparse.Namespace) -> int:
    """A worker's whole history in order, with who recorded each fact and when."""

    def run(ledger: Ledger) -> int:
        rows = trail(ledger.store, args.worker)
        print(json.dumps(rows, ensure_ascii=False, indent=2) if args.json else render(rows))
        return 0

    return on_ledger("audit trail", run)
