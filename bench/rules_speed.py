"""Benchmark: the keyword rules alone, in CPU time per message, on the seed corpus.

`RuleSet.first_matches` over the subject and new text of each of the 1,718 seed messages,
lower-cased as the detection does; five passes after a warm one (every word met), the best
reported, with how many patterns the prefilter lets run per message. CPU time, so that other
processes on a shared machine weigh less than in wall-clock figures.

    .venv/bin/python bench/rules_speed.py

To compare with older code, run an export of it with PYTHONPATH pointing at the export.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import classify
from office.detection import as_message
from rules import load_rules
from rules.quoting import new_text


def main() -> None:
    rules = load_rules()
    messages = [as_message(e) for e in classify.load_corpus()]
    texts = [f"{m.subject}\n{new_text(m.text)}".lower() for m in messages]
    for text in texts:
        rules.first_matches(text)
    passes = []
    for _ in range(5):
        start = time.process_time()
        for text in texts:
            rules.first_matches(text)
        passes.append((time.process_time() - start) / len(texts) * 1e6)
    prefilter = rules._index[0]
    run = sum(len(prefilter.candidates(t)) for t in texts) / len(texts)
    print(
        json.dumps(
            {
                "messages": len(texts),
                "patterns": prefilter.size,
                "microseconds_cpu_per_message_best": round(min(passes)),
                "each_pass": [round(p) for p in passes],
                "patterns_run_per_message": round(run, 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
