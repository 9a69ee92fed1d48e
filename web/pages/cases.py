"""The officers' case pages: the list of cases, one case, and what an officer does with it.

A change that sends the complainant a letter is shown first as that letter (To, From,
Subject, text) with the free text still editable; only the confirmation of exactly that
letter, by its fingerprint, makes the change (see casework.outgoing).
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from casework import case_list, case_view, cases, registration
from casework.outgoing import LetterChanged
from casework.registration import FieldInvalid
from casework.similar import similar_cases
from klachtenbus.errors import KlachtenbusError
from klachtenbus.vocabulary import CaseStatus, Closure, Outcome
from outbox.case_letters import LetterNotComplete
from procedures.lifecycle import LABELS, WORDS
from web.guard import context_of, route
from web.render import error_page, page, with_notice

STATUS_OF_WORD = {word: status for status, word in WORDS.items()}


async def case_list_page(request: Request) -> Response:
    context = context_of(request)
    wanted = case_list.CaseFilter.from_words(dict(request.query_params))
    found = await run_in_threadpool(case_list.list_cases, context.store, context.office, wanted)
    return page(
        request,
        "cases.html",
        section="zaken",
        found=found,
        statuses=[(WORDS[s], s.value, LABELS[s]) for s in CaseStatus],
        sorts=case_list.SORT_LABELS,
        OPEN=case_list.OPEN,
        ALL=case_list.ALL,
    )


async def case_page(request: Request) -> Response:
    return await _case_page(request)


async def _case_page(
    request: Request,
    *,
    status_code: int = 200,
    problem: str | None = None,
    invalid: str | None = None,
    typed: dict[str, str] | None = None,
) -> Response:
    """The case page; after a refused edit, with the problem beside the field and what the
    officer typed kept."""
    context = context_of(request)
    number = request.path_params["number"]
    try:
        shown = await run_in_threadpool(case_view.case_page, context.store, context.office, number)
    except cases.CaseNotFound as exc:
        return error_page(
            request, 404, str(exc).replace("met klachtenbus cases", "in de lijst van zaken")
        )
    return page(
        request,
        "case.html",
        status_code=status_code,
        section="zaken",
        case=shown,
        fields=registration.FIELDS,
        values={**shown.fields, **(typed or {})},
        outcomes=list(Outcome),
        problem=problem,
        invalid=invalid,
        zone=context.office.procedure.time_zone,
    )


async def save_fields(request: Request) -> Response:
    context = context_of(request)
    number = request.path_params["number"]
    words = await _form(request)
    try:
        result = await run_in_threadpool(
            registration.edit_from_words, context.store, number, words, actor=_actor(request)
        )
    except FieldInvalid as exc:
        return await _case_page(
            request, status_code=400, problem=str(exc), invalid=exc.word, typed=words
        )
    if result.changed:
        notice = (
            f"Registratie van {number} bijgewerkt: {registration.changed_labels(result.changed)}."
        )
    else:
        notice = f"Niets gewijzigd aan de registratie van {number}."
    return _back(number, notice, "#registratie")


async def assign(request: Request) -> Response:
    context = context_of(request)
    number = request.path_params["number"]
    form = await _form(request)
    who = form.get("behandelaar", "")
    result = await run_in_threadpool(
        cases.assign, context.store, number, who or None, actor=_actor(request)
    )
    if not result.changed:
        return _back(number, f"{number}: de behandelaar was al {who or 'niemand'}.", "#behandelaar")
    return _back(number, f"{number} is nu van {who or 'niemand'}.", "#behandelaar")


async def step_form(request: Request) -> Response:
    """The form for one move: the reason for the history, the text for the letter, and for a
    move past a required step the reason to skip it."""
    context = context_of(request)
    number = request.path_params["number"]
    shown = await run_in_threadpool(case_view.case_page, context.store, context.office, number)
    skipping = request.query_params.get("overslaan") == "1"
    word = request.query_params.get("naar", "")
    choices = shown.skips if skipping else shown.moves
    choice = next((c for c in choices if c.word == word), None)
    if choice is None:
        raise KlachtenbusError(
            f"{number} kan vanaf '{shown.status_label}' niet naar '{word}'"
            + (" met overslaan" if skipping else "")
            + ". Kies een van de knoppen op de pagina van de zaak."
        )
    frame = ""
    if choice.letter == "bevindingen":
        frame, _ = await run_in_threadpool(
            cases.preview, context.store, context.office, number, "bevindingen"
        )
    return page(
        request, "case_step.html", section="zaken", case=shown, choice=choice,
        skipping=skipping, values={"brief": frame}, outcomes=list(Outcome), problem=None,
    )  # fmt: skip


async def step(request: Request) -> Response:
    """Preview the move's letters, or make the move once the officer confirms exactly them."""
    context = context_of(request)
    number = request.path_params["number"]
    form = await _form(request)
    target = STATUS_OF_WORD.get(form.get("naar", ""))
    if target is None:
        raise KlachtenbusError(
            "Kies de nieuwe status met een van de knoppen op de pagina van de zaak."
        )
    closure = _closure(form.get("afloop", "")) if target == CaseStatus.CLOSED else None
    outcome = _outcome(form.get("oordeel", ""))
    change: dict[str, Any] = {
        "actor": _actor(request),
        "reason": form.get("reden", "").strip(),
        "closure": closure,
        "outcome": outcome,
        "letter_text": form.get("toelichting", "").strip(),
        "officer_text": form.get("brief") if "brief" in form else None,
        "skip_reason": form.get("overslaan", ""),
    }
    if not change["reason"]:
        raise KlachtenbusError(
            "Geef een reden voor het dossier (het veld 'Reden'); die blijft intern."
        )

    def move(**extra: Any) -> cases.Result:
        return cases.move(context.store, context.office, number, target, **change, **extra)

    return await _preview_or_confirm(
        request, number, form, move, f"/zaken/{number}/stap",
        f"{number} staat nu op ‘{LABELS[target]}’.",
    )  # fmt: skip


async def extend(request: Request) -> Response:
    context = context_of(request)
    number = request.path_params["number"]
    form = await _form(request)
    try:
        weeks = int(form.get("weken", "") or 0) or None
    except ValueError:
        raise KlachtenbusError("Kies het aantal weken uit de lijst.") from None
    reason = form.get("reden", "").strip()
    if not reason:
        raise KlachtenbusError(
            "Geef een reden voor het dossier (het veld 'Reden'); die blijft intern."
        )

    def extended(**extra: Any) -> cases.Result:
        return cases.extend(
            context.store, context.office, number, actor=_actor(request), reason=reason,
            letter_text=form.get("toelichting", "").strip(), weeks=weeks, **extra,
        )  # fmt: skip

    return await _preview_or_confirm(
        request, number, form, extended, f"/zaken/{number}/verdagen",
        f"{number} is verdaagd; de klager krijgt de brief met de nieuwe datum.",
    )  # fmt: skip


async def suspend(request: Request) -> Response:
    context = context_of(request)
    number = request.path_params["number"]
    reason = (await _form(request)).get("reden", "").strip()
    if not reason:
        raise KlachtenbusError("Geef een reden voor het opschorten (het veld 'Reden').")
    await run_in_threadpool(
        cases.suspend, context.store, context.office, number, actor=_actor(request), reason=reason
    )
    return _back(number, f"{number} is opgeschort: de klok staat stil tot u de zaak hervat.")


async def resume(request: Request) -> Response:
    context = context_of(request)
    number = request.path_params["number"]
    reason = (await _form(request)).get("reden", "").strip()
    if not reason:
        raise KlachtenbusError("Geef een reden voor het hervatten (het veld 'Reden').")
    result = await run_in_threadpool(
        cases.resume, context.store, context.office, number, actor=_actor(request), reason=reason
    )
    return _back(
        number, f"{number} is hervat en staat weer op ‘{LABELS[CaseStatus(result.status)]}’."
    )


async def similar(request: Request) -> Response:
    """The similar earlier complaints: a fragment the case page loads (htmx), or a page."""
    context = context_of(request)
    number = request.path_params["number"]
    found = await run_in_threadpool(similar_cases, context.store, number)
    if request.headers.get("hx-request"):
        return page(request, "similar_fragment.html", found=found)
    return page(request, "similar.html", section="zaken", found=found)


async def _preview_or_confirm(
    request: Request,
    number: str,
    form: dict[str, str],
    change: Any,
    action: str,
    done: str,
) -> Response:
    """Confirmed with the fingerprint of what was shown: make the change. Otherwise (or when
    the letter changed since): show the letters as they would go. A change that sends no
    letter is made at once."""
    problem = None
    if form.get("actie") == "versturen" and form.get("bevestig"):
        try:
            result = await run_in_threadpool(lambda: change(expected=form["bevestig"]))
        except LetterChanged as exc:
            problem = str(exc)
        else:
            return _back(number, done + _letters(result))
    try:
        seen = await run_in_threadpool(lambda: change(preview=True))
    except LetterNotComplete as exc:
        problem = str(exc).replace("Vul ze in en probeer opnieuw.", "Vul ze hieronder in.")
        return _preview(request, number, form, action, None, problem, status_code=400)
    if not seen.drafts and problem is None:  # no letter to look at: made as worked out
        await run_in_threadpool(lambda: change(expected=seen.fingerprint))
        return _back(number, done)
    return _preview(request, number, form, action, seen, problem)


def _preview(
    request: Request,
    number: str,
    form: dict[str, str],
    action: str,
    seen: cases.Result | None,
    problem: str | None,
    *,
    status_code: int = 200,
) -> Response:
    kept = {k: form[k] for k in ("naar", "afloop", "oordeel", "weken") if form.get(k)}
    return page(
        request, "letter_preview.html", status_code=status_code, section="zaken", number=number,
        action=action, seen=seen, kept=kept, reason=form.get("reden", ""),
        skip_reason=form.get("overslaan", ""),
        text_field="brief" if "brief" in form else "toelichting",
        text=form.get("brief", form.get("toelichting", "")), problem=problem,
        target_label=LABELS[STATUS_OF_WORD[form["naar"]]] if form.get("naar") in STATUS_OF_WORD else None,
    )  # fmt: skip


def _letters(result: cases.Result) -> str:
    if not result.letters:
        return ""
    return f" Brief in de uitgaande post: {', '.join(result.letters)}."


def _closure(word: str) -> Closure:
    try:
        return Closure(word)
    except ValueError:
        raise KlachtenbusError("Kies hoe de zaak afloopt (het veld 'Afloop').") from None


def _outcome(word: str) -> Outcome | None:
    if not word:
        return None
    try:
        return Outcome(word)
    except ValueError:
        raise KlachtenbusError(
            f"Oordeel '{word}' bestaat niet; kies uit {', '.join(Outcome)}."
        ) from None


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf"}


def _actor(request: Request) -> str:
    """Who did it, as the case's history and the audit trail keep it: the account name."""
    return str(request.state.user.user.name)


def _back(number: str, notice: str, anchor: str = "") -> Response:
    return with_notice(RedirectResponse(f"/zaken/{number}{anchor}", status_code=303), notice)


_N = "/zaken/{number}"
routes = [
    route("/zaken", case_list_page),
    route(_N, case_page),
    route(_N + "/velden", save_fields, methods=("POST",)),
    route(_N + "/behandelaar", assign, methods=("POST",)),
    route(_N + "/stap", step_form),
    route(_N + "/stap", step, methods=("POST",)),
    route(_N + "/verdagen", extend, methods=("POST",)),
    route(_N + "/opschorten", suspend, methods=("POST",)),
    route(_N + "/hervatten", resume, methods=("POST",)),
    route(_N + "/vergelijkbaar", similar),
]
