"""Pages in Dutch, dates and times in the procedure's time zone."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote
from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from outbox import dutch_date
from web.guard import context_of, csrf_token

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
NOTICE_COOKIE = "klachtenbus_melding"


def local(request: Request, moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.astimezone(ZoneInfo(context_of(request).office.procedure.time_zone))


def _when(request: Request) -> Any:
    def when(moment: datetime | date | None, *, time: bool = True) -> str:
        if moment is None:
            return "—"
        if isinstance(moment, datetime):
            shown = local(request, moment)
            assert shown is not None
            day = dutch_date(shown.date())
            return f"{day} {shown:%H:%M}" if time else day
        return dutch_date(moment)

    return when


def page(request: Request, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    """Render a page with what every page shows: who is logged in, the CSRF token, the
    counts in the navigation and a notice from the previous action."""
    user = getattr(request.state, "user", None)
    navigation = request.app.state.navigation
    counts = values.pop("counts", None)
    if counts is None and user:
        counts = navigation(context_of(request))
    response = TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "user": user.user if user else None,
            "csrf": csrf_token(request),
            "counts": counts,
            "notice": unquote(request.cookies.get(NOTICE_COOKIE, "")) or None,
            "when": _when(request),
            "organisation": context_of(request).office.organisation.name,
            **values,
        },
        status_code=status_code,
    )
    if request.cookies.get(NOTICE_COOKIE):
        response.delete_cookie(NOTICE_COOKIE, path="/")
    return response


async def counted_page(
    request: Request, template: str, status_code: int = 200, **values: Any
) -> HTMLResponse:
    """`page`, with the navigation's counts read off the event loop (they query the database)."""
    if getattr(request.state, "user", None) is not None:
        values["counts"] = await run_in_threadpool(
            request.app.state.navigation, context_of(request)
        )
    return page(request, template, status_code, **values)


def error_page(request: Request, status_code: int, message: str) -> HTMLResponse:
    return page(request, "error.html", status_code=status_code, message=message, status=status_code)


def with_notice(response: Any, text: str) -> Any:
    """Show `text` once on the next page (after a redirect)."""
    response.set_cookie(
        NOTICE_COOKIE,
        quote(text[:500], safe=""),
        max_age=60,
        path="/",
        httponly=True,
        samesite="lax",
    )
    return response


def server_error_page(request: Request) -> HTMLResponse:
    """What an officer sees of a bug: that nothing is lost and the error is logged."""
    return error_page(
        request,
        500,
        "Er ging iets mis aan onze kant; er is niets verloren en de fout is vastgelegd. "
        "Probeer het opnieuw of meld het aan de beheerder.",
    )
