"""The triage queue: what waits for a person, most urgent first."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from casework import inbox
from web.guard import context_of, route
from web.render import page


async def triage(request: Request) -> Response:
    context = context_of(request)
    queue = await run_in_threadpool(inbox.triage_queue, context.store, context.office)
    # the queue counted what waits already: the navigation shows the same numbers
    return page(
        request, "triage.html", section="triage", queue=queue, back="/triage", counts=queue.waiting
    )


routes = [route("/triage", triage)]
