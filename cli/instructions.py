"""`jobaid payment-run instruction RUN_ID`: the treasury instruction (支付申请) of an
approved payment run — the file `GET /v1/payment-runs/{run_id}/instruction` gives
(api/instruction_files.py), written to `--output` or stdout: XLSX, CSV (UTF-8 with a
BOM) or JSON, headed in Chinese unless `--lang en`. `--request ID` gives one approved
request's instead. The operator reads every run, as `jobaid statement` reads every
account; a run not yet approved is one line on stderr and exit status 2."""

from __future__ import annotations

import argparse
import json
from typing import Any

from api.downloads import FORMATS, language
from api.instruction_files import InstructionFile
from cli.ledger import on_ledger
from cli.statements import output
from domain.errors import InvalidInput
from service.instructions import request_instruction, run_instruction
from service.ledger import Ledger


def add_commands(commands: Any) -> None:
    group = commands.add_parser("payment-run", help="payment runs (批量发放): their files")
    verbs = group.add_subparsers(dest="run_command", required=True)
    made = verbs.add_parser("instruction", help="an approved run's treasury instruction (支付申请)")  # fmt: skip
    made.add_argument("run_id", nargs="?", default=None, help="the run (or give --request)")
    made.add_argument("--request", default=None, help="one approved payment request instead")
    made.add_argument("--format", choices=FORMATS, default="xlsx")
    made.add_argument("--lang", choices=("zh", "en"), default="zh", help="the file's headers")
    made.add_argument("--output", "-o", default=None, help="the file to write (default stdout)")
    group.set_defaults(run=instruction_command)


def instruction_command(args: argparse.Namespace) -> int:
    """Write the instruction; exit 2 for an unknown or unapproved run or request."""

    def run(ledger: Ledger) -> int:
        if (args.run_id is None) == (args.request is None):
            raise InvalidInput("run_id", "give a RUN_ID or --request REQUEST_ID, not both")
        if args.request is not None:
            instruction = request_instruction(ledger, args.request, None)
        else:
            instruction = run_instruction(ledger, args.run_id, None)
        made = InstructionFile(instruction, language(args.lang))
        with output(args) as out:
            if args.format == "json":
                out.write((json.dumps(made.json(), ensure_ascii=False, indent=2) + "\n").encode())
            else:
                for chunk in made.chunks(args.format):
                    out.write(chunk)
        return 0

    return on_ledger("payment-run instruction", run)
