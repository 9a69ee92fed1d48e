"""Classify: a scikit-learn model trained on the shipped Dutch seed corpus and officers' labels."""

from classify.corpus import LabelledMessage, load_corpus, seed_dir
from classify.decision import Decision, Thresholds, decide
from classify.model import Detector, Sample, load, save, train

__all__ = [
    "Decision",
    "Detector",
    "LabelledMessage",
    "Sample",
    "Thresholds",
    "decide",
    "load",
    "load_corpus",
    "save",
    "seed_dir",
    "train",
]
