"""How `klachtenbus evaluate` shows the model's calibration in the terminal."""

from __future__ import annotations

from rich.table import Table

from casework.evaluation import Evaluation


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
