"""The quarterly and annual report of `klachtenbus report` in the browser: as a page, each
table as CSV, and the whole as a PDF (WeasyPrint, from the same HTML) for the annual report
chapter an organisation publishes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from casework import dashboard, reports
from casework.exports import CSV_MEDIA_TYPE, csv_bytes
from web.charts import draw
from web.guard import Access, context_of, route
from web.pages.dashboard import cell
from web.render import TEMPLATES, error_page, page

PRINT_CSS = Path(__file__).resolve().parent.parent / "static" / "report-print.css"
PERIOD = "periode"


async def report_page(request: Request) -> Response:
    try:
        shown = await _report(request)
    except reports.PeriodInvalid as exc:
        return page(
            request, "beheer/report.html", status_code=400, section="beheer", problem=str(exc),
            typed=request.query_params.get(PERIOD, ""), forms=reports.PERIOD_FORMS,
        )  # fmt: skip
    return page(request, "beheer/report.html", section="beheer", **shown)


async def report_csv(request: Request) -> Response:
    shown = await _report(request)
    wanted = request.query_params.get("tabel", "")
    table = next((t for t in shown["tables"] if t.name == wanted), None)
    if table is None:
        names = ", ".join(t.name for t in shown["tables"])
        return error_page(request, 404, f"Tabel '{wanted}' bestaat niet; kies uit: {names}.")
    label = shown["result"].period.label
    return Response(
        csv_bytes(table.header, table.rows),
        media_type=CSV_MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="klachten-{label}-{table.name}.csv"'
        },
    )


async def report_pdf(request: Request) -> Response:
    shown = await _report(request)
    organisation = context_of(request).office.organisation.name
    pdf = await run_in_threadpool(pdf_of, shown["result"], organisation)
    label = shown["result"].period.label
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="klachtenrapportage-{label}.pdf"'},
    )


def pdf_of(result: reports.Report, organisation: str) -> bytes:
    """The report as an A4 PDF, from the page's own HTML (`klachtenbus report --pdf` too)."""
    from weasyprint import CSS, HTML  # loaded on first use: it takes a while and needs pango

    html = TEMPLATES.get_template("beheer/report_print.html").render(
        organisation=organisation, **_shown(result)
    )
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(PRINT_CSS))])  # type: ignore[no-any-return]


async def _report(request: Request) -> dict[str, Any]:
    context = context_of(request)
    typed = request.query_params.get(PERIOD, "").strip()
    period = (
        reports.parse_period(typed) if typed else dashboard.previous_quarter(context.office.today())
    )
    result = await run_in_threadpool(reports.report, context.store, context.office, period)
    return _shown(result)


def _shown(result: reports.Report) -> dict[str, Any]:
    return {
        "result": result,
        "tables": reports.tables(result),
        "drawings": [draw(c) for c in dashboard.report_charts(result)],
        "cell": cell,
        "typed": result.period.label,
        "forms": reports.PERIOD_FORMS,
        "problem": None,
    }


routes = [
    route("/beheer/rapportage", report_page, access=Access.ADMIN),
    route("/beheer/rapportage.csv", report_csv, access=Access.ADMIN),
    route("/beheer/rapportage.pdf", report_pdf, access=Access.ADMIN),
]
