"""The cut-offs the bot decides by, as an admin changes them in the browser.

The settings (klachtenbus.toml, KLACHTENBUS_*) give the defaults; a value saved here wins
over them and says who saved it and when. Before saving, the admin sees what the new
cut-offs would have done to the last 90 days' mail. The worker reads the cut-offs in force
at each poll, so a change needs no restart. Every change is audited (`settings:cut-offs`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime, timedelta

from classify import Thresholds
from klachtenbus.errors import KlachtenbusError
from storage import Store, lifecycle
from storage.accounts import add_audit

PREFIX = "thresholds."
AUDIT_SUBJECT = "settings:cut-offs"
EFFECT_DAYS = 90
# What an admin reads for each cut-off; one the code adds later shows under its own name.
LABELS = {
    "complaint": (
        "Klacht vanaf",
        "Vanaf deze kans registreert de bot een klacht (met een HSS-kenmerk).",
    ),
    "complaint_without_marker": (
        "Klacht zonder HSS-kenmerk vanaf",
        "Zonder HSS-kenmerk registreert de bot pas vanaf deze kans; daaronder beslist een behandelaar.",
    ),
    "uncertain": ("Twijfel vanaf", "Vanaf deze kans gaat een bericht naar de triage."),
    "remark": ("Opmerking onder", "Onder deze kans legt de bot een bericht als opmerking vast."),
}
SETTING_NAMES = {
    "complaint": "threshold_complaint",
    "complaint_without_marker": "threshold_without_marker",
    "remark": "threshold_remark",
}
KIND_WORDS = {
    "complaint": "klacht",
    "uncertain": "twijfel",
    "remark": "opmerking",
    "other": "automatisch",
}


class CutOffInvalid(KlachtenbusError):
    """A cut-off an admin typed is not a chance between 0 and 1, or they contradict each other."""


@dataclass(frozen=True)
class CutOff:
    name: str
    label: str
    help: str
    value: float
    default: float
    changed_by: str | None  # None: the value comes from the settings
    changed_at: datetime | None

    @property
    def source(self) -> str:
        if self.changed_by is None:
            setting = SETTING_NAMES.get(self.name)
            return f"instellingen ({setting})" if setting else "instellingen"
        return f"aangepast door {self.changed_by}"


def names() -> list[str]:
    return [f.name for f in fields(Thresholds)]


def in_force(store: Store, defaults: Thresholds) -> Thresholds:
    """The settings' cut-offs with what an admin saved over them."""
    with store.unit_of_work() as session:
        saved = lifecycle.overrides(session, [PREFIX + n for n in names()])
        return replace(
            defaults,
            **{o.name.removeprefix(PREFIX): float(o.value) for o in saved.values()},
        )


def cut_offs(store: Store, defaults: Thresholds) -> list[CutOff]:
    with store.unit_of_work() as session:
        saved = lifecycle.overrides(session, [PREFIX + n for n in names()])
        out = []
        for name in names():
            label, help_ = LABELS.get(name, (name, ""))
            found = saved.get(PREFIX + name)
            default = float(getattr(defaults, name))
            out.append(
                CutOff(
                    name, label, help_,
                    float(found.value) if found is not None else default, default,
                    found.changed_by if found is not None else None,
                    found.changed_at if found is not None else None,
                )
            )  # fmt: skip
        return out


def proposed(current: Thresholds, typed: Mapping[str, str]) -> Thresholds:
    """The cut-offs an admin typed (a decimal comma is fine), checked."""
    values = {}
    for name in names():
        raw = (typed.get(name) or "").strip().replace(",", ".")
        label = LABELS.get(name, (name, ""))[0]
        if not raw:
            values[name] = float(getattr(current, name))
            continue
        try:
            value = float(raw)
        except ValueError:
            raise CutOffInvalid(
                f"'{typed.get(name)}' bij '{label}' is geen getal; vul een kans in tussen 0 en 1, "
                "bijvoorbeeld 0,70."
            ) from None
        if not 0 <= value <= 1:
            raise CutOffInvalid(
                f"'{label}' moet tussen 0 en 1 liggen (u vulde {typed.get(name)} in)."
            )
        values[name] = value
    result = replace(current, **values)
    complaint = values.get("complaint")
    for lower in ("uncertain", "remark"):
        if lower in values and complaint is not None and values[lower] >= complaint:
            raise CutOffInvalid(
                f"'{LABELS[lower][0]}' moet lager zijn dan 'Klacht vanaf'; anders komt niets in "
                "de triage."
            )
    without = values.get("complaint_without_marker")
    if without is not None and complaint is not None and without < complaint:
        raise CutOffInvalid(
            "'Klacht zonder HSS-kenmerk vanaf' mag niet lager zijn dan 'Klacht vanaf'."
        )
    return result


def save(store: Store, actor: str, current: Thresholds, new: Thresholds) -> None:
    """Keep the new cut-offs over the settings' (audited, before and after)."""
    before, after = asdict(current), asdict(new)
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    if not changed:
        return
    with store.unit_of_work() as session:
        for name, value in changed.items():
            lifecycle.set_override(session, PREFIX + name, value, actor)
        add_audit(
            session, actor=actor, action="settings.cut-offs", subject=AUDIT_SUBJECT,
            before={k: before[k] for k in changed}, after=changed,
        )  # fmt: skip


@dataclass(frozen=True)
class Effect:
    """What other cut-offs would have done to the last days' mail, by the bot's kind."""

    days: int
    messages: int
    before: dict[str, int]  # kind -> count under the cut-offs in force
    after: dict[str, int]  # kind -> count under the proposed ones
    moves: list[tuple[str, str, int]]  # (from kind word, to kind word, how many)
    missed_before: int  # officers' complaints the bot would have filed as remark or machine mail
    missed_after: int
    officer_complaints: int


def _band(p: float, t: Thresholds) -> str:
    if p >= t.complaint:
        return "complaint"
    uncertain_from = getattr(t, "uncertain", None)
    if p >= (uncertain_from if uncertain_from is not None else t.remark):
        return "uncertain"
    return "low"


def _moved(kind: str, p: float, current: Thresholds, new: Thresholds) -> str:
    """The kind under the new cut-offs, on the model's stored probability: a message moves
    only when its probability crosses a cut-off that changed; mail the rules decided (machine
    mail with a high probability) stays as it is."""
    old, fresh = _band(p, current), _band(p, new)
    if old == fresh or (kind == "other" and old != "low"):
        return kind
    if fresh == "low":
        return "remark"
    return fresh


def effect(
    store: Store, current: Thresholds, new: Thresholds, *, now: datetime | None = None
) -> Effect:
    since = (now or datetime.now(UTC)) - timedelta(days=EFFECT_DAYS)
    with store.unit_of_work() as session:
        rows = lifecycle.recent_human_mail(session, since)
    before: dict[str, int] = dict.fromkeys(KIND_WORDS, 0)
    after: dict[str, int] = dict.fromkeys(KIND_WORDS, 0)
    moves: dict[tuple[str, str], int] = {}
    missed_before = missed_after = officer_complaints = 0
    counted = 0
    for kind, p, labelled in rows:
        if kind not in KIND_WORDS:
            continue
        counted += 1
        moved = _moved(kind, p, current, new) if p is not None else kind
        before[kind] += 1
        after[moved] += 1
        if moved != kind:
            moves[(kind, moved)] = moves.get((kind, moved), 0) + 1
        if labelled == "complaint":
            officer_complaints += 1
            missed_before += kind in ("remark", "other")
            missed_after += moved in ("remark", "other")
    return Effect(
        EFFECT_DAYS,
        counted,
        {KIND_WORDS[k]: n for k, n in before.items()},
        {KIND_WORDS[k]: n for k, n in after.items()},
        sorted(
            ((KIND_WORDS[a], KIND_WORDS[b], n) for (a, b), n in moves.items()),
            key=lambda m: -m[2],
        ),
        missed_before,
        missed_after,
        officer_complaints,
    )
