"""How `klachtenbus evaluate` shows the model's calibration in the terminal."""

from __future__ import annotations

from rich.table import Table

from casework.evaluation import Evaluation, GroupFigures


def calibration_table(result: Evaluation) -> Table:
    """Reliability of the complaint probability, held-out and cross-validated side by side."""
    held, cross = result.held_out_calibration, result.cross_validated_calibration
    table = Table(
        "kans",
        "apart n",
        "apart gem.",
        "apart klacht",
        "kruis n",
        "kruis gem.",
        "kruis klacht",
        title=(
            f"Kalibratie van het model: Brier {held.brier:.3f} apart / {cross.brier:.3f} kruis "
            f"(basiskans {cross.brier_base_rate:.3f}); ECE {held.expected_calibration_error:.3f}"
            f" / {cross.expected_calibration_error:.3f}"
        ),
    )
    held_bins = {(b.low, b.high): b for b in held.bins}
    for b in cross.bins:
        h = held_bins.get((b.low, b.high))
        table.add_row(
            f"{b.low:.1f}-{b.high:.1f}",
            *(
                (str(h.count), f"{h.mean_probability:.2f}", f"{h.complaint_share:.2f}")
                if h
                else ("0", "-", "-")
            ),
            str(b.count),
            f"{b.mean_probability:.2f}",
            f"{b.complaint_share:.2f}",
        )
    return table


def group_table(title: str, groups: list[GroupFigures]) -> Table:
    """The combined decision per language or per hard case; a figure short of its target
    (issue 12: caught ≥ 0.97, registered correctly ≥ 0.95, triage ≤ 15 %, meldcode 1.0, no
    person's mail filed as automatic) is marked with an exclamation mark."""
    table = Table(
        "groep",
        "berichten",
        "klachten gevonden",
        "registratie juist",
        "naar triage",
        "mens → automatisch",
        "meldcode",
        title=title,
    )
    for g in groups:
        r = g.report
        complaints = sum(r.confusion["complaint"].values())
        registered = sum(row["complaint"] for row in r.confusion.values())
        table.add_row(
            g.group,
            str(g.size),
            _marked(f"{r.complaint_recall:.3f}", r.complaint_recall < 0.97) if complaints else "-",
            _marked(f"{r.register_precision:.3f}", r.register_precision < 0.95)
            if registered
            else "-",
            _marked(f"{r.triage_share:.1%}", r.triage_share > 0.15),
            _marked(str(g.human_as_other), g.human_as_other > 0),
            "-"
            if r.meldcode_recall is None
            else _marked(f"{r.meldcode_recall:.2f}", r.meldcode_recall < 1.0),
        )
    return table


def _marked(value: str, short: object) -> str:
    return f"[bold red]{value} ![/]" if short else value
