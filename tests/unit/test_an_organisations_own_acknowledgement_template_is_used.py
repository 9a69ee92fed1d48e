"""An organisation's own letter folder (the procedure's `letters`) is searched first, and in it
the procedure's own subfolder before the general template; the template gets every fact of
the case, the acknowledgement term included."""

from __future__ import annotations

from dataclasses import replace
from email import message_from_bytes, policy
from pathlib import Path

from sqlalchemy import select

from office.organisation import Organisation
from office.registering import Complaint, Registrar
from procedures import HSS, WorkingCalendar
from storage import Letter
from tests.memory import memory_store, parsed, stored

OURS = Organisation("klachten@zorg-voorbeeld.nl", "Stichting Zorg Voorbeeld")
OWN = "{{ case_number }} ontvangen {{ received_on }}, bevestigd voor {{ acknowledge_by }}"


def acknowledgement_text(folder: Path) -> str:
    store = memory_store()
    with store.unit_of_work() as session:
        Registrar(OURS, replace(HSS, letters=folder), WorkingCalendar()).register_many(
            session, [Complaint(stored(store), parsed(), [])]
        )
    with store.unit_of_work() as session:
        raw = session.scalars(select(Letter.raw)).one()
    return message_from_bytes(raw, policy=policy.default).get_body(("plain",)).get_content()


def test_the_organisations_own_template_is_used(tmp_path: Path) -> None:
    (tmp_path / "ontvangstbevestiging.txt.j2").write_text("Eigen brief " + OWN)
    text = acknowledgement_text(tmp_path)
    assert text.strip() == "Eigen brief K-2026-0001 ontvangen 2026-03-02, bevestigd voor 2026-03-11"


def test_the_procedures_own_subfolder_comes_first(tmp_path: Path) -> None:
    (tmp_path / "ontvangstbevestiging.txt.j2").write_text("Eigen brief " + OWN)
    (tmp_path / "hss").mkdir()
    (tmp_path / "hss" / "ontvangstbevestiging.txt.j2").write_text("HSS-brief " + OWN)
    text = acknowledgement_text(tmp_path)
    assert text.strip() == "HSS-brief K-2026-0001 ontvangen 2026-03-02, bevestigd voor 2026-03-11"
