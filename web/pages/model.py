"""The admin's model pages: versions, retraining with its progress, a candidate beside the
active model, the shadow's verdicts, and the cut-offs with their effect before saving.

A retraining asked for here is a row the worker picks up (`casework.retraining.request`);
nothing is trained in a web request.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from casework import cutoffs, model_versions, retraining
from klachtenbus.vocabulary import TRAINING_LABELS
from web.guard import Access, context_of, route
from web.render import page, with_notice

SECTION = "beheer"


def _actor(request: Request) -> str:
    return str(request.state.user.user.name)


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _back(path: str, notice: str) -> Response:
    return with_notice(RedirectResponse(path, status_code=303), notice)


async def model_page(request: Request) -> Response:
    store = context_of(request).store
    versions = await run_in_threadpool(model_versions.versions, store)
    runs = await run_in_threadpool(retraining.runs, store)
    disagreeing = await run_in_threadpool(retraining.disagreements, store)
    return page(
        request, "model.html", section=SECTION, versions=versions, runs=runs,
        run=runs[0] if runs else None, disagreeing=disagreeing, training_labels=TRAINING_LABELS,
    )  # fmt: skip


async def training_fragment(request: Request) -> Response:
    """The latest run's progress, polled by the page while it is open (htmx)."""
    runs = await run_in_threadpool(retraining.runs, context_of(request).store, 1)
    return page(
        request, "_training.html", run=runs[0] if runs else None, training_labels=TRAINING_LABELS
    )


async def start_training(request: Request) -> Response:
    form = await _form(request)
    run_id = await run_in_threadpool(
        retraining.request,
        context_of(request).store,
        _actor(request),
        despite_disagreements=form.get("ondanks_onenigheid") == "1",
    )
    return _back(
        "/beheer/model#training",
        f"Hertraining {run_id} staat klaar; de bot begint er binnen enkele seconden aan.",
    )


async def cancel_training(request: Request) -> Response:
    run_id = request.path_params["run"]
    await run_in_threadpool(retraining.cancel, context_of(request).store, _actor(request), run_id)
    return _back("/beheer/model#training", f"Hertraining {run_id} wordt geannuleerd.")


async def version_page(request: Request) -> Response:
    store = context_of(request).store
    number = request.path_params["version"]
    candidate, against = await run_in_threadpool(model_versions.comparison, store, number)
    active = await run_in_threadpool(model_versions.active_version, store)
    shadow = await run_in_threadpool(model_versions.shadow_results, store, number)
    return page(
        request, "model_version.html", section=SECTION, version=candidate, against=against,
        active=active, shadow=shadow, kinds=model_versions.KIND_WORDS,
    )  # fmt: skip


async def promote(request: Request) -> Response:
    number = request.path_params["version"]
    shown = await run_in_threadpool(
        model_versions.promote, context_of(request).store, _actor(request), number
    )
    return _back(
        "/beheer/model",
        f"Modelversie {shown.id} is actief; de bot gebruikt hem vanaf de volgende ronde.",
    )


async def discard(request: Request) -> Response:
    number = request.path_params["version"]
    await run_in_threadpool(
        model_versions.discard, context_of(request).store, _actor(request), number
    )
    return _back("/beheer/model", f"Modelversie {number} is verworpen.")


async def shadow(request: Request) -> Response:
    number = request.path_params["version"]
    on = (await _form(request)).get("aan") == "1"
    await run_in_threadpool(
        model_versions.shadow, context_of(request).store, _actor(request), number, on
    )
    notice = (
        f"Modelversie {number} kijkt mee: hij beoordeelt nieuwe post naast het actieve model, "
        "zonder iets te doen."
        if on
        else f"Modelversie {number} kijkt niet meer mee."
    )
    return _back(f"/beheer/model/{number}", notice)


async def cut_offs_page(request: Request) -> Response:
    return await _cut_offs(request)


async def _cut_offs(
    request: Request,
    *,
    typed: dict[str, str] | None = None,
    effect: cutoffs.Effect | None = None,
    problem: str | None = None,
    status_code: int = 200,
) -> Response:
    context = context_of(request)
    shown = await run_in_threadpool(cutoffs.cut_offs, context.store, context.thresholds)
    return page(
        request, "model_cutoffs.html", status_code=status_code, section=SECTION,
        cut_offs=shown, typed=typed or {}, effect=effect, problem=problem,
    )  # fmt: skip


async def save_cut_offs(request: Request) -> Response:
    """First the effect on the last 90 days' mail; saved only from that preview."""
    context = context_of(request)
    form = await _form(request)
    typed = {n: form.get(n, "") for n in cutoffs.names()}
    current = await run_in_threadpool(cutoffs.in_force, context.store, context.thresholds)
    try:
        new = cutoffs.proposed(current, typed)
    except cutoffs.CutOffInvalid as exc:
        return await _cut_offs(request, typed=typed, problem=str(exc), status_code=400)
    if form.get("doen") != "opslaan":
        effect = await run_in_threadpool(cutoffs.effect, context.store, current, new)
        return await _cut_offs(request, typed=typed, effect=effect)
    await run_in_threadpool(cutoffs.save, context.store, _actor(request), current, new)
    return _back(
        "/beheer/model/drempels",
        "De drempels zijn opgeslagen; de bot beslist ermee vanaf de volgende ronde.",
    )


routes = [
    route("/beheer/model", model_page, access=Access.ADMIN),
    route("/beheer/model/training", training_fragment, access=Access.ADMIN),
    route("/beheer/model/trainen", start_training, methods=["POST"], access=Access.ADMIN),
    route(
        "/beheer/model/training/{run:int}/annuleren",
        cancel_training,
        methods=["POST"],
        access=Access.ADMIN,
    ),
    route("/beheer/model/drempels", cut_offs_page, access=Access.ADMIN),
    route("/beheer/model/drempels", save_cut_offs, methods=["POST"], access=Access.ADMIN),
    route("/beheer/model/{version:int}", version_page, access=Access.ADMIN),
    route("/beheer/model/{version:int}/activeren", promote, methods=["POST"], access=Access.ADMIN),
    route("/beheer/model/{version:int}/verwerpen", discard, methods=["POST"], access=Access.ADMIN),
    route("/beheer/model/{version:int}/meekijken", shadow, methods=["POST"], access=Access.ADMIN),
]
