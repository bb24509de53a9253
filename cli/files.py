"""`jobaid import surveys` and `jobaid reconcile`: files in, reports out."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from adapters.sheets import Lang
from adapters.tables import read_upload
from cli.ledger import on_ledger
from cli.progress import shown
from domain.errors import BadRows
from domain.reconciliation import DIFFERENCES, Reconciliation
from service.imports import import_surveys
from service.ledger import Ledger
from service.reconcile import DEFAULT_DATE_TOLERANCE, reconcile_file, summary
from service.reconciliation_files import report_csv, report_xlsx


def add_commands(commands: Any) -> None:
    imports = commands.add_parser("import", help="import a file of facts")
    import_kinds = imports.add_subparsers(dest="import_kind", required=True)
    surveys = import_kinds.add_parser("surveys", help="the survey form, CSV (UTF-8 or GBK) or XLSX")  # fmt: skip
    surveys.add_argument("file")
    surveys.add_argument("--by", default="cli", help="who records the rows (谁摸查、谁负责)")
    surveys.set_defaults(run=import_command)
    reconcile = commands.add_parser("reconcile", help="match a treasury disbursement file to an account")  # fmt: skip
    reconcile.add_argument("file")
    reconcile.add_argument("--source", required=True)
    reconcile.add_argument("--division", required=True)
    reconcile.add_argument("--period", required=True, help="YYYY or YYYY-MM")
    reconcile.add_argument(
        "--date-tolerance",
        default=str(DEFAULT_DATE_TOLERANCE),
        help=f"days a treasury date may differ from the ledger's (default {DEFAULT_DATE_TOLERANCE})",
    )
    reconcile.add_argument("--format", choices=["json", "csv", "xlsx"], default="json")
    reconcile.add_argument("--lang", choices=["zh", "en"], default="zh", help="the file's headers")
    reconcile.add_argument("--out", default=None, help="write the report here (xlsx needs it)")
    reconcile.add_argument("--by", default="cli")
    reconcile.set_defaults(run=reconcile_command)


def import_command(args: argparse.Namespace) -> int:
    """Record the file's valid rows; print the report as JSON; exit 1 if any row was bad."""

    def run(ledger: Ledger) -> int:
        report = import_surveys(ledger, read_upload(args.file), args.by)
        print(json.dumps(report.public(), ensure_ascii=False, indent=2))
        return 1 if report.errors else 0

    return on_ledger("import", run)


def reconcile_command(args: argparse.Namespace) -> int:
    """Reconcile FILE with the account; print or write the report; exit 1 on differences.
    Progress goes to stderr on a terminal, and nowhere otherwise."""
    if args.format == "xlsx" and not args.out:
        print("jobaid reconcile: --format xlsx needs --out FILE", file=sys.stderr)
        return 2

    def run(ledger: Ledger) -> int:
        content, name = read_upload(args.file), Path(args.file).name
        with shown("reconciling") as tick:
            try:
                report, _ = reconcile_file(
                    ledger, content, name, args.source, args.division, args.period, args.by,
                    args.date_tolerance, tick,
                )  # fmt: skip
            except BadRows as error:
                for bad in error.errors:
                    print(f"  row {bad['row']}, {bad['column']}: {bad['reason']}", file=sys.stderr)
                raise
        _write(report_file(report, args.format, args.lang), args.out)
        totals = summary(report)["totals"]
        return 1 if any(totals.get(status) for status in DIFFERENCES) else 0

    return on_ledger("reconcile", run)


def report_file(report: Reconciliation, format_: str, lang: Lang) -> bytes:
    if format_ == "xlsx":
        return report_xlsx(report, lang)
    if format_ == "csv":
        return report_csv(report, lang)
    return (json.dumps(summary(report), ensure_ascii=False, indent=2) + "\n").encode()


def _write(content: bytes, out: str | None) -> None:
    if out:
        Path(out).write_bytes(content)
    else:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
