"""`GET /v1/audit/verify`: whether the recorded history is intact."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.authorization import READS_EVERYTHING, require_role
from api.deps import LedgerDep, PrincipalDep
from api.openapi import problems
from api.schemas import VerifyOut
from jobaid.verify import verify

router = APIRouter(tags=["audit"])


@router.get("/audit/verify", responses={200: {"model": VerifyOut}, **problems(403)})
def verify_history(principal: PrincipalDep, ledger: LedgerDep) -> JSONResponse:
    """Re-read every recorded event in order and check the history is intact."""
    # The whole history spans every division: for those who read everything.
    require_role(principal, *READS_EVERYTHING)
    return JSONResponse(verify(ledger))
