"""Building a pipeline for a test from its settings, as `klachtenbus` itself does."""

from __future__ import annotations

from bot import bootstrap
from bot.pipeline import Pipeline
from bot.settings import Settings
from storage import Store


def pipeline_for(settings: Settings) -> tuple[Pipeline, Store]:
    store = bootstrap.open_store(settings)
    return bootstrap.pipeline_of(settings, store), store
