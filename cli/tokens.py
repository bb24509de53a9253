"""`jobaid token create|revoke`: stdout carries the token and nothing else."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from domain.errors import Conflict, InvalidInput, NotFound
from domain.recorded import Actor
from domain.tokens import ROLES
from service.ledger import Ledger
from service.tokens import issue_token, revoke_token


def add_commands(commands: Any) -> None:
    token = commands.add_parser("token", help="manage bearer tokens")
    token_commands = token.add_subparsers(dest="token_command", required=True)
    create = token_commands.add_parser("create", help="print a new token on stdout")
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--division", required=True)
    create.add_argument(
        "--subject", default=None, help="who the token is for (default: role@division)"
    )
    revoke = token_commands.add_parser("revoke", help="revoke a token by its id")
    revoke.add_argument("token_id")
    token.set_defaults(run=token_command)


def cli_actor() -> Actor:
    """The command line acts with the operator's access to the store, not with a token:
    it is recorded as the operating-system user who ran it."""
    import getpass

    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry for the uid (containers)
        user = "unknown"
    return Actor(f"cli:{user}")


def token_command(args: argparse.Namespace) -> int:
    """`jobaid token create|revoke`: stdout carries the token and nothing else."""
    ledger = Ledger()
    try:
        if args.token_command == "create":
            issued = issue_token(ledger, args.role, args.division, args.subject, cli_actor())
            print(issued.token)
            print(
                f"token {issued.principal.token_id}: {issued.principal.role} of {issued.principal.division}",
                file=sys.stderr,
            )
            return 0
        revoke_token(ledger, args.token_id, revoked_by=cli_actor())
        print(f"token {args.token_id} revoked", file=sys.stderr)
        return 0
    except (InvalidInput, NotFound, Conflict) as error:
        print(f"jobaid token: {error.detail}", file=sys.stderr)
        return 2
    finally:
        ledger.close()
