"""The dependencies routes declare, as `Annotated` aliases: the runtime, the ledger, the
caller's principal (401 without a valid token), the JSON body, and projections that have
caught up with this server's own writes (read-your-writes)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.auth import trusted, verify_bearer
from api.problems import unauthorized, unavailable
from api.runtime import Projections, Runtime
from domain.errors import InvalidInput
from domain.values import parse_position
from service.access import Access
from service.ledger import Ledger

bearer = HTTPBearer(auto_error=False, description="`jobaid token create --role R --division D`")


# The dependencies that are quick are `async`: FastAPI runs a sync dependency on a worker
# thread, and each hand-over there and back costs more than their own work. What may
# wait on the store (opening it, a token not trusted yet) is sent to a thread.


async def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(runtime_of)]


async def ledger_of(runtime: RuntimeDep) -> Ledger:
    if runtime.ledger_open:
        return runtime.ledger()
    return await run_in_threadpool(runtime.ledger)


LedgerDep = Annotated[Ledger, Depends(ledger_of)]


async def principal_of(
    request: Request,
    ledger: LedgerDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Access:
    if credentials is None:
        raise unauthorized("send Authorization: Bearer <token>")
    principal = trusted(credentials.credentials)
    if principal is None:
        principal = await run_in_threadpool(verify_bearer, ledger, credentials.credentials)
    if principal is None:
        raise unauthorized("the token is unknown, malformed or revoked")
    request.state.subject = principal.subject  # for the request log line
    request.state.token_id = principal.token_id
    return principal


PrincipalDep = Annotated[Access, Depends(principal_of)]


AfterPosition = Annotated[
    str | None,
    Header(
        alias="X-Jobaid-After-Position",
        description="Read only once the projections include this position (a write's `position`).",
        json_schema_extra={"pattern": "^[0-9]{1,18}$"},
    ),
]


def fresh_projections(
    runtime: RuntimeDep, ledger: LedgerDep, principal: PrincipalDep, after: AfterPosition = None
) -> Projections:
    """The projections, once they include this server's writes and the position asked
    for: a read replica's when one has replayed that far, else the leader's."""
    projections = runtime.projections()
    if projections is None:
        raise unavailable("this server keeps no projections; reads are not available")
    target = max(runtime.last_written, asked_position(ledger, after))
    return runtime.fresh(projections, target)


def asked_position(ledger: Ledger, after: str | None) -> int:
    if after is None:
        return 0
    wanted = parse_position("X-Jobaid-After-Position", after)
    # A position never recorded would make the read wait out its timeout for nothing.
    if wanted > (ledger.recorder.max_notification_id() or 0):
        raise InvalidInput("X-Jobaid-After-Position", f"position {wanted} is not recorded")
    return wanted


ProjectionsDep = Annotated[Projections, Depends(fresh_projections)]
