"""What the model reads; kept apart from the model so reading it needs no scikit-learn."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Sample:
    """The judged text and the names of the rule markers that hit."""

    text: str
    markers: frozenset[str] = frozenset()


# The classifier reads the start of the judged text: the gist of a complaint is there, and the
# cost of character n-grams grows with length.
CLASSIFIED_CHARACTERS = 4_000
