"""The `jobaid` command line (CONTRACT "Running it"): each module of this package adds
its commands to the parser, with the function that runs them."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from cli import approvals, audit, files, projections, serve, statements, tokens


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jobaid", description="Jobaid Ledger")
    commands = parser.add_subparsers(dest="command", required=True)
    for module in (serve, tokens, projections, audit, files, statements, approvals):
        module.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every failure a person can act on is one line on stderr and exit
    status 2 — a missing file, a bad JOBAID_DATABASE_URL, a store that does not answer,
    a refused fact — never a traceback."""
    args = build_parser().parse_args(argv)
    try:
        status: int = args.run(args)
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        reason = failure_reason(error)
        if reason is None:
            raise
        print(f"jobaid {args.command}: {reason}", file=sys.stderr)
        return 2
    return status


def failure_reason(error: Exception) -> str | None:
    """What went wrong, in one line, for the failures that are not the program's fault."""
    from adapters.logs import is_transient
    from adapters.settings import ConfigurationError
    from domain.errors import LedgerError

    if isinstance(error, LedgerError):
        return error.detail
    if isinstance(error, ConfigurationError):
        return str(error)
    if isinstance(error, OSError) and error.filename is not None:
        return f"{error.filename}: {error.strerror or error}"
    if is_transient(error):
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        return f"the store does not answer ({type(error).__name__}: {first_line})"
    return None


if __name__ == "__main__":
    sys.exit(main())
