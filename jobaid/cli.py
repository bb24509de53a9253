"""The `jobaid` command line (CONTRACT "Running it")."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


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
    commands.add_parser("verify", help="check the recorded history (exit 0 intact, 1 not)")

    replay = commands.add_parser("replay", help="print account balances as they were")
    replay.add_argument("--as-of", default=None, help="business date YYYY-MM-DD")
    replay.add_argument(
        "--known-at", default=None, help="instant (RFC 3339): what was recorded by then"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        from api.server import serve

        return serve(args.host, args.port, projections=not args.no_projections)
    if args.command == "token":
        from api.tokens import token_command

        return token_command(args)
    if args.command in ("project", "rebuild", "replay"):
        from projections.commands import projection_command

        return projection_command(args)
    if args.command == "verify":
        from jobaid.verify import verify_command

        return verify_command(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
