"""The admins' dashboard and the quarterly and annual report: charts drawn on the server as
SVG, each with its table and a CSV download; the report also as a PDF."""

from __future__ import annotations

from datetime import date, datetime

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from casework import dashboard
from casework.exports import CSV_MEDIA_TYPE, Cell, csv_bytes
from web.charts import draw
from web.guard import Access, context_of, route
from web.render import error_page, page


def cell(value: Cell) -> str:
    """A table cell on screen: shares as percentages, nothing as a dash."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value * 100:.0f}%"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


async def dashboard_page(request: Request) -> Response:
    context = context_of(request)
    shown = await run_in_threadpool(dashboard.dashboard, context.store, context.office)
    return page(
        request,
        "beheer/dashboard.html",
        section="beheer",
        board=shown,
        drawings=[draw(c) for c in shown.charts],
        cell=cell,
    )


async def dashboard_csv(request: Request) -> Response:
    context = context_of(request)
    name = request.path_params["name"]
    shown = await run_in_threadpool(dashboard.dashboard, context.store, context.office)
    chart = shown.chart(name)
    if chart is None:
        return error_page(request, 404, "Deze grafiek bestaat niet; kies er een op het dashboard.")
    return Response(
        csv_bytes(chart.header, chart.rows),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="dashboard-{chart.name}.csv"'},
    )


routes = [
    route("/beheer/dashboard", dashboard_page, access=Access.ADMIN),
    route("/beheer/dashboard/{name}.csv", dashboard_csv, access=Access.ADMIN),
]
