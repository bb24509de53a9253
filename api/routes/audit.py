"""`GET /v1/audit/verify`: whether the recorded history is intact; `GET /v1/audit/checkpoint`:
the chain head sealed so far, as a file an auditor keeps outside the system."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import LedgerDep, PrincipalDep
from api.json import StrictJSONRoute
from api.openapi import problems
from api.responses import FastJSON
from api.schemas import CheckpointOut, VerifyOut
from audit.verify import latest_seal, verify
from domain.errors import InvalidInput
from service.access import READS_EVERYTHING

router = APIRouter(tags=["audit"], route_class=StrictJSONRoute)


@router.get("/audit/verify", responses={200: {"model": VerifyOut}, **problems(403, 422)})
def verify_history(
    principal: PrincipalDep,
    ledger: LedgerDep,
    position: Annotated[int | None, Query(ge=0, description="a kept checkpoint's position")] = None,
    chain_hash: Annotated[str | None, Query(description="the checkpoint's chain hash")] = None,
) -> FastJSON:
    """Walk every recorded event beside its hash chain; with a checkpoint, prove extension."""
    # The whole history spans every division: for those who read everything.
    principal.require_role(*READS_EVERYTHING)
    if (position is None) != (chain_hash is None):
        raise InvalidInput("chain_hash", "a checkpoint needs both position and chain_hash")
    checkpoint = None if position is None else {"position": position, "chain_hash": chain_hash}
    return FastJSON(verify(ledger.store, checkpoint))


@router.get("/audit/checkpoint", responses={200: {"model": CheckpointOut}, **problems(403)})
def latest_checkpoint(principal: PrincipalDep, ledger: LedgerDep) -> FastJSON:
    """The last sealed position, its chain hash and when it was sealed — the same file as
    `jobaid audit checkpoint` writes, signed off by the caller's subject (nothing is
    sealed by this call: the sealer runs beside the service). Keep it outside the system;
    later, `GET /v1/audit/verify?position=&chain_hash=` (or `jobaid verify --against
    FILE`) proves the history still extends it."""
    principal.require_role(*READS_EVERYTHING)
    return FastJSON(latest_seal(ledger.store, principal.subject))
