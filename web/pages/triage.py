"""The triage queue: what waits for an officer's decision."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from casework import labelling
from web.guard import context_of, route
from web.render import page


async def triage(request: Request) -> Response:
    waiting = await run_in_threadpool(labelling.triage, context_of(request).store)
    return page(request, "triage.html", section="triage", waiting=waiting)


routes = [route("/triage", triage)]
