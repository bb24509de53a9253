"""`jobaid serve`: the HTTP service."""

from __future__ import annotations

import argparse
from typing import Any


def add_commands(commands: Any) -> None:
    serve = commands.add_parser("serve", help="run the HTTP service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--no-projections",
        action="store_true",
        help="do not keep projections up to date in this process (run `jobaid project`)",
    )
    serve.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from api.server import serve

    return serve(args.host, args.port, projections=not args.no_projections)
