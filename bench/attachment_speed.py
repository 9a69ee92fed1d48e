"""Benchmark: one message judged with its attachment read, as the worker's prepare step does it.

Times `bot.preparing.prepare` (parse, read the attachments in a forked reader, rules, model,
decision) on one message at a time: a complaint whose letter is a 10-page PDF (about 2,400
characters a page), the same letter as a DOCX, and a message without attachments, which must
not have become slower. The process first imports what a helper imports at its start
(`_warm_up`: pypdf and python-docx among them), as the worker does before the first batch.
Beside the wall-clock figures, the CPU milliseconds per message (this process's and its forked
readers'), which other processes on a shared machine do not inflate.
The best of the runs is reported (other processes on a shared machine only slow a run down),
with every run's median beside it.

    .venv/bin/python bench/attachment_speed.py [--messages 50] [--repeat 3]

Writes nothing outside a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

import classify  # noqa: E402
import intake  # noqa: E402
from bot.preparing import prepare  # noqa: E402
from classify import Thresholds  # noqa: E402
from intake.attachment_text import AttachmentLimits  # noqa: E402
from office.detection import Detection, training_set, with_attachment_texts  # noqa: E402
from rules import load_rules  # noqa: E402
from tests.builders import complaint  # noqa: E402
from tests.documents import LETTER, docx, pdf, with_attachments  # noqa: E402

PAGE = "\n".join([LETTER] * 6)  # about 2,400 characters: a full page of a typed letter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--messages", type=int, default=50, help="messages timed per kind")
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best is shown")
    args = parser.parse_args()

    import docx as _docx  # noqa: F401  what a helper imports at its start
    import pypdf  # noqa: F401

    rules = load_rules()
    samples, labels = training_set(rules, classify.load_corpus())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.pkl.z"
        sha = classify.save(classify.train(samples, labels), path)
        detection = Detection(rules, classify.load(path, sha), Thresholds())

    ten_pages = pdf(*[PAGE] * 10)
    kinds = {
        "pdf_10_pages": with_attachments(
            "Zie bijlage.", ("klacht.pdf", "application/pdf", ten_pages)
        ),
        "docx_10_pages": with_attachments(
            "Zie bijlage.",
            (
                "klacht.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                docx("\n".join([PAGE] * 10)),
            ),
        ),
        "no_attachment": complaint(1),
    }
    checks = {
        name: prepare(detection, [(raw, datetime.now(UTC))])[0] for name, raw in kinds.items()
    }
    assert checks["pdf_10_pages"][1].kind == "complaint"  # type: ignore[index]
    assert checks["pdf_10_pages"][0].attachment_texts[0].pages == 10  # type: ignore[index]

    runs = {
        name: [time_prepare(detection, raw, args.messages) for _ in range(args.repeat)]
        for name, raw in kinds.items()
    }
    plain = intake.parse(kinds["no_attachment"], received_at=datetime.now(UTC))
    started = time.perf_counter()
    for _ in range(10_000):
        with_attachment_texts(plain, kinds["no_attachment"], AttachmentLimits())
    looking_us = (time.perf_counter() - started) / 10_000 * 1e6

    result: dict[str, object] = {
        "machine": f"{os.cpu_count()} cores {platform.machine()}, Python {platform.python_version()}",
        "pdf_bytes": len(ten_pages),
        "messages_per_run": args.messages,
        "runs": args.repeat,
    }
    for name, measured in runs.items():
        best = min(measured, key=lambda run: run["median"])
        result[f"{name}_ms_median"] = best["median"]
        result[f"{name}_ms_p95"] = best["p95"]
        result[f"{name}_ms_median_each_run"] = [run["median"] for run in measured]
        result[f"{name}_cpu_ms_mean"] = min(run["cpu_mean"] for run in measured)
    result["no_attachment_reading_check_us"] = round(looking_us, 2)
    print(json.dumps(result, indent=2))


def time_prepare(detection: Detection, raw: bytes, count: int) -> dict[str, float]:
    """Wall-clock milliseconds per message, and CPU milliseconds (this process's and the
    forked reader's): on a shared machine the CPU figure is what the work itself costs."""
    latencies = []
    cpu_started = _cpu()  # counted over the run: a child's CPU time comes in 10 ms ticks
    for _ in range(count):
        started = time.perf_counter()
        prepare(detection, [(raw, datetime.now(UTC))])
        latencies.append((time.perf_counter() - started) * 1000)
    cpu_mean = (_cpu() - cpu_started) * 1000 / count
    latencies.sort()
    return {
        "median": round(statistics.median(latencies), 2),
        "p95": round(latencies[int(0.95 * (len(latencies) - 1))], 2),
        "cpu_mean": round(cpu_mean, 2),
    }


def _cpu() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


if __name__ == "__main__":
    main()
