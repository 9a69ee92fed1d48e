"""`klachtenbus evaluate`: rules, classifier and both, on a held-out split and in cross-validation."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from classify import load_corpus
from tests.conftest import environment_for, settings_for


def test_evaluate_reports_the_three_ways_side_by_side(tmp_path: Path) -> None:
    env = environment_for(settings_for(None, None, f"sqlite:///{tmp_path / 'x.db'}", tmp_path))
    result = subprocess.run(
        [sys.executable, "-m", "cli", "evaluate", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["held_out_size"] + data["training_size"] == len(load_corpus())
    for reports in (data["held_out"], data["cross_validated"]):
        assert [r["name"] for r in reports] == ["regels", "model", "samen"]
        combined = reports[-1]
        assert set(combined["per_class"]) == {"complaint", "remark", "other"}
        assert set(combined["confusion"]["complaint"]) == {
            "complaint",
            "uncertain",
            "remark",
            "other",
        }
        # The product's promise: a complaint is rarely missed, and what is registered is a complaint.
        assert combined["complaint_recall"] >= 0.97
        assert combined["register_precision"] >= 0.95
    for calibration in (data["held_out_calibration"], data["cross_validated_calibration"]):
        # The probability means something: far better than always saying the base rate.
        assert calibration["brier"] < calibration["brier_base_rate"] / 3
        assert sum(b["count"] for b in calibration["bins"]) > 0
    # Per language and per kind of hard case (issue 12), every message judged by a model that
    # never saw it: each language of the corpus, each hard case, and meldcode never missed.
    corpus = load_corpus()
    languages = {g["group"]: g["size"] for g in data["by_language"]}
    assert languages == {lang: sum(e.lang == lang for e in corpus) for lang in languages}
    assert sum(languages.values()) == len(corpus)
    hard = {g["group"]: g for g in data["by_hard_case"]}
    assert list(hard) == [
        "bijlage",
        "doorgestuurd",
        "draad",
        "lijkt automatisch",
        "meldcode",
        "heel kort",
        "heel lang",
    ]
    assert hard["meldcode"]["size"] == sum("meldcode" in e.flags for e in corpus)
    assert hard["meldcode"]["report"]["meldcode_recall"] == 1.0
