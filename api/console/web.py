"""What every console page shares: the signed-in principal (the API's own token check,
through the session), the language, rendering with autoescaping and a strict
Content-Security-Policy, and errors shown as pages instead of problem documents.

Every page's data comes from the same ledger, projections and `Access` checks as the
API's routes: the console is another way of showing, never another way in."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import quote

import jinja2
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute

from api.auth import verify_bearer
from api.console import text
from api.console.sessions import COOKIE, LANG_COOKIE, Session, Sessions
from api.deps import LedgerDep, RuntimeDep
from api.problems import Problem, unavailable
from api.runtime import Projections
from domain.errors import Forbidden, InvalidInput, LedgerError, NotFound
from domain.values import parse_date, parse_instant
from service.access import Access

# No inline script or style anywhere: scripts and styles come from the console's own files.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
    " connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none';"
    " base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}

LANG_COOKIE_SECONDS = 365 * 86400  # the language chosen is remembered for a year

templates = jinja2.Environment(
    loader=jinja2.PackageLoader("api.console", "templates"),
    autoescape=True,  # everything a user typed is text, never markup
    undefined=jinja2.StrictUndefined,
)
templates.filters["yuan"] = text.yuan
templates.filters["beijing"] = text.beijing_time
templates.filters["division"] = text.division_name


class CsrfRefused(Forbidden):
    """A posted form's CSRF token is not the session's: ConsoleRoute answers the 403 page."""


class SignInNeeded(Exception):
    """No live session: the page answers with a redirect to the sign-in page."""


def sessions_of(request: Request) -> Sessions:
    state = request.app.state
    if not hasattr(state, "console_sessions"):
        state.console_sessions = Sessions()
    sessions: Sessions = state.console_sessions
    return sessions


def language(request: Request) -> str:
    """`?lang=` first (the toggle, which also sets the cookie), then the cookie; 中文 by default."""
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    return asked if asked in text.LANGUAGES else "zh"


@dataclass(frozen=True)
class Viewer:
    """The signed-in principal, its session (for the CSRF token) and its language."""

    access: Access
    session: Session
    lang: str

    def require_csrf(self, sent: object) -> None:
        """Every console form posts the session's CSRF token; a forged one is refused."""
        if not self.session.csrf_matches(sent if isinstance(sent, str) else None):
            raise CsrfRefused("the form's CSRF token does not match the session")


async def viewer_of(request: Request, ledger: LedgerDep) -> Viewer:
    session = sessions_of(request).find(request.cookies.get(COOKIE))
    if session is None:
        raise SignInNeeded
    access = await run_in_threadpool(verify_bearer, ledger, session.token)
    if access is None:  # revoked since: the session ends with it
        sessions_of(request).close(request.cookies.get(COOKIE))
        raise SignInNeeded
    request.state.subject = access.subject  # for the request log line
    request.state.token_id = access.token_id
    return Viewer(access, session, language(request))


ViewerDep = Annotated[Viewer, Depends(viewer_of)]


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """A page in the viewer's language; `?lang=` is remembered in a cookie."""
    viewer = context.get("viewer")
    lang = viewer.lang if isinstance(viewer, Viewer) else language(request)
    body = templates.get_template(name).render(
        request=request,
        lang=lang,
        t=lambda key: text.word(key, lang),
        source_name=lambda source: text.source_name(source, lang),
        role_name=lambda role: text.role_name(role, lang),
        other_lang_url=other_language_url(request, lang),
        **context,
    )
    response = HTMLResponse(body, status_code=status_code, headers=SECURITY_HEADERS)
    asked = request.query_params.get("lang")
    if asked in text.LANGUAGES:
        response.set_cookie(LANG_COOKIE, asked, max_age=LANG_COOKIE_SECONDS, samesite="strict",
                            secure=request.url.scheme == "https", httponly=True)  # fmt: skip
    return response


def other_language_url(request: Request, lang: str) -> str:
    other = "en" if lang == "zh" else "zh"
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    query = "&".join(f"{quote(k)}={quote(v)}" for k, v in [*kept, ("lang", other)])
    return f"{request.url.path}?{query}"


STATUS_WORDS = {403: "forbidden", 404: "not_found"}


def error_page(request: Request, status: int, detail: str) -> HTMLResponse:
    key = STATUS_WORDS.get(status, "error")
    return render(request, "error.html", {"viewer": None, "title_key": key, "detail": detail},
                  status_code=status)  # fmt: skip


def status_of(error: LedgerError) -> int:
    if isinstance(error, Forbidden):
        return 403
    if isinstance(error, NotFound):
        return 404
    return 422 if isinstance(error, InvalidInput) else 409


def sign_in_redirect(request: Request) -> RedirectResponse:
    """Back to the page asked for once signed in: only a path of the console itself."""
    wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/console/sign-in?next={quote(wanted, safe='')}", status_code=303)


class ConsoleRoute(APIRoute):
    """Console routes answer in HTML: a redirect to sign in without a session, an error
    page for what the ledger refuses, and a Server-Timing header with the page's time."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            started = time.perf_counter()
            try:
                response = await handler(request)
            except SignInNeeded:
                return sign_in_redirect(request)
            except LedgerError as error:
                response = error_page(request, status_of(error), str(error))
            except Problem as error:
                response = error_page(request, error.status, error.detail)
            elapsed = (time.perf_counter() - started) * 1000
            response.headers["Server-Timing"] = f"page;dur={elapsed:.1f}"
            return response

        return page


async def projections_of(runtime: RuntimeDep, viewer: ViewerDep) -> Projections:
    """The projections, once they include this server's own writes (as the API's reads)."""
    projections = runtime.projections()
    if projections is None:
        raise unavailable("this server keeps no projections; reads are not available")
    target = runtime.last_written
    if not target and not projections.has_replica:
        return projections
    try:
        fresh: Projections = await run_in_threadpool(runtime.fresh, projections, target)
    except Problem:
        return projections  # as before: a page, if not yet with this server's last write
    return fresh


ProjectionsDep = Annotated[Projections, Depends(projections_of)]

# A picker's `datetime-local` value has no zone: the console's clocks are Beijing's.
LOCAL_INSTANT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?")


@dataclass(frozen=True)
class When:
    """The `as_of` and `known_at` pickers, as typed and as parsed."""

    as_of: str
    known_at: str
    as_of_date: date | None
    known_at_instant: datetime | None

    @property
    def query(self) -> dict[str, str]:
        return {k: v for k, v in (("as_of", self.as_of), ("known_at", self.known_at)) if v}


def when(as_of: str | None, known_at: str | None) -> When:
    as_of, known_at = (as_of or "").strip(), (known_at or "").strip()
    instant = known_at
    if LOCAL_INSTANT.fullmatch(known_at):
        instant = known_at + (":00" if len(known_at) == 16 else "") + "+08:00"
    return When(
        as_of,
        known_at,
        parse_date("as_of", as_of) if as_of else None,
        parse_instant("known_at", instant) if known_at else None,
    )
