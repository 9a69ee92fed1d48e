"""Searching cases and messages by their words."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from casework import search
from web.guard import context_of, route
from web.render import page


async def search_page(request: Request) -> Response:
    query = request.query_params.get("q", "")
    try:
        number = max(1, int(request.query_params.get("pagina", "1")))
    except ValueError:
        number = 1
    found = await run_in_threadpool(search.find, context_of(request).store, query, page=number)
    return page(request, "search.html", section="zoeken", found=found)


routes = [route("/zoeken", search_page)]
