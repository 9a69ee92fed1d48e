"""Klachtenbus' shared vocabulary: the kinds, flags and errors every stage speaks.

The stages (intake, rules, classify, storage, outbox) never import each other's
functions; they agree on the words defined here. `bot` wires them together.
"""

__version__ = "0.1.0"
