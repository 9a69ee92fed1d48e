"""Classify: a scikit-learn model trained on the shipped Dutch seed corpus and officers' labels.

The model functions are imported on first use (PEP 562): a process that only records
decisions, such as the main process beside a helper, loads no numpy; one that only scores,
such as the helper, never pays for importing scikit-learn (`classify.detector`).
"""

from typing import TYPE_CHECKING, Any

from classify.corpus import LabelledMessage, load_corpus, seed_dir
from classify.decision import Decision, RuleFinding, Thresholds, decide
from classify.sample import Sample

if TYPE_CHECKING:
    from classify.detector import Detector, load
    from classify.model import save, train

_DETECTOR_NAMES = {"Detector", "load"}
_TRAINING_NAMES = {"save", "train"}


def __getattr__(name: str) -> Any:
    if name in _DETECTOR_NAMES:
        from classify import detector

        return getattr(detector, name)
    if name in _TRAINING_NAMES:
        from classify import model

        return getattr(model, name)
    raise AttributeError(f"module 'classify' has no attribute {name!r}")


__all__ = [
    "Decision",
    "Detector",
    "LabelledMessage",
    "RuleFinding",
    "Sample",
    "Thresholds",
    "decide",
    "load",
    "load_corpus",
    "save",
    "seed_dir",
    "train",
]
