"""The helper process loads the rules and the model itself and judges batches like the main process."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.preparing import Helpers, InlinePreparer, ProcessPreparer, fork_early
from classify import Thresholds
from klachtenbus.errors import MessageUnparseable
from office.detection import DetectionRecipe
from tests.builders import complaint, out_of_office, remark

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


def test_helper_and_inline_preparation_agree(trained_model: tuple[Path, str]) -> None:
    recipe = DetectionRecipe(None, trained_model[0], trained_model[1], Thresholds())
    items = [(complaint(1), NOW), (remark(1), NOW), (out_of_office(), NOW), (b"  ", NOW)]
    helper = ProcessPreparer(recipe)
    try:
        from_helper = helper.submit(items).result(timeout=120)
    finally:
        helper.close()
    inline = InlinePreparer(recipe.build()).submit(items).result()
    assert isinstance(from_helper[-1], MessageUnparseable)
    kinds = [p[1].kind for p in from_helper[:-1]]  # type: ignore[index]
    assert kinds == ["complaint", "remark", "other"]
    assert kinds == [p[1].kind for p in inline[:-1]]  # type: ignore[index]


def test_a_swapped_model_file_is_refused_in_the_helper_too(
    trained_model: tuple[Path, str], tmp_path: Path
) -> None:
    """The helper checks the recorded sha256 before it unpickles anything."""
    swapped = tmp_path / "model.joblib"
    swapped.write_bytes(trained_model[0].read_bytes() + b"\0")
    helper = ProcessPreparer(DetectionRecipe(None, swapped, trained_model[1], Thresholds()))
    try:
        failure = helper.submit([(remark(1), NOW)]).exception(timeout=120)
    finally:
        helper.close()
    assert failure is not None


def test_a_helper_forked_before_the_model_is_known_prepares_the_same(
    trained_model: tuple[Path, str],
) -> None:
    """`poll` forks its helper before it knows the model; the recipe follows with the work."""
    early = Helpers(1)  # what `klachtenbus poll` forks before its own imports
    recipe = DetectionRecipe(None, trained_model[0], trained_model[1], Thresholds())
    helper = ProcessPreparer(recipe, 1, early)
    try:
        assert helper._pool is early.pool
        prepared = helper.submit([(complaint(1), NOW), (remark(1), NOW)]).result(timeout=120)
    finally:
        helper.close()
    assert [p[1].kind for p in prepared] == ["complaint", "remark"]  # type: ignore[index]


def test_early_helpers_of_the_wrong_number_are_let_go(trained_model: tuple[Path, str]) -> None:
    """The settings decide: two helpers wanted, one forked early, so two are forked anew."""
    early = Helpers(1)
    recipe = DetectionRecipe(None, trained_model[0], trained_model[1], Thresholds())
    helper = ProcessPreparer(recipe, 2, early)
    try:
        assert helper._pool is not early.pool
        prepared = helper.submit([(remark(1), NOW)]).result(timeout=120)
    finally:
        helper.close()
        early.pool.shutdown()
    assert prepared[0][1].kind == "remark"  # type: ignore[index]


@pytest.mark.parametrize(
    ("argv", "environ"),
    [
        (["/usr/bin/klachtenbus", "cases"], {}),
        (["/usr/bin/klachtenbus", "poll", "--help"], {}),
        (["/usr/bin/klachtenbus", "poll", "--once"], {"KLACHTENBUS_HELPER_PROCESSES": "0"}),
        (["/venv/bin/pytest", "poll"], {}),  # cli.main imported by another program
    ],
)
def test_only_the_polling_commands_fork_early(argv: list[str], environ: dict[str, str]) -> None:
    """Other commands, help, helpers switched off, or another program: nothing is forked."""
    assert fork_early(argv, environ) is None


def test_poll_forks_its_helper_early() -> None:
    """`klachtenbus poll --once` and `python -m cli run` get a helper before their imports."""
    for argv in (["/venv/bin/klachtenbus", "poll", "--once"], ["/src/cli/__main__.py", "run"]):
        early = fork_early(argv, {"KLACHTENBUS_HELPER_PROCESSES": "1"})
        assert early is not None and early.processes == 1
        early.pool.shutdown()
