"""The audit page for admins: the trail filtered, and the same selection as CSV. Only GET
routes: nothing in the app edits or deletes the trail."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from casework import audit
from casework.exports import CSV_MEDIA_TYPE, csv_bytes
from web.guard import Access, context_of, route
from web.render import page


async def audit_page(request: Request) -> Response:
    wanted = audit.AuditFilter.from_words(dict(request.query_params))
    found = await run_in_threadpool(audit.find, context_of(request).store, wanted)
    return page(request, "beheer/audit.html", section="beheer", found=found)


async def audit_csv(request: Request) -> Response:
    wanted = audit.AuditFilter.from_words(dict(request.query_params))
    rows = await run_in_threadpool(audit.export, context_of(request).store, wanted)
    return Response(
        csv_bytes(audit.EXPORT_HEADER, rows),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": 'attachment; filename="klachtenbus-audit.csv"'},
    )


routes = [
    route("/beheer/audit", audit_page, access=Access.ADMIN),
    route("/beheer/audit.csv", audit_csv, access=Access.ADMIN),
]
