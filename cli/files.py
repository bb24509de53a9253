"""`jobaid import surveys`, `jobaid import template` and `jobaid reconcile`: files in,
reports out. The import runs here and now (not as a job), its progress on a terminal."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from adapters.tables import read_upload
from cli.ledger import on_ledger
from cli.progress import shown
from domain.reconciliation import DIFFERENCES
from service.import_files import template_xlsx
from service.imports import import_surveys
from service.ledger import Ledger
from service.reconcile import reconcile_file, report_csv, report_xlsx, summary


def add_commands(commands: Any) -> None:
    imports = commands.add_parser("import", help="import a file of facts")
    import_kinds = imports.add_subparsers(dest="import_kind", required=True)
    surveys = import_kinds.add_parser("surveys", help="the survey form, CSV (UTF-8 or GBK) or XLSX")  # fmt: skip
    surveys.add_argument("file")
    surveys.add_argument("--by", default="cli", help="who records the rows (谁摸查、谁负责)")
    surveys.set_defaults(run=import_command)
    template = import_kinds.add_parser("template", help="write the survey form (XLSX) to fill in")  # fmt: skip
    template.add_argument("--output", required=True, help="the XLSX file to write")
    template.set_defaults(run=template_command)
    reconcile = commands.add_parser("reconcile", help="match a treasury disbursement file to an account")  # fmt: skip
    reconcile.add_argument("file")
    reconcile.add_argument("--source", required=True)
    reconcile.add_argument("--division", required=True)
    reconcile.add_argument("--period", required=True, help="YYYY or YYYY-MM")
    reconcile.add_argument("--format", choices=["json", "csv", "xlsx"], default="json")
    reconcile.add_argument("--out", default=None, help="write the report here (xlsx needs it)")
    reconcile.add_argument("--by", default="cli")
    reconcile.set_defaults(run=reconcile_command)


def import_command(args: argparse.Namespace) -> int:
    """Record the file's valid rows; print the report as JSON; exit 1 if any row was bad."""

    def run(ledger: Ledger) -> int:
        content = read_upload(args.file)
        with shown(f"import {Path(args.file).name}") as tick:
            report = import_surveys(ledger, content, args.by, progress=tick)
        print(json.dumps(report.public(), ensure_ascii=False, indent=2))
        return 1 if report.errors else 0

    return on_ledger("import", run)


def template_command(args: argparse.Namespace) -> int:
    """Write the blank survey form (the same file as GET /v1/imports/surveys/template)."""
    try:
        Path(args.output).write_bytes(template_xlsx())
    except OSError as error:
        print(f"jobaid import template: {args.output}: {error.strerror}", file=sys.stderr)
        return 2
    return 0


def reconcile_command(args: argparse.Namespace) -> int:
    """Reconcile FILE with the account; print or write the report; exit 1 on differences."""
    if args.format == "xlsx" and not args.out:
        print("jobaid reconcile: --format xlsx needs --out FILE", file=sys.stderr)
        return 2

    def run(ledger: Ledger) -> int:
        content, name = read_upload(args.file), Path(args.file).name
        report, _ = reconcile_file(
            ledger, content, name, args.source, args.division, args.period, args.by
        )
        if args.format == "xlsx":
            content = report_xlsx(report)
        elif args.format == "csv":
            content = report_csv(report)  # UTF-8 with a BOM, RFC 4180 line ends as written
        else:
            content = (json.dumps(summary(report), ensure_ascii=False, indent=2) + "\n").encode()
        if args.out:
            Path(args.out).write_bytes(content)
        else:
            sys.stdout.buffer.write(content)
            sys.stdout.flush()
        totals = summary(report)["totals"]
        return 1 if any(totals[status] for status in DIFFERENCES) else 0

    return on_ledger("reconcile", run)
