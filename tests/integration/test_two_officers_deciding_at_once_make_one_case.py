"""Two officers who press "Dit is een klacht" on the same message at the same moment make one
case and one acknowledgement: the database refuses a second case for one message, and the
officer who lost the race has their label kept beside the winner's."""

from __future__ import annotations

import threading

from sqlalchemy import select

from casework import triage
from office import Office
from storage import Case, Label, Letter, Store
from tests.builders import complaint
from tests.casework import arrived, office, store_at


def race(store: Store, ours: Office, number: int) -> list[object]:
    """Both officers decide at once; what each got back (or the error)."""
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def press(officer: str) -> None:
        start.wait()
        try:
            outcomes.append(
                triage.decide(store, str(number), "klacht", officer=officer, office=ours)
            )
        except Exception as exc:  # the test names it
            outcomes.append(exc)

    threads = [threading.Thread(target=press, args=(name,)) for name in ("anna", "bert")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def test_exactly_one_case_whoever_wins(database_url: str) -> None:
    store, ours = store_at(database_url), office()
    for round_ in range(5):
        number = arrived(store, complaint(round_))

        outcomes = race(store, ours, number)

        assert all(isinstance(o, triage.Decided) for o in outcomes), outcomes
        registered = [o.case_number for o in outcomes if isinstance(o, triage.Decided)]
        assert len([n for n in registered if n]) == 1, registered
        with store.unit_of_work() as session:
            (case,) = session.scalars(select(Case).where(Case.message_row_id == number)).all()
            assert len(session.scalars(select(Letter).where(Letter.case_id == case.id)).all()) == 1
            labels = session.scalars(select(Label).where(Label.message_row_id == number)).all()
            assert sorted(x.officer for x in labels) == ["anna", "bert"]
