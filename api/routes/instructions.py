"""The treasury instruction (支付申请) of an approved payment run or request (CONTRACT
"Approving payments": `GET /v1/payment-runs/{run_id}/instruction?format=xlsx|csv`, and
the same for one request): XLSX unless CSV is asked for (`?format=` or Accept), headed in
Chinese unless `?lang=en`; `?format=json` gives its lines as JSON."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from adapters.sheets import Lang
from api.deps import LedgerDep, PrincipalDep
from api.downloads import (
    FILE_CONTENT,
    AcceptHeader,
    Format,
    FormatQuery,
    LangQuery,
    language,
    wanted,
)
from api.instruction_files import InstructionFile
from api.openapi import problems
from api.responses import json_answer
from service.instructions import Instruction, request_instruction, run_instruction

router = APIRouter(tags=["payment runs"])
FILE: dict[int | str, dict[str, Any]] = {
    200: {"content": FILE_CONTENT, "description": "The instruction: XLSX (default) or CSV"}
}


@router.get("/payment-runs/{run_id}/instruction", responses={**FILE, **problems(403, 404, 409, 422)})  # fmt: skip
def run_file(
    run_id: str,
    principal: PrincipalDep,
    ledger: LedgerDep,
    format_: FormatQuery = None,
    lang: LangQuery = None,
    accept: AcceptHeader = None,
) -> Response:
    """The approved run's payments as the treasury is asked to make them; 409 before the
    run is approved."""
    fmt, in_ = file_format(format_, accept), language(lang)
    return answered(run_instruction(ledger, run_id, principal), fmt, in_)


@router.get("/payment-requests/{request_id}/instruction", responses={**FILE, **problems(403, 404, 409, 422)})  # fmt: skip
def request_file(
    request_id: str,
    principal: PrincipalDep,
    ledger: LedgerDep,
    format_: FormatQuery = None,
    lang: LangQuery = None,
    accept: AcceptHeader = None,
) -> Response:
    """One approved request's payment as the treasury is asked to make it; 409 before it
    is approved."""
    fmt, in_ = file_format(format_, accept), language(lang)
    return answered(request_instruction(ledger, request_id, principal), fmt, in_)


def file_format(format_: str | None, accept: str | None) -> Format:
    """As `wanted`, but a file unless JSON is asked for by name: this route is a file."""
    fmt = wanted(format_, accept)
    return "xlsx" if fmt == "json" and format_ is None else fmt


def answered(instruction: Instruction, fmt: Format, lang: Lang) -> Response:
    made = InstructionFile(instruction, lang)
    if fmt == "json":
        return json_answer(made.json())
    return made.response(fmt)
