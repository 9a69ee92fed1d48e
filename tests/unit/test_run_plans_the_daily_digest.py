"""`klachtenbus run` polls and sends at intervals, and mails the digest every morning at
`digest_hour` in the procedure's own time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

import bootstrap
from bot.scheduler import plan
from outbox import FolderMailer
from tests.pipeline_helpers import bot_for


def test_the_digest_goes_out_every_morning_in_amsterdam_time(
    request: pytest.FixtureRequest,
    sqlite_url: str,
    trained_model: tuple[Path, str],
    tmp_path: Path,
) -> None:
    bot = bot_for(request, None, None, sqlite_url, trained_model, tmp_path, digest_hour=7)
    scheduler = BackgroundScheduler(timezone=UTC)
    plan(scheduler, bootstrap.plan_of(bot.settings, bot.pipeline, FolderMailer(tmp_path / "uit")))

    jobs = {job.id: job for job in scheduler.get_jobs()}
    # "model": a retraining an admin asked for, and the candidates in the shadow;
    # "alarms": mail to the admins when Klachtenbus itself is in trouble
    assert set(jobs) == {"poll", "send", "digest", "model", "alarms"}
    winter = datetime(2026, 12, 1, 12, tzinfo=UTC)
    after = jobs["digest"].trigger.get_next_fire_time(None, winter)
    assert after == datetime(2026, 12, 2, 6, tzinfo=UTC)  # 07:00 in Amsterdam, CET
