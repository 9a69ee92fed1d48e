"""The helper process loads the rules and the model itself and judges batches like the main process."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.preparing import InlinePreparer, ProcessPreparer
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


def test_the_helper_is_never_forked_from_this_process(trained_model: tuple[Path, str]) -> None:
    """A fresh interpreter (the fork server) starts the helper: forking a process that has
    threads can deadlock the child, and Python 3.12 warns of it (an error in these tests)."""
    recipe = DetectionRecipe(None, trained_model[0], trained_model[1], Thresholds())
    helper = ProcessPreparer(recipe)
    try:
        assert helper._pool._mp_context.get_start_method() == "forkserver"
        prepared = helper.submit([(complaint(1), NOW)]).result(timeout=120)
    finally:
        helper.close()
    assert prepared[0][1].kind == "complaint"  # type: ignore[index]
