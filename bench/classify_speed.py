"""Benchmark: detection speed and size, rules plus classifier, as the bot runs them.

Measures training time on the seed corpus, the model file's size, batch throughput
(`Detection.decide_many` on batches as the pipeline sends them: rules, quote splitting,
features, calibrated probabilities, readable top terms, the decision) and the latency of one
message (`Detection.decide`). The messages are the seed corpus's own, dressed as parsed mail.

    .venv/bin/python bench/classify_speed.py [--messages 6000] [--batch 100] [--single 500]

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
from bot.detection import Detection, as_message, training_set  # noqa: E402
from classify import Thresholds  # noqa: E402
from rules import judge, load_rules  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--messages", type=int, default=6000, help="messages for throughput")
    parser.add_argument("--batch", type=int, default=100, help="messages per decide_many call")
    parser.add_argument("--single", type=int, default=500, help="one-message calls to time")
    args = parser.parse_args()

    rules = load_rules()
    corpus = classify.load_corpus()
    samples, labels = training_set(rules, corpus)
    started = time.perf_counter()
    detector = classify.train(samples, labels)
    training_seconds = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.joblib"
        sha = classify.save(detector, path)
        size = path.stat().st_size
        started = time.perf_counter()
        detector = classify.load(path, sha)
        load_seconds = time.perf_counter() - started

    detection = Detection(rules, detector, Thresholds())
    pool = [as_message(e) for e in corpus]
    messages = list(itertools.islice(itertools.cycle(pool), args.messages))
    characters = statistics.mean(len(m.subject) + len(m.text) for m in messages)

    detection.decide_many(messages[: args.batch])  # warm up caches and lazy imports
    started = time.perf_counter()
    for i in range(0, len(messages), args.batch):
        detection.decide_many(messages[i : i + args.batch])
    batch_seconds = time.perf_counter() - started

    started = time.perf_counter()
    for m in messages:
        judge(m, rules)
    rules_seconds = time.perf_counter() - started

    latencies = []
    for m in itertools.islice(itertools.cycle(pool), args.single):
        started = time.perf_counter()
        detection.decide(m)
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()

    result = {
        "machine": f"{os.cpu_count()} cores {platform.machine()}, Python {platform.python_version()}",
        "corpus_messages": len(corpus),
        "training_seconds": round(training_seconds, 1),
        "model_file_mb": round(size / 1_000_000, 2),
        "model_load_seconds": round(load_seconds, 2),
        "mean_message_characters": round(characters),
        "batch": args.batch,
        "throughput_messages_per_second": round(len(messages) / batch_seconds),
        "rules_only_messages_per_second": round(len(messages) / rules_seconds),
        "rules_share_of_batch_time": round(rules_seconds / batch_seconds, 2),
        "single_message_ms_median": round(statistics.median(latencies), 2),
        "single_message_ms_p95": round(latencies[int(0.95 * (len(latencies) - 1))], 2),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
