"""Every setting is in the README, with its environment variable, so an admin can find it."""

from __future__ import annotations

from klachtenbus.settings import Settings
from tests.corpus import REPOSITORY


def test_every_setting_is_documented() -> None:
    readme = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"`KLACHTENBUS_{name.upper()}`" in readme, name
    assert "klachtenbus demo" in readme and "bash tests/run.sh" in readme
