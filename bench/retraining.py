"""Benchmark: a retraining as the worker runs it, on the seed corpus plus officers' labels.

Fills a fresh database with N labelled messages (raw mail built from the seed corpus's own
texts, each with an officer's label of that text's kind), records a model trained on the seed
corpus as the one in force, asks for a retraining (`casework.retraining.request`) and times
`casework.retraining.run_waiting`: reading and parsing every labelled message, the rules,
the training, the comparison with the active model on the held-out split and on the recent
labels, and saving the candidate. A watcher reads the run's progress row twice a second, as
the model page does, and prints each step with the time it was first seen.

    .venv/bin/python bench/retraining.py [--labels 5000] [--database sqlite:///...]

Writes nothing outside a temporary folder (or the database given).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

import classify  # noqa: E402
from casework import retraining  # noqa: E402
from classify import Thresholds  # noqa: E402
from office.detection import training_set  # noqa: E402
from rules import load_rules  # noqa: E402
from storage import Store, connect, migrate, records  # noqa: E402


def raw_mail(subject: str, body: str, n: int, when: datetime) -> bytes:
    message = EmailMessage()
    message["From"] = f"Afzender {n} <afzender{n}@example.nl>"
    message["To"] = "klachten@zorg-voorbeeld.nl"
    message["Subject"] = subject or "(geen onderwerp)"
    message["Date"] = format_datetime(when)
    message["Message-ID"] = make_msgid(domain="bench.example.nl")
    message.set_content(body or ".")
    return bytes(message)


def fill(store: Store, labels: int, corpus: list[classify.LabelledMessage]) -> None:
    rng = random.Random(11)
    start = datetime.now(UTC) - timedelta(days=200)
    with store.unit_of_work() as session:
        for n in range(labels):
            entry = rng.choice(corpus)
            when = start + timedelta(minutes=n)
            row = records.store_raw(
                session, mailbox="INBOX", key=f"1:{n}",
                raw=raw_mail(entry.subject, entry.body, n, when), received_at=when,
            )  # fmt: skip
            row.status, row.kind, row.subject = "processed", "uncertain", entry.subject
            records.add_label(
                session, row, kind=str(entry.kind), flags=sorted(entry.flags), officer="bench",
                note=None,
            )  # fmt: skip


def _cpu_seconds() -> float:
    """User and system time of this process, its live descendants (the calibration folds'
    worker processes stay alive between trainings) and its children that have ended. Linux."""
    import resource

    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        times[pid] = (int(fields[11]) + int(fields[12])) / ticks
    me = os.getpid()

    def descends(pid: int) -> bool:
        while pid > 1:
            pid = parents.get(pid, 0)
            if pid == me:
                return True
        return False

    own = resource.getrusage(resource.RUSAGE_SELF)
    ended = resource.getrusage(resource.RUSAGE_CHILDREN)
    live = sum(t for pid, t in times.items() if descends(pid))
    return own.ru_utime + own.ru_stime + ended.ru_utime + ended.ru_stime + live


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--labels", type=int, default=5000, help="officer-labelled messages")
    parser.add_argument("--database", default="", help="a database URL (default: temp SQLite)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite:///{Path(folder) / 'klachtenbus.db'}"
        engine = connect(url)
        migrate(engine)
        store = Store(engine)
        rules = load_rules()
        corpus = classify.load_corpus()
        print(f"Vullen: {args.labels} beoordeelde berichten …", flush=True)
        fill(store, args.labels, corpus)
        print("Het actieve model trainen op het corpus (niet gemeten) …", flush=True)
        samples, kinds = training_set(rules, corpus)
        active = Path(folder) / "active.pkl.z"
        sha = classify.save(classify.train(samples, kinds), active)
        with store.unit_of_work() as session:
            records.add_model(
                session, path=str(active), sha256=sha, data_sha256="seed", samples=len(corpus)
            )
        trainer = retraining.Trainer(rules, Path(folder) / "model", lambda: Thresholds())
        run_id = retraining.request(store, "bench")
        load = os.getloadavg()
        steps: list[tuple[float, int, str]] = []
        finished = threading.Event()
        started = time.perf_counter()

        def watch() -> None:
            while not finished.is_set():
                shown = retraining.run_view(store, run_id)
                if shown and (not steps or steps[-1][2] != shown.step):
                    steps.append((time.perf_counter() - started, shown.percent, shown.step))
                    print(f"  {steps[-1][0]:6.1f} s  {shown.percent:3d}%  {shown.step}", flush=True)
                finished.wait(0.5)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        cpu_before = _cpu_seconds()
        version = retraining.run_waiting(store, trainer)
        seconds = time.perf_counter() - started
        cpu = _cpu_seconds() - cpu_before
        finished.set()
        watcher.join()
        assert version is not None, retraining.run_view(store, run_id)
        candidate = retraining.runs(store, 1)[0]
        print()
        print(f"Hertraining: corpus {len(corpus)} + {args.labels} beslissingen")
        print(f"  candidate version {version}, {candidate.status}, {seconds:.1f} s in all")
        print(f"  progress rows seen: {len(steps)}")
        print(
            f"  CPU: {cpu:.1f} s, this process and its worker processes (the calibration "
            "folds run in parallel on both cores)"
        )
        print(
            f"  machine: {platform.machine()}, {os.cpu_count()} cores "
            f"({len(os.sched_getaffinity(0))} usable), Python {platform.python_version()}, "
            f"load average before {load[0]:.2f}, database {engine.dialect.name}"
        )


if __name__ == "__main__":
    main()
