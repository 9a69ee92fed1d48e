"""Mutation testing on demand (never in CI): mutate one module where a silent bug fails a
complainant, run its fast unit tests against every mutant, and count what they catch.

    .venv/bin/pip install -e '.[test,mutation]'
    .venv/bin/python tests/mutation/run.py storage.records          # run, then report
    .venv/bin/python tests/mutation/run.py --report                 # every module, no run
    .venv/bin/python tests/mutation/run.py bot.sending --survivors  # with each survivor's diff

mutmut copies the tree into mutants/ (git-ignored) and takes its settings from
[tool.mutmut] in pyproject.toml: which files it may mutate and which tests it runs. A module
named here selects its mutants by name, so the other modules' results in mutants/ stay as
they were. Results go into docs/testing.md by hand, with a reason for every survivor.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Module name -> (file, functions to mutate; None: all of them). Methods are named
# "Class.method". A module's mutants are named after the file's dotted path.
MODULES: dict[str, list[tuple[str, list[str] | None]]] = {
    # The parts of storage that keep raw messages, number cases and claim letters.
    "storage.records": [
        (
            "storage/records.py",
            [
                "compress",
                "raw_bytes",
                "mailbox_state",
                "known_keys",
                "store_raw",
                "store_raw_many",
                "waiting_messages",
                "next_case_sequence",
                "next_case_sequences",
                "add_cases",
                "add_letters",
                "add_case",
                "due_letter_ids",
                "due_letter_count",
                "claim_letters",
                "release_letters",
                "letters_sent",
                "_acknowledged_events",
                "letter_failed",
                "abandon_stale_claims",
                "_insert_ignore",
            ],
        )
    ],
    "office.registering": [("office/registering.py", None)],
    # The working-day calendar and the term computation that turns it into due dates.
    "procedures.calendar": [
        ("procedures/calendar.py", None),
        ("procedures/presets.py", ["due", "term_end", "_add_months"]),
        ("procedures/__init__.py", ["received_on", "deadlines", "step_deadlines"]),
    ],
    "bot.sending": [("bot/sending.py", None)],
    "outbox.delivery": [("outbox/delivery.py", None)],
    # Being rewritten by other work when this was set up; run them after it is merged.
    "rules.machine": [("rules/machine.py", None)],
    "classify.decision": [("classify/decision.py", None)],
}

# mutmut's exit codes, as mutmut.stats reads them
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped"}
STATUS |= {36: "timeout", -24: "timeout", 24: "timeout", 152: "timeout", 255: "timeout"}
STATUS |= {37: "type check", -11: "segfault", -9: "segfault", None: "not checked"}


def patterns(module: str) -> list[str]:
    """The mutant name globs of a module's selected functions."""
    found = []
    for path, functions in MODULES[module]:
        dotted = path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
        if functions is None:
            found.append(f"{dotted}.*")
            continue
        for function in functions:
            if "." in function:
                cls, method = function.split(".")
                found.append(f"{dotted}.xǁ{cls}ǁ{method}__mutmut_*")
            else:
                found.append(f"{dotted}.x_{function}__mutmut_*")
    return found


def results(module: str) -> dict[str, str]:
    """Each selected mutant's status, from mutmut's files under mutants/."""
    wanted = patterns(module)
    statuses: dict[str, str] = {}
    for path, _ in MODULES[module]:
        meta = ROOT / "mutants" / f"{path}.meta"
        if not meta.exists():
            continue
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        for name, code in codes.items():
            if any(fnmatch.fnmatchcase(name, p) for p in wanted):
                statuses[name] = STATUS.get(code, "suspicious")
    return statuses


def report(module: str, *, survivors: bool) -> float | None:
    statuses = results(module)
    if not statuses:
        print(f"| {module} | not run | | | | | |")
        return None
    counts = Counter(statuses.values())
    caught = counts["killed"] + counts["timeout"]
    rate = caught / len(statuses)
    print(
        f"| {module} | {len(statuses)} | {counts['killed']} | {counts['survived']} | "
        f"{counts['timeout']} | {len(statuses) - caught - counts['survived']} | {rate:.1%} |"
    )
    for name, status in sorted(statuses.items()):
        if status not in ("killed", "timeout"):
            print(f"    {status}: {name}")
            if survivors:
                subprocess.run([_mutmut(), "show", name], cwd=ROOT, check=False)
    return rate


def _mutmut() -> str:
    return str(Path(sys.executable).with_name("mutmut"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", choices=[*MODULES, []], metavar="MODULE")
    parser.add_argument("--max-children", type=int, default=1, help="parallel mutants (1)")
    parser.add_argument("--report", action="store_true", help="only report what is recorded")
    parser.add_argument("--survivors", action="store_true", help="show each survivor's diff")
    args = parser.parse_args()
    modules = args.modules or list(MODULES)
    if not args.report:
        for module in modules:
            command = [_mutmut(), "run", "--max-children", str(args.max_children)]
            subprocess.run([*command, *patterns(module)], cwd=ROOT, check=False)
    print("| module | mutants | killed | survived | timeout | other | caught |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    rates = [report(m, survivors=args.survivors) for m in modules]
    return 0 if all(r is None or r >= 0.9 for r in rates) else 1


if __name__ == "__main__":
    sys.exit(main())
