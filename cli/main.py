"""The `jobaid` command line (CONTRACT "Running it")."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jobaid", description="Jobaid Ledger")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the HTTP service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--no-projections",
        action="store_true",
        help="do not keep projections up to date in this process (run `jobaid project`)",
    )

    token = commands.add_parser("token", help="manage bearer tokens")
    token_commands = token.add_subparsers(dest="token_command", required=True)
    create = token_commands.add_parser("create", help="print a new token on stdout")
    create.add_argument("--role", required=True, choices=["clerk", "finance", "auditor", "admin"])
    create.add_argument("--division", required=True)
    create.add_argument(
        "--subject", default=None, help="who the token is for (default: role@division)"
    )
    revoke = token_commands.add_parser("revoke", help="revoke a token by its id")
    revoke.add_argument("token_id")

    commands.add_parser("project", help="keep the projections up to date (a separate process)")
    commands.add_parser("rebuild", help="rebuild every projection from the recorded events")
    verify = commands.add_parser("verify", help="check the recorded history (exit 0 intact, 1 not)")
    verify.add_argument("--against", default=None, help="a checkpoint file kept outside the system")

    audit = commands.add_parser("audit", help="audit tools")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True)
    checkpoint = audit_commands.add_parser("checkpoint", help="seal and export the chain head")
    checkpoint.add_argument("--by", required=True, help="who signs the checkpoint off")
    checkpoint.add_argument("--out", default=None, help="write it here (default: stdout)")
    trail = audit_commands.add_parser("trail", help="a worker's whole history in order")
    trail.add_argument("--worker", required=True)
    trail.add_argument("--json", action="store_true")

    imports = commands.add_parser("import", help="import a file of facts")
    import_kinds = imports.add_subparsers(dest="import_kind", required=True)
    surveys = import_kinds.add_parser("surveys", help="the survey form, CSV (UTF-8 or GBK) or XLSX")
    surveys.add_argument("file")
    surveys.add_argument("--by", default="cli", help="who records the rows (谁摸查、谁负责)")

    reconcile = commands.add_parser(
        "reconcile", help="match a treasury disbursement file to an account"
    )
    reconcile.add_argument("file")
    reconcile.add_argument("--source", required=True)
    reconcile.add_argument("--division", required=True)
    reconcile.add_argument("--period", required=True, help="YYYY or YYYY-MM")
    reconcile.add_argument("--format", choices=["json", "csv", "xlsx"], default="json")
    reconcile.add_argument("--out", default=None, help="write the report here (xlsx needs it)")
    reconcile.add_argument("--by", default="cli")

    replay = commands.add_parser("replay", help="print account balances as they were")
    replay.add_argument("--as-of", default=None, help="business date YYYY-MM-DD")
    replay.add_argument(
        "--known-at", default=None, help="instant (RFC 3339): what was recorded by then"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every failure a person can act on is one line on stderr and exit
    status 2 — a missing file, a bad JOBAID_DATABASE_URL, a store that does not answer,
    a refused fact — never a traceback."""
    args = build_parser().parse_args(argv)
    try:
        return dispatch(args)
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        reason = failure_reason(error)
        if reason is None:
            raise
        print(f"jobaid {args.command}: {reason}", file=sys.stderr)
        return 2


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


def dispatch(args: argparse.Namespace) -> int:
    if args.command == "serve":
        from api.server import serve

        return serve(args.host, args.port, projections=not args.no_projections)
    if args.command == "token":
        from cli.tokens import token_command

        return token_command(args)
    if args.command in ("project", "rebuild", "replay"):
        from cli.projections import projection_command

        return projection_command(args)
    if args.command in ("import", "reconcile"):
        from cli.files import import_command, reconcile_command

        return import_command(args) if args.command == "import" else reconcile_command(args)
    if args.command in ("audit", "verify"):
        from cli.audit import checkpoint_command, trail_command, verify_command

        if args.command == "verify":
            return verify_command(args)
        return (
            checkpoint_command(args) if args.audit_command == "checkpoint" else trail_command(args)
        )
    return 2


if __name__ == "__main__":
    sys.exit(main())
