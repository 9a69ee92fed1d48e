"""What officers see of the mail: the counts in the navigation (the inbox and the triage
queue grow here)."""

from __future__ import annotations

from dataclasses import dataclass

from storage import Store, records


@dataclass(frozen=True)
class NavigationCounts:
    triage: int  # messages waiting for an officer's decision


def navigation_counts(store: Store) -> NavigationCounts:
    with store.unit_of_work() as session:
        return NavigationCounts(triage=len(records.triage_queue(session, 1000)))
