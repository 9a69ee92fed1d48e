"""The poller's helper loads a model and scores mail without importing scikit-learn or scipy
(they took longer to import than the model took to load); earlier model files still load."""

from __future__ import annotations

import hashlib
import json
import pickle
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from classify import Sample
from classify.detector import load

SCORE_IN_A_FRESH_PROCESS = """
import json, sys
from pathlib import Path
from classify import Sample, load
detector = load(Path(sys.argv[1]), sys.argv[2])
sample = Sample("Ik dien een klacht in over de begeleider.", frozenset({"hit:complaint-word"}))
[assessment] = detector.assess([sample])
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("sklearn", "scipy", "joblib"))
print(json.dumps({"heavy": heavy, "terms": assessment.top_terms,
                  "probabilities": assessment.probabilities}))
"""


def test_scoring_imports_neither_scikit_learn_nor_scipy(trained_model: tuple[Path, str]) -> None:
    path, sha256 = trained_model
    done = subprocess.run(
        [sys.executable, "-c", SCORE_IN_A_FRESH_PROCESS, str(path), sha256],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout)
    assert result["heavy"] == []
    sample = Sample("Ik dien een klacht in over de begeleider.", frozenset({"hit:complaint-word"}))
    [reference] = load(path, sha256)._assess_with_pipeline([sample], top=5)  # scikit-learn's
    assert result["probabilities"] == pytest.approx(reference.probabilities, abs=1e-12)
    assert tuple(result["terms"]) == reference.top_terms


def test_a_file_of_the_previous_format_loads_and_scores_the_same(
    trained_model: tuple[Path, str], tmp_path: Path
) -> None:
    current = load(*trained_model)
    data = b"KLACHTENBUS-MODEL-1\n" + zlib.compress(pickle.dumps(current.pipeline, protocol=5))
    old = tmp_path / "model-1.pkl.z"
    old.write_bytes(data)
    earlier = load(old, hashlib.sha256(data).hexdigest())
    assert earlier.tables is not None  # read out again from the pipeline
    samples = [Sample("De medewerker was onbeschoft."), Sample("Bedankt voor de hulp!")]
    assert [a.probabilities for a in earlier.assess(samples)] == [
        a.probabilities for a in current.assess(samples)
    ]
