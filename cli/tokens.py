"""`jobaid token create|revoke`: stdout carries the token and nothing else."""

from __future__ import annotations

import argparse
import sys

from domain.errors import Conflict, InvalidInput, NotFound
from domain.recorded import Actor
from service.ledger import Ledger
from service.tokens import issue_token, revoke_token


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
