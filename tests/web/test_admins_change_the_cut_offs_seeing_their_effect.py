"""An admin changes the cut-offs in the browser: the page shows where each value comes from,
what new values would have done to the last 90 days' mail, and saves them only from that
preview, audited; a value that makes no sense is refused with what to type instead."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from casework import cutoffs
from classify import Thresholds
from storage.models import AuditEntry
from tests.builders import complaint, remark
from tests.casework import arrived
from tests.model_helpers import label
from tests.web_helpers import Web, csrf_of

NOW = Thresholds()  # the settings' defaults: complaint 0.70, remark 0.25


def _mail(web: Web) -> None:
    """Recent mail as the bot judged it, and one message from long ago."""
    for n, (kind, p) in enumerate(
        [("complaint", 0.92), ("complaint", 0.75), ("uncertain", 0.5), ("uncertain", 0.3),
         ("remark", 0.2), ("remark", 0.05), ("other", 0.9)]  # the last: machine mail by its headers
    ):  # fmt: skip
        arrived(web.store, (complaint if kind == "complaint" else remark)(n), kind=kind,
                probability=p)  # fmt: skip
    old = arrived(
        web.store, remark(99), kind="uncertain", probability=0.3,
        received_at=datetime.now(UTC) - timedelta(days=120),
    )  # fmt: skip
    assert old
    label(web.store, 5, "complaint", "fatima")  # the bot said remark (0.2): a complaint missed


def test_the_effect_is_shown_before_saving_and_the_change_is_audited(web: Web) -> None:
    _mail(web)
    admin = web.logged_in("anna", "admin")
    page = admin.get("/beheer/model/drempels")
    assert page.status_code == 200
    assert "instellingen (threshold_complaint)" in page.text and 'value="0,70"' in page.text
    token = csrf_of(admin, "/beheer/model/drempels")
    fields = {"complaint": "0,8", "remark": "0,15", "complaint_without_marker": "0,85"}

    preview = admin.post(
        "/beheer/model/drempels", data={"csrf": token, "doen": "voorbeeld", **fields}
    )
    assert preview.status_code == 200
    text = preview.text
    assert "Effect op de post van de afgelopen 90 dagen (7 berichten)" in text
    assert "1 van klacht naar twijfel" in text  # 0.75 is below 0.80 now
    assert "1 van opmerking naar twijfel" in text  # 0.20 is above 0.15 now
    assert "had de bot er nu 1 en met de nieuwe drempels 0" in text  # the missed complaint
    assert cutoffs.in_force(web.store, NOW) == NOW  # nothing saved by a preview

    saved = admin.post("/beheer/model/drempels", data={"csrf": token, "doen": "opslaan", **fields})
    assert saved.status_code == 303
    assert cutoffs.in_force(web.store, NOW) == Thresholds(0.8, 0.15, 0.85)
    shown = admin.get("/beheer/model/drempels").text
    assert "aangepast door anna" in shown and 'value="0,80"' in shown
    with web.store.unit_of_work() as session:
        [entry] = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "settings.cut-offs")
        ).all()
        assert entry.actor == "anna"
        assert entry.before == {"complaint": 0.7, "remark": 0.25, "complaint_without_marker": 0.8}
        assert entry.after == {"complaint": 0.8, "remark": 0.15, "complaint_without_marker": 0.85}


def test_cut_offs_that_make_no_sense_are_refused(web: Web) -> None:
    admin = web.logged_in("anna", "admin")
    token = csrf_of(admin, "/beheer/model/drempels")
    for typed, problem in (
        ({"complaint": "hoog"}, "is geen getal"),
        ({"complaint": "1,5"}, "moet tussen 0 en 1 liggen"),
        ({"complaint": "0,3", "remark": "0,4"}, "moet lager zijn dan"),
    ):
        response = admin.post(
            "/beheer/model/drempels", data={"csrf": token, "doen": "opslaan", **typed}
        )
        assert response.status_code == 400 and problem in response.text, typed
    assert cutoffs.in_force(web.store, NOW) == NOW
