"""Who may open which page. Every route is made by `route()`, which says who it is for;
nothing reaches an endpoint without a live session (but the log-in page), an admin page
without the admin role, or a form without its CSRF token. `test_every_route_is_guarded`
walks the app's routes, so a route made another way fails the suite."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable, Sequence
from enum import StrEnum
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from casework import accounts
from klachtenbus.errors import KlachtenbusError
from klachtenbus.vocabulary import Role
from web.context import WebContext

SESSION_COOKIE = "klachtenbus_sessie"
LOGIN_CSRF_COOKIE = "klachtenbus_inlog_csrf"  # the log-in form has no session yet
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"
log = logging.getLogger(__name__)
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})

Endpoint = Callable[[Request], Awaitable[Response]]


class Access(StrEnum):
    PUBLIC = "public"  # the log-in page, /healthz and /metrics (no personal data)
    OFFICER = "officer"  # every officer and admin
    ADMIN = "admin"


class GuardedRoute(Route):
    """A route that knows who it is for, so the guard test can check it."""

    access: Access


def route(
    path: str,
    endpoint: Endpoint,
    *,
    methods: Sequence[str] = ("GET",),
    access: Access = Access.OFFICER,
    name: str | None = None,
) -> GuardedRoute:
    async def guarded(request: Request) -> Response:
        context = context_of(request)
        token = request.cookies.get(SESSION_COOKIE)
        user = (
            await run_in_threadpool(accounts.session_user, context.store, token, idle=context.idle)
            if token
            else None
        )
        request.state.user = user
        if access is not Access.PUBLIC and user is None:
            return _to_login(request)
        if access is Access.ADMIN and user is not None and user.user.role != Role.ADMIN:
            from web.render import error_page

            return error_page(
                request,
                403,
                "Deze pagina is alleen voor beheerders. Vraag een beheerder als u hier iets "
                "nodig hebt.",
            )
        if request.method in UNSAFE and not await _csrf_ok(request):
            from web.render import error_page

            return error_page(
                request,
                403,
                "Dit formulier is verlopen of kwam niet van Klachtenbus zelf. Laad de pagina "
                "opnieuw en probeer het nog eens.",
            )
        try:
            return await endpoint(request)
        except KlachtenbusError as exc:  # a use case said no, in Dutch, with what to do
            from web.render import error_page

            return error_page(request, 400, str(exc))
        except HTTPException:
            raise
        except Exception:
            log.exception("Fout bij %s %s", request.method, request.url.path)
            from web.render import server_error_page

            return server_error_page(request)

    made = GuardedRoute(path, guarded, methods=list(methods), name=name or endpoint.__name__)
    made.access = access
    return made


def context_of(request: Request) -> WebContext:
    return request.app.state.context  # type: ignore[no-any-return]


def csrf_token(request: Request) -> str:
    """The token every form and htmx request of this page must send back."""
    user = getattr(request.state, "user", None)
    if user is not None:
        return user.csrf_token  # type: ignore[no-any-return]
    token = getattr(request.state, "login_csrf", None) or request.cookies.get(LOGIN_CSRF_COOKIE)
    if not token:
        token = secrets.token_urlsafe(32)
    request.state.login_csrf = token
    return token


def secure(request: Request) -> bool:
    return context_of(request).secure_cookies or request.url.scheme == "https"


async def _csrf_ok(request: Request) -> bool:
    origin = request.headers.get("origin")
    if origin and origin != f"{request.url.scheme}://{request.url.netloc}":
        return False
    user = request.state.user
    expected = user.csrf_token if user is not None else request.cookies.get(LOGIN_CSRF_COOKIE)
    if not expected:
        return False
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    return sent is not None and secrets.compare_digest(sent, expected)


def _to_login(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    location = f"/inloggen?volgende={quote(target, safe='')}"
    if request.headers.get("hx-request"):
        return Response(status_code=401, headers={"HX-Redirect": location})
    if request.method in UNSAFE:
        location = "/inloggen"
    return RedirectResponse(location, status_code=303)


def safe_next(target: str | None) -> str:
    """Only a path of this app: never another site after logging in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
