"""Signing in with a token (then a session cookie: HttpOnly, SameSite=Strict, Secure over
https) and signing out. Both forms carry a CSRF token: the sign-in form a double-submit
token in a cookie of its own (no session exists yet), every later form the session's."""

from __future__ import annotations

import hmac
import secrets

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from api.auth import verify_bearer
from api.console.sessions import COOKIE, RANDOM_BYTES, SIGN_IN_COOKIE
from api.console.web import ConsoleRoute, ViewerDep, render, sessions_of
from api.deps import LedgerDep

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
MOST_TOKEN_CHARS = 200  # a token is 81 characters (api/auth.py TOKEN_FORMAT); more is not one
HOME = "/console/overview"


def safe_next(wanted: str | None) -> str:
    """Only a path inside the console: never another site (`//evil`, `/\\evil`)."""
    if (
        not wanted
        or not wanted.startswith("/console/")
        or wanted.startswith("/console/sign-")
        or any(c in wanted for c in "\\\r\n")
        or len(wanted) > 2000
    ):
        return HOME
    return wanted


@router.get("/console")
async def console_home() -> Response:
    return RedirectResponse(HOME, status_code=303)


@router.get("/console/sign-in")
async def sign_in_form(
    request: Request, next: str | None = None, failed: str | None = None
) -> Response:
    csrf = request.cookies.get(SIGN_IN_COOKIE) or secrets.token_urlsafe(RANDOM_BYTES)
    response = render(request, "sign_in.html", {"viewer": None, "csrf": csrf,
                      "next": safe_next(next), "failed": failed})  # fmt: skip
    response.set_cookie(SIGN_IN_COOKIE, csrf, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/console/sign-in")  # fmt: skip
    return response


@router.post("/console/sign-in")
async def sign_in(request: Request, ledger: LedgerDep) -> Response:
    form = await request.form()
    token, sent_csrf, wanted = (str(form.get(k) or "") for k in ("token", "csrf", "next"))
    expected = request.cookies.get(SIGN_IN_COOKIE) or ""
    if not expected or not hmac.compare_digest(expected.encode(), sent_csrf.encode()):
        return RedirectResponse("/console/sign-in?failed=form", status_code=303)
    token = token.strip()
    access = None
    if len(token) <= MOST_TOKEN_CHARS:
        access = await run_in_threadpool(verify_bearer, ledger, token)
    if access is None:
        return RedirectResponse("/console/sign-in?failed=token", status_code=303)
    session_id, _ = sessions_of(request).open(token)
    response = RedirectResponse(safe_next(wanted), status_code=303)
    response.set_cookie(COOKIE, session_id, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/console")  # fmt: skip
    response.delete_cookie(SIGN_IN_COOKIE, path="/console/sign-in")
    return response


@router.post("/console/sign-out")
async def sign_out(request: Request, viewer: ViewerDep) -> Response:
    form = await request.form()
    viewer.require_csrf(form.get("csrf"))
    sessions_of(request).close(request.cookies.get(COOKIE))
    response = RedirectResponse("/console/sign-in", status_code=303)
    response.delete_cookie(COOKIE, path="/console")
    return response
