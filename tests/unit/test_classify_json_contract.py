"""`klachtenbus classify FILE... --json`: one stable JSON object per file, per line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.builders import complaint, out_of_office, remark
from tests.conftest import environment_for, prepare_database, settings_for
from tests.corpus import real_corpus

KEYS = {"file", "kind", "complaint_probability", "reasons", "flags"}
FLAGS = {"meldcode", "withdrawal", "appeal", "followup"}


def classify(files: list[Path], env: dict[str, str]) -> list[dict[str, object]]:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "classify", *map(str, files), "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_each_file_gives_one_line_with_the_contracted_fields(
    tmp_path: Path, sqlite_url: str, trained_model: tuple[Path, str]
) -> None:
    prepare_database(sqlite_url, trained_model)
    files = []
    for name, raw in [
        ("klacht.eml", complaint(1)),
        ("vraag.eml", remark(1)),
        ("afwezig.eml", out_of_office()),
    ]:
        (tmp_path / name).write_bytes(raw)
        files.append(tmp_path / name)
    files.append(real_corpus() / "sisimai/maildir/bsd/lhost-postfix-01.eml")
    rows = classify(files, environment_for(settings_for(None, None, sqlite_url, tmp_path)))
    assert [r["file"] for r in rows] == [str(f) for f in files]
    for row in rows:
        assert set(row) == KEYS
        assert row["kind"] in {"complaint", "remark", "other", "uncertain"}
        assert 0.0 <= float(row["complaint_probability"]) <= 1.0  # type: ignore[arg-type]
        assert set(row["flags"]) == FLAGS and all(
            isinstance(v, bool) for v in row["flags"].values()
        )  # type: ignore[union-attr]
        assert all(isinstance(r, str) for r in row["reasons"])  # type: ignore[union-attr]
    assert [r["kind"] for r in rows] == ["complaint", "remark", "other", "other"]
    assert any("HSS-kenmerk" in reason for reason in rows[0]["reasons"])  # type: ignore[union-attr]


def test_classify_works_before_init_by_training_on_the_spot(tmp_path: Path) -> None:
    (tmp_path / "klacht.eml").write_bytes(complaint(1))
    env = environment_for(settings_for(None, None, f"sqlite:///{tmp_path / 'leeg.db'}", tmp_path))
    [row] = classify([tmp_path / "klacht.eml"], env)
    assert row["kind"] == "complaint"
