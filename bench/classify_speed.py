"""Benchmark: detection speed and size, rules plus classifier, as the bot runs them.

Measures training time on the seed corpus, the model file's size, batch throughput
(`Detection.decide_many` on batches as the pipeline sends them: rules, quote splitting,
features, calibrated probabilities, readable top terms, the decision) and the latency of one
message (`Detection.decide`). The messages are the seed corpus's own, dressed as parsed mail.
Each run loads the model and the rules afresh, so the words of the messages are first met in
that run (as new mail brings new words); the best of the runs is reported, as other processes
on a shared machine only ever slow a run down, and every run's figure is listed beside it.

    .venv/bin/python bench/classify_speed.py [--messages 6000] [--batch 100] [--single 500]
        [--repeat 3]

Writes nothing outside a temporary folder.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

import classify  # noqa: E402
from classify import Thresholds  # noqa: E402
from intake import ParsedMessage  # noqa: E402
from office.detection import Detection, as_message, training_set  # noqa: E402
from rules import judge, load_rules  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--messages", type=int, default=6000, help="messages for throughput")
    parser.add_argument("--batch", type=int, default=100, help="messages per decide_many call")
    parser.add_argument("--single", type=int, default=500, help="one-message calls to time")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs, each on a freshly loaded model; best is shown"
    )
    args = parser.parse_args()

    rules = load_rules()
    corpus = classify.load_corpus()
    samples, labels = training_set(rules, corpus)
    started = time.perf_counter()
    detector = classify.train(samples, labels)
    training_seconds = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.pkl.z"
        sha = classify.save(detector, path)
        size = path.stat().st_size
        started = time.perf_counter()
        detector = classify.load(path, sha)
        load_seconds = time.perf_counter() - started

        pool = [as_message(e) for e in corpus]
        messages = list(itertools.islice(itertools.cycle(pool), args.messages))
        characters = statistics.mean(len(m.subject) + len(m.text) for m in messages)
        runs = []
        for _ in range(args.repeat):
            # a fresh load each run: words met before are not remembered from an earlier run
            runs.append(
                measure(
                    Detection(load_rules(), classify.load(path, sha), Thresholds()),
                    messages,
                    pool,
                    args,
                )
            )
    best = max(runs, key=lambda run: run["throughput"])

    result = {
        "machine": f"{os.cpu_count()} cores {platform.machine()}, Python {platform.python_version()}",
        "corpus_messages": len(corpus),
        "training_seconds": round(training_seconds, 1),
        "model_file_mb": round(size / 1_000_000, 2),
        "model_load_seconds": round(load_seconds, 2),
        "mean_message_characters": round(characters),
        "batch": args.batch,
        "runs": args.repeat,
        "throughput_messages_per_second": best["throughput"],
        "throughput_each_run": [run["throughput"] for run in runs],
        # per second of this process's own CPU time: what other processes on the machine
        # take away from the wall-clock figure does not count here
        "throughput_cpu_each_run": [run["throughput_cpu"] for run in runs],
        "rules_only_messages_per_second": best["rules"],
        "rules_share_of_batch_time": best["rules_share"],
        "single_message_ms_median": best["median"],
        "single_message_ms_p95": best["p95"],
        "single_message_ms_median_each_run": [run["median"] for run in runs],
    }
    print(json.dumps(result, indent=2))


def measure(
    detection: Detection,
    messages: list[ParsedMessage],
    pool: list[ParsedMessage],
    args: argparse.Namespace,
) -> dict[str, float]:
    """One run: batches through `decide_many`, the rules alone, then one message at a time."""
    detection.decide_many(messages[: args.batch])  # warm up lazy imports
    started, cpu_started = time.perf_counter(), time.process_time()
    for i in range(0, len(messages), args.batch):
        detection.decide_many(messages[i : i + args.batch])
    batch_seconds = time.perf_counter() - started
    batch_cpu_seconds = time.process_time() - cpu_started

    started = time.perf_counter()
    for m in messages:
        judge(m, detection.rules)
    rules_seconds = time.perf_counter() - started

    latencies = []
    for m in itertools.islice(itertools.cycle(pool), args.single):
        started = time.perf_counter()
        detection.decide(m)
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    return {
        "throughput": round(len(messages) / batch_seconds),
        "throughput_cpu": round(len(messages) / batch_cpu_seconds),
        "rules": round(len(messages) / rules_seconds),
        "rules_share": round(rules_seconds / batch_seconds, 2),
        "median": round(statistics.median(latencies), 2),
        "p95": round(latencies[int(0.95 * (len(latencies) - 1))], 2),
    }


if __name__ == "__main__":
    main()
