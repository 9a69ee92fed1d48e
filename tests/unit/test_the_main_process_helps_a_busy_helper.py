"""When the helper has more work ahead than the main process, the main process takes back a
batch the helper has not started, parses it itself and leaves only the judging to the helper;
the result is the same as the helper's own."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.preparing import InlinePreparer, ProcessPreparer
from classify import Thresholds
from office.detection import DetectionRecipe
from tests.builders import complaint, out_of_office, remark

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


def _batches() -> list[list[tuple[bytes, datetime]]]:
    return [
        [(complaint(n), NOW), (remark(n), NOW), (out_of_office(), NOW), (b" ", NOW)]
        for n in range(1, 9)
    ]


def test_a_batch_taken_back_is_prepared_as_the_helper_would(
    trained_model: tuple[Path, str],
) -> None:
    recipe = DetectionRecipe(None, trained_model[0], trained_model[1], Thresholds())
    batches = _batches()
    helper = ProcessPreparer(recipe)
    try:
        futures = [helper.submit(items) for items in batches]
        helped = 0
        while helper.help(own_seconds=0.0, later_messages=0):  # this process has nothing else
            helped += 1
        results = [f.result(timeout=120) for f in futures]
    finally:
        helper.close()
    assert helped >= 1, "eight batches queued: the newest ones were not started yet"
    inline = InlinePreparer(recipe.build())
    expected = [inline.submit(items).result() for items in batches]
    assert [_kinds(r) for r in results] == [_kinds(r) for r in expected]


def test_no_batch_is_taken_back_while_this_process_has_more_to_do(
    trained_model: tuple[Path, str],
) -> None:
    recipe = DetectionRecipe(None, trained_model[0], trained_model[1], Thresholds())
    helper = ProcessPreparer(recipe)
    try:
        futures = [helper.submit(items) for items in _batches()]
        assert not helper.help(own_seconds=3600.0, later_messages=0)
        assert all(len(f.result(timeout=120)) == 4 for f in futures)
    finally:
        helper.close()


def _kinds(prepared: list[object]) -> list[str]:
    return [p[1].kind if isinstance(p, tuple) else "onleesbaar" for p in prepared]
