"""The inbox and one message: every message received, what it says, and what officers decide
about it. Each handler asks who, calls one use case, and renders its result."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from casework import accounts, inbox, message, triage
from klachtenbus.errors import KlachtenbusError
from web.guard import context_of, route, safe_next
from web.render import counted_page, error_page, with_notice


def _actor(request: Request) -> str:
    return str(request.state.user.user.name)


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


async def inbox_page(request: Request) -> Response:
    params = request.query_params
    wanted = inbox.inbox_filter(
        kind=params.get("soort", ""),
        flag=params.get("vlag", ""),
        mailbox=params.get("map", ""),
        since=params.get("van", ""),
        until=params.get("tot", ""),
        page=params.get("pagina", ""),
    )
    context = context_of(request)
    found = await run_in_threadpool(inbox.inbox, context.store, context.office, wanted)
    return await counted_page(
        request,
        "inbox.html",
        section="berichten",
        inbox=found,
        kinds=list(inbox.KIND_FILTERS),
        flags=list(inbox.FLAG_FILTERS),
        back=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        link=lambda **changes: "/berichten?" + urlencode(wanted.query(**changes)),
    )


async def message_page(request: Request) -> Response:
    return await _message(request, request.path_params["number"])


async def _message(
    request: Request, number: int, problem: str | None = None, status_code: int = 200
) -> Response:
    context = context_of(request)
    try:
        shown = await run_in_threadpool(
            lambda: message.read_message(
                context.store,
                context.office,
                number,
                reader=_actor(request),
                rules_file=context.rules_file,
                attachment_limits=context.attachment_limits,
            )
        )
    except message.MessageNotFound as exc:
        return error_page(request, 404, str(exc))
    officers = await run_in_threadpool(accounts.list_users, context.store)
    return await counted_page(
        request,
        "message.html",
        status_code=status_code,
        section="berichten",
        page=shown,
        problem=problem,
        officers=[o for o in officers if o.active],
        meldcode_to=context.office.organisation.meldcode_address
        or context.office.organisation.address,
    )


async def _act(request: Request, number: int, act: Callable[[], str]) -> Response:
    """Run a decision; on success back to the message with a notice, on a refusal the
    message again with what to do (nothing was changed)."""
    try:
        notice = await run_in_threadpool(act)
    except message.MessageNotFound as exc:
        return error_page(request, 404, str(exc))
    except KlachtenbusError as exc:
        return await _message(request, number, problem=str(exc), status_code=400)
    return with_notice(RedirectResponse(f"/berichten/{number}", status_code=303), str(notice))


async def decide(request: Request) -> Response:
    number = request.path_params["number"]
    form = await request.form()
    context, officer = context_of(request), _actor(request)

    def act() -> str:
        done = triage.decide(
            context.store,
            str(number),
            _field(form, "soort"),
            flags=None,  # the kind is decided here; a meldcode signal stays unless taken back
            without=["meldcode"] if _field(form, "geen-meldcode") else [],
            officer=officer,
            note=_field(form, "notitie") or None,
            office=context.office,
        )
        return decided_notice(done, officer)

    return await _act(request, number, act)


def decided_notice(done: triage.Decided, officer: str) -> str:
    word = triage.DUTCH[done.kind] if done.kind else "?"
    parts = [f"Bericht {done.number} is vastgelegd als {word} door {officer}."]
    if done.case_number:
        parts.append(
            f"Geregistreerd als zaak {done.case_number}; de ontvangstbevestiging staat klaar "
            "om te worden verstuurd."
        )
    for other, their in dict.fromkeys(done.earlier):
        their_word = inbox.KIND_LABELS.get(their, their)  # type: ignore[call-overload]
        parts.append(
            f"Let op: {other} besliste eerder '{their_word}'; beide beslissingen blijven bewaard."
        )
    if done.existing_case and done.kind != triage.Kind.COMPLAINT:
        parts.append(
            f"Dit bericht hoort bij zaak {done.existing_case}; is het geen klacht, sluit die "
            "zaak dan onder Zaken."
        )
    return " ".join(parts)


async def attach(request: Request) -> Response:
    number = request.path_params["number"]
    form = await request.form()
    context, officer = context_of(request), _actor(request)

    def act() -> str:
        done = triage.attach(
            context.store,
            number,
            _field(form, "zaak"),
            officer=officer,
            kind=_field(form, "soort") or "opmerking",
            note=_field(form, "notitie") or None,
        )
        return f"Bericht {done.number} hoort nu bij zaak {done.case_number} (als vervolg)."

    return await _act(request, number, act)


async def meldcode(request: Request) -> Response:
    number = request.path_params["number"]
    form = await request.form()
    context, officer = context_of(request), _actor(request)

    def act() -> str:
        done = triage.meldcode(
            context.store,
            context.office,
            number,
            _field(form, "soort"),
            officer=officer,
            note=_field(form, "notitie") or None,
        )
        if done.already_alerted:
            said = f"{done.recipient} was al gewaarschuwd over bericht {done.number}."
        else:
            said = f"Meldcode-signaal: {done.recipient} is gewaarschuwd over bericht {done.number}."
        if done.registered:
            said += f" Geregistreerd als zaak {done.registered}; de ontvangstbevestiging wacht."
        if done.held_letters:
            said += f" {done.held_letters} brief/brieven aan de afzender tegengehouden."
        if done.case_number:
            said += f" De overdracht staat in zaak {done.case_number}."
        return said

    return await _act(request, number, act)


async def assign(request: Request) -> Response:
    number = request.path_params["number"]
    form = await request.form()
    context, actor = context_of(request), _actor(request)

    def act() -> str:
        done = triage.assign(context.store, number, _field(form, "behandelaar"), actor=actor)
        if done.case_number:
            return f"Zaak {done.case_number} is toegewezen aan {done.officer}."
        return f"Bericht {done.number} is toegewezen aan {done.officer}."

    return await _act(request, number, act)


async def label_many(request: Request) -> Response:
    """Machine mail labelled in one go, from the inbox or the triage (checkboxes, no script)."""
    form = await request.form()
    back = safe_next(_field(form, "terug") or "/berichten")
    chosen = [v for v in form.getlist("bericht") if isinstance(v, str) and v.strip()]
    context, officer = context_of(request), _actor(request)
    done = await run_in_threadpool(
        lambda: triage.decide_many(
            context.store, chosen, _field(form, "soort") or "automatisch", officer=officer
        )
    )
    word = triage.DUTCH[done[0].kind] if done and done[0].kind else "automatisch"
    numbers = ", ".join(str(d.number) for d in done)
    notice = f"{len(done)} bericht(en) vastgelegd als {word} door {officer}: {numbers}."
    return with_notice(RedirectResponse(back, status_code=303), notice)


async def download_attachment(request: Request) -> Response:
    number, index = request.path_params["number"], request.path_params["index"]
    context = context_of(request)
    try:  # the address counts from 1, as the page does
        found = await run_in_threadpool(
            lambda: message.attachment(context.store, number, index - 1, reader=_actor(request))
        )
    except (message.MessageNotFound, message.AttachmentNotFound) as exc:
        return error_page(request, 404, str(exc))
    return download(found)


async def download_original(request: Request) -> Response:
    number = request.path_params["number"]
    context = context_of(request)
    try:
        found = await run_in_threadpool(
            lambda: message.original(context.store, number, reader=_actor(request))
        )
    except message.MessageNotFound as exc:
        return error_page(request, 404, str(exc))
    return download(found)


def download(found: message.Download) -> Response:
    """Bytes a browser saves and never shows or runs: an attachment of unknown type, with
    the name in RFC 5987 form (and a plain ASCII fallback)."""
    return Response(
        found.content,
        media_type="application/octet-stream",
        headers={"Content-Disposition": content_disposition(found.name)},
    )


def content_disposition(name: str) -> str:
    fallback = (
        "".join(
            c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in name
        ).strip()
        or "bijlage"
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


routes = [
    route("/berichten", inbox_page),
    route("/berichten/automatisch", label_many, methods=("POST",)),
    route("/berichten/{number:int}", message_page),
    route("/berichten/{number:int}/beslissing", decide, methods=("POST",)),
    route("/berichten/{number:int}/zaak", attach, methods=("POST",)),
    route("/berichten/{number:int}/meldcode", meldcode, methods=("POST",)),
    route("/berichten/{number:int}/toewijzen", assign, methods=("POST",)),
    route("/berichten/{number:int}/bijlagen/{index:int}", download_attachment),
    route("/berichten/{number:int}/origineel", download_original),
]
