"""One module a part of the app; each exposes `routes`."""

from __future__ import annotations

from starlette.routing import BaseRoute


def pages_routes() -> list[BaseRoute]:
    """Every page of the app but logging in; a new part adds its `routes` here."""
    from web.pages import admin, audit, cases, dashboard, messages, model, reports, search, triage
    from web.pages import health as health_pages

    return [
        *triage.routes,
        *messages.routes,
        *cases.routes,
        *search.routes,
        *admin.routes,
        *audit.routes,
        *dashboard.routes,
        *reports.routes,
        *model.routes,
        *health_pages.routes,
    ]
