"""`klachtenbus demo`: the main job on the embedded default, with no server at all."""

from __future__ import annotations

import subprocess
import sys
from email import message_from_bytes, policy
from pathlib import Path


def demo(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", "demo", "--dir", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=folder.parent,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "200"},
    )


def test_demo_registers_complaints_and_writes_acknowledgements(tmp_path: Path) -> None:
    result = demo(tmp_path / "demo")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "K-20" in result.stdout and "klacht" in result.stdout and "automatisch" in result.stdout
    letters = sorted((tmp_path / "demo" / "verzonden").glob("*.eml"))
    assert len(letters) == 5
    recipients = set()
    for path in letters:
        letter = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert letter["Auto-Submitted"] == "auto-replied"
        recipients.add(letter["To"].addresses[0].addr_spec)
    assert "petra.vandijk@example.nl" not in recipients  # the out-of-office got no answer
    assert not any("mailer-daemon" in r.lower() for r in recipients)
    assert (tmp_path / "demo" / "postvak" / ".Verwerkt" / "cur").is_dir()
    assert demo(tmp_path / "demo").returncode == 0, "the demo can be run again in the same folder"


def test_demo_refuses_a_folder_that_is_not_its_own(tmp_path: Path) -> None:
    (tmp_path / "documenten").mkdir()
    result = demo(tmp_path / "documenten")
    assert result.returncode == 2 and "geen demomap" in result.stderr
