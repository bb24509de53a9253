"""`jobaid statement SOURCE DIVISION` and `jobaid year-end SOURCE DIVISION --year YYYY`:
the same files the HTTP service gives (api/account_files.py), written to a file or to
stdout — XLSX, CSV (UTF-8 with a BOM) or JSON, headed in Chinese unless `--lang en`.

The projections are brought up to date first (as `jobaid serve` keeps them), then the
statement is read in chunks at one snapshot and written as it is read: a 100,000-line
statement never sits in memory whole, in any of the three formats."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from api.account_files import parse_year, statement_export, year_end_export
from api.downloads import FORMATS, language
from cli.ledger import on_ledger
from domain.errors import InvalidInput, NotFound
from domain.sources import SOURCES
from domain.values import parse_date, parse_instant
from projections.service import Projections
from service.ledger import Ledger


def add_commands(commands: Any) -> None:
    statement = commands.add_parser("statement", help="an account's statement as a file")
    account_arguments(statement)
    statement.add_argument(
        "--from", dest="from_", default=None, help="first business date YYYY-MM-DD"
    )
    statement.add_argument("--to", default=None, help="last business date YYYY-MM-DD")
    statement.add_argument("--as-of", default=None, help="business date YYYY-MM-DD")
    statement.set_defaults(run=statement_command)
    year_end = commands.add_parser("year-end", help="an account's year-end statement (年度收支)")
    account_arguments(year_end)
    year_end.add_argument("--year", required=True, help="the calendar year, YYYY")
    year_end.set_defaults(run=year_end_command)


def account_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", choices=SOURCES)
    parser.add_argument("division", help="the account's six-digit division code")
    parser.add_argument("--known-at", default=None, help="RFC 3339 instant: what was known then")
    parser.add_argument("--format", choices=FORMATS, default="xlsx")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="the file's headers")
    parser.add_argument("--output", "-o", default=None, help="the file to write (default stdout)")


def statement_command(args: argparse.Namespace) -> int:
    """Write the statement; exit 2 (one line on stderr) for an unknown account or bad date."""

    def run(ledger: Ledger) -> int:
        dates = (
            None if args.from_ is None else parse_date("from", args.from_),
            None if args.to is None else parse_date("to", args.to),
            None if args.as_of is None else parse_date("as_of", args.as_of),
            None if args.known_at is None else parse_instant("known_at", args.known_at),
        )
        whole = caught_up(ledger).statement_file(args.source, args.division, *dates)
        if whole is None:
            raise NotFound(f"unknown account {args.source}/{args.division}")
        head, lines = whole
        with output(args) as out:
            if args.format == "json":
                write_json_statement(out, head, lines)
            else:
                for chunk in statement_export(head, lines, language(args.lang)).chunks(args.format):
                    out.write(chunk)
        return 0

    return on_ledger("statement", run)


def year_end_command(args: argparse.Namespace) -> int:
    def run(ledger: Ledger) -> int:
        known_at = None if args.known_at is None else parse_instant("known_at", args.known_at)
        year = parse_year(args.year)
        report = caught_up(ledger).year_end(args.source, args.division, year, known_at)
        if report is None:
            raise NotFound(f"unknown account {args.source}/{args.division}")
        with output(args) as out:
            if args.format == "json":
                out.write((json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode())
            else:
                for chunk in year_end_export(report, language(args.lang)).chunks(args.format):
                    out.write(chunk)
        return 0

    return on_ledger("year-end", run)


def caught_up(ledger: Ledger) -> Projections:
    projections = Projections(ledger.store, ledger.settings.projection_batch)
    projections.catch_up()
    return projections


@contextmanager
def output(args: argparse.Namespace) -> Iterator[IO[bytes]]:
    """The --output file (written whole or not at all: a failure leaves no half file), or
    stdout — but never an XLSX to a terminal, where it would be noise."""
    if args.output is None:
        if args.format == "xlsx" and sys.stdout.isatty():
            raise InvalidInput("output", "an XLSX file needs --output FILE (or a pipe)")
        yield sys.stdout.buffer
        sys.stdout.flush()
        return
    target = Path(args.output)
    partial = target.with_name(target.name + ".part")
    try:
        with partial.open("wb") as out:
            yield out
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def write_json_statement(
    out: IO[bytes], head: dict[str, Any], lines: Iterator[dict[str, Any]]
) -> None:
    """The statement's JSON as the service answers it, unpaged, one line at a time."""
    closing = head["opening_balance"]
    out.write(json.dumps(head, ensure_ascii=False)[:-1].encode() + b', "lines": [')
    for number, line in enumerate(lines):
        out.write((", " if number else "").encode() + json.dumps(line, ensure_ascii=False).encode())
        closing = line["balance"]
    out.write(f'], "closing_balance": "{closing}"}}\n'.encode())
