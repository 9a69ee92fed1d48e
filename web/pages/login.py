"""Logging in and out. The log-in form is the only page without a session."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from casework import accounts
from web.guard import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    Access,
    context_of,
    csrf_token,
    route,
    safe_next,
    secure,
)
from web.render import page


async def login_form(request: Request) -> Response:
    if request.state.user is not None:
        return RedirectResponse(safe_next(request.query_params.get("volgende")), 303)
    return _form(request)


async def log_in(request: Request) -> Response:
    form = await request.form()
    name = str(form.get("naam", ""))
    password = str(form.get("wachtwoord", ""))
    target = safe_next(str(form.get("volgende", "")))
    context = context_of(request)
    client = request.client.host if request.client else None
    try:
        logged_in = await run_in_threadpool(
            accounts.log_in, context.store, name, password, client, hasher=context.hasher
        )
    except accounts.LoginThrottled as exc:
        return _form(request, str(exc), name=name, status_code=429)
    except accounts.LoginFailed as exc:
        return _form(request, str(exc), name=name, status_code=401)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        logged_in.token,
        httponly=True,
        samesite="lax",
        secure=secure(request),
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


async def log_out(request: Request) -> Response:
    context = context_of(request)
    await run_in_threadpool(accounts.log_out, context.store, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/inloggen", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _form(
    request: Request, problem: str | None = None, *, name: str = "", status_code: int = 200
) -> Response:
    token = csrf_token(request)
    response = page(
        request,
        "login.html",
        status_code=status_code,
        problem=problem,
        name=name,
        target=safe_next(request.query_params.get("volgende")),
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="lax", secure=secure(request), path="/"
    )
    return response


routes = [
    route("/inloggen", login_form, access=Access.PUBLIC),
    route("/inloggen", log_in, methods=("POST",), access=Access.PUBLIC),
    route("/uitloggen", log_out, methods=("POST",)),
]
