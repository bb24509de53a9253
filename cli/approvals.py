"""`jobaid payment-request create|approve|reject|withdraw`: maker-checker from the command
line, authorised as over HTTP. Four eyes compare people and tokens, so these commands act
with a bearer token (`--token-file`, as `jobaid token create` printed it; `-` reads it
from stdin) — never as the operator, whom the command line cannot tell apart.

Each prints the HTTP answer's body as JSON on stdout; a refusal is one line on stderr and
exit status 2."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from api.auth import verify_bearer
from api.schemas import RequestOut, approval_out
from cli.ledger import on_ledger
from domain.errors import Forbidden, InvalidInput
from service.access import Access
from service.intake import approve_json, reject_json, request_json
from service.ledger import Ledger
from service.results import RequestRecorded


def add_commands(commands: Any) -> None:
    group = commands.add_parser("payment-request", help="maker-checker: request and approve payments")  # fmt: skip
    verbs = group.add_subparsers(dest="request_command", required=True)
    create = verbs.add_parser("create", help="request a payment: BODY is its JSON (a file, or -)")
    create.add_argument("body")
    approve = verbs.add_parser("approve", help="approve a request (finance, not its maker)")
    approve.add_argument("request_id")
    approve.add_argument("--approval-id", required=True)
    approve.add_argument("--paid-on", required=True, help="YYYY-MM-DD")
    approve.add_argument("--adjustment-reason", default=None, help="R23: inside a closed period")
    reject = verbs.add_parser("reject", help="reject a request: its entitlements are freed")
    reject.add_argument("request_id")
    reject.add_argument("--reason", required=True)
    withdraw = verbs.add_parser("withdraw", help="withdraw one's own request after its deadline")
    withdraw.add_argument("request_id")
    for verb in (create, approve, reject, withdraw):
        verb.add_argument("--token-file", required=True, help="a file holding the bearer token, or -")  # fmt: skip
    group.set_defaults(run=request_command)


def request_command(args: argparse.Namespace) -> int:
    def run(ledger: Ledger) -> int:
        principal = caller(ledger, read_text(args.token_file).strip())
        answer = ACTIONS[args.request_command](ledger, args, principal)
        print(json.dumps(answer, ensure_ascii=False, indent=2))
        return 0

    return on_ledger(f"payment-request {args.request_command}", run)


def caller(ledger: Ledger, token: str) -> Access:
    principal = verify_bearer(ledger, token)
    if principal is None:
        raise Forbidden("the token is unknown, malformed or revoked")
    return principal


def read_text(path: str) -> str:
    return sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")


def create(ledger: Ledger, args: argparse.Namespace, principal: Access) -> dict[str, Any]:
    principal.require_role("clerk", "finance")
    try:
        body = json.loads(read_text(args.body))
    except json.JSONDecodeError as error:
        raise InvalidInput("body", f"is not valid JSON ({error.msg})") from None
    if not isinstance(body, dict):
        raise InvalidInput("body", "must be a JSON object, the body of POST /v1/payment-requests")
    return shown(request_json(ledger, body, principal.actor, principal))


def approve(ledger: Ledger, args: argparse.Namespace, principal: Access) -> dict[str, Any]:
    principal.require_role("finance")
    body = {"approval_id": args.approval_id, "paid_on": args.paid_on}
    if args.adjustment_reason:
        body["adjustment_reason"] = args.adjustment_reason
    return approval_out(approve_json(ledger, args.request_id, body, principal.actor, principal))


def reject(ledger: Ledger, args: argparse.Namespace, principal: Access) -> dict[str, Any]:
    principal.require_role("finance")
    body = {"reason": args.reason}
    return shown(reject_json(ledger, args.request_id, body, principal.actor, principal))


def withdraw(ledger: Ledger, args: argparse.Namespace, principal: Access) -> dict[str, Any]:
    principal.require_role("clerk", "finance")
    return shown(ledger.withdraw(args.request_id, principal.actor, principal))


def shown(made: RequestRecorded) -> dict[str, Any]:
    return RequestOut.of(made).model_dump(mode="json")


ACTIONS = {"create": create, "approve": approve, "reject": reject, "withdraw": withdraw}
