"""Loading a model unpickles it, which runs code: only a file whose sha256 matches the one
recorded at training is loaded. Files saved by an earlier version still load."""

from __future__ import annotations

import hashlib
import io
import pickle
from pathlib import Path

import joblib
import pytest

from classify.detector import load
from klachtenbus.errors import ModelError


def test_the_recorded_model_loads_and_a_swapped_one_does_not(
    trained_model: tuple[Path, str], tmp_path: Path
) -> None:
    path, sha256 = trained_model
    assert load(path, sha256).pipeline is not None
    swapped = tmp_path / "model.bin"
    swapped.write_bytes(path.read_bytes() + pickle.dumps("iets anders"))
    with pytest.raises(ModelError, match="klachtenbus init"):
        load(swapped, sha256)


def test_a_model_saved_with_joblib_before_still_loads(
    trained_model: tuple[Path, str], tmp_path: Path
) -> None:
    pipeline = load(*trained_model).pipeline
    buffer = io.BytesIO()
    joblib.dump(pipeline, buffer, compress=3)
    old = tmp_path / "old-model.joblib"
    old.write_bytes(buffer.getvalue())
    loaded = load(old, hashlib.sha256(buffer.getvalue()).hexdigest())
    assert type(loaded.pipeline) is type(pipeline)
