"""The ASGI app of `klachtenbus serve`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from casework import inbox
from web.context import WebContext
from web.guard import route
from web.pages import login
from web.render import error_page, server_error_page
from web.security import SecurityHeaders

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"


async def home(request: Request) -> Response:
    return RedirectResponse("/triage", status_code=303)


def routes() -> list[BaseRoute]:
    from web.pages import pages_routes

    return [
        route("/", home),
        *login.routes,
        *pages_routes(),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]


def create_app(
    context: WebContext, *, navigation: Callable[[WebContext], Any] | None = None
) -> Starlette:
    app = Starlette(
        routes=routes(),
        exception_handlers={
            HTTPException: _http_error,
            Exception: _failed,
        },
    )
    app.state.context = context
    app.state.navigation = navigation or (lambda c: inbox.navigation_counts(c.store, c.office))
    app.add_middleware(SecurityHeaders)
    return app


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    _ensure_user(request)
    if exc.status_code == 404:
        return error_page(request, 404, "Deze pagina bestaat niet (meer). Ga terug naar de triage.")
    if exc.status_code == 405:
        return error_page(request, 405, "Dit kan hier niet; gebruik de knoppen op de pagina.")
    return error_page(request, exc.status_code, "Dit verzoek kan niet worden uitgevoerd.")


async def _failed(request: Request, exc: Exception) -> Response:
    log.exception("Fout bij %s %s", request.method, request.url.path, exc_info=exc)
    _ensure_user(request)  # outside any route (every route's own errors are the guard's)
    return server_error_page(request)


def _ensure_user(request: Request) -> None:
    if not hasattr(request.state, "user"):
        request.state.user = None  # a page outside any guarded route: show it without a menu
