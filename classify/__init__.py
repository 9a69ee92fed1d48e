"""Classify: a scikit-learn model trained on the shipped Dutch seed corpus and officers' labels.

The model functions are imported on first use (PEP 562): a process that only records
decisions, such as the main process beside a helper, never pays for importing scikit-learn.
"""

from typing import TYPE_CHECKING, Any

from classify.corpus import LabelledMessage, load_corpus, seed_dir
from classify.decision import Decision, RuleFinding, Thresholds, decide
from classify.sample import Sample

if TYPE_CHECKING:
    from classify.model import Detector, load, save, train

_MODEL_NAMES = {"Detector", "load", "save", "train"}


def __getattr__(name: str) -> Any:
    if name in _MODEL_NAMES:
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
