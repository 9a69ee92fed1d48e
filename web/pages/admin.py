"""The admins' pages: the index of /beheer, the accounts and the settings in force.

Each handler translates the form into one use case of casework.accounts (the same the
`klachtenbus user` commands call); a refusal comes back on the page beside what was typed.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from casework import accounts
from klachtenbus.vocabulary import ROLE_LABELS, Role
from storage import Store
from web.guard import Access, context_of, route
from web.render import page, with_notice

USERS = "/beheer/gebruikers"


async def index(request: Request) -> Response:
    return page(request, "beheer/index.html", section="beheer")


async def users_page(request: Request) -> Response:
    return await _users(request)


async def _users(
    request: Request,
    *,
    problem: str | None = None,
    typed: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    found = await run_in_threadpool(accounts.list_users, context_of(request).store)
    return page(
        request,
        "beheer/users.html",
        status_code=status_code,
        section="beheer",
        accounts=found,
        roles=list(ROLE_LABELS.items()),
        admins=sum(a.role == Role.ADMIN and a.active for a in found),
        problem=problem,
        typed=typed or {},
        minimum=accounts.MIN_PASSWORD_LENGTH,
    )


async def add_user(request: Request) -> Response:
    context = context_of(request)
    form = await _form(request)
    try:
        account = await run_in_threadpool(
            accounts.add_user, context.store, _actor(request), form.get("naam", ""),
            form.get("rol", ""), form.get("wachtwoord", ""), form.get("weergavenaam") or None,
            form.get("email") or None, hasher=context.hasher,
        )  # fmt: skip
    except accounts.AccountError as exc:
        typed = {k: v for k, v in form.items() if k != "wachtwoord"}
        return await _users(request, problem=str(exc), typed=typed, status_code=400)
    return _back(f"Gebruiker {account.name} is toegevoegd als {ROLE_LABELS[account.role]}.")


async def disable(request: Request) -> Response:
    return await _change(request, accounts.disable_user, "{name} is uitgeschakeld.")


async def enable(request: Request) -> Response:
    return await _change(request, accounts.enable_user, "{name} is weer ingeschakeld.")


async def change_role(request: Request) -> Response:
    role = (await _form(request)).get("rol", "")

    def changed(store: Store, actor: str, name: str) -> accounts.Account:
        return accounts.change_role(store, actor, name, role)

    return await _change(request, changed, "{name} is nu {role}.")


async def reset_password(request: Request) -> Response:
    context = context_of(request)
    password = (await _form(request)).get("wachtwoord", "")

    def reset(store: Store, actor: str, name: str) -> accounts.Account:
        return accounts.reset_password(store, actor, name, password, hasher=context.hasher)

    return await _change(
        request, reset, "Nieuw wachtwoord voor {name} gezet; zijn sessies zijn beëindigd."
    )


UseCase = Callable[[Store, str, str], accounts.Account]


async def _change(request: Request, use_case: UseCase, notice: str) -> Response:
    name = request.path_params["name"]
    try:
        account = await run_in_threadpool(
            use_case, context_of(request).store, _actor(request), name
        )
    except accounts.AccountError as exc:
        return await _users(request, problem=str(exc), status_code=400)
    return _back(notice.format(name=account.name, role=ROLE_LABELS[account.role]))


async def settings_page(request: Request) -> Response:
    shown = context_of(request).settings_in_force
    return page(request, "beheer/settings.html", section="beheer", settings=shown)


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf"}


def _actor(request: Request) -> str:
    return str(request.state.user.user.name)


def _back(notice: str) -> Response:
    return with_notice(RedirectResponse(USERS, status_code=303), notice)


_U = USERS + "/{name}"
routes = [
    route("/beheer", index, access=Access.ADMIN),
    route(USERS, users_page, access=Access.ADMIN),
    route(USERS, add_user, methods=("POST",), access=Access.ADMIN),
    route(_U + "/uitschakelen", disable, methods=("POST",), access=Access.ADMIN),
    route(_U + "/inschakelen", enable, methods=("POST",), access=Access.ADMIN),
    route(_U + "/rol", change_role, methods=("POST",), access=Access.ADMIN),
    route(_U + "/wachtwoord", reset_password, methods=("POST",), access=Access.ADMIN),
    route("/beheer/instellingen", settings_page, access=Access.ADMIN),
]
