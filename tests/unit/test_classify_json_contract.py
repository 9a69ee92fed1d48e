"""`klachtenbus classify FILE... --json`: one stable JSON object per file, per line."""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from pathlib import Path

from tests.builders import complaint, mail, out_of_office, remark
from tests.conftest import environment_for, prepare_database, settings_for
from tests.corpus import real_corpus

# The fields the contract promises; fields may be added, never removed or renamed.
KEYS = {"file", "kind", "complaint_probability", "reasons", "flags", "rule_hits", "top_terms"}
FLAGS = {"meldcode", "withdrawal", "appeal", "followup"}


def classify(files: list[Path], env: dict[str, str]) -> list[dict[str, object]]:
    result = subprocess.run(
        [sys.executable, "-m", "cli", "classify", *map(str, files), "--json"],
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


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def test_the_explanation_names_the_rules_and_readable_words(
    tmp_path: Path, sqlite_url: str, trained_model: tuple[Path, str]
) -> None:
    """Each rule hit comes with its Dutch explanation and matched words; the weightiest terms
    are whole words of the message (or a named marker), never character fragments like " kl"."""
    prepare_database(sqlite_url, trained_model)
    body = (
        "Beste mevrouw,\n\nDe thuiszorgmedewerker is deze maand al vier keer niet gekomen en "
        "niemand heeft mij gewaarschuwd. Mijn vader zat de hele ochtend te wachten. Toen ik "
        "belde werd ik afgesnauwd. Ik vind dit onacceptabel.\n\nGroet,\nSandra Veenstra"
    )
    (tmp_path / "klacht.eml").write_bytes(mail("Thuiszorg niet gekomen", body))
    [row] = classify(
        [tmp_path / "klacht.eml"], environment_for(settings_for(None, None, sqlite_url, tmp_path))
    )
    hits = row["rule_hits"]
    assert {h["marker"] for h in hits} >= {"blame-act", "blame-behaviour", "strong-wording"}  # type: ignore[union-attr]
    for hit in hits:  # type: ignore[union-attr]
        assert set(hit) == {"rule", "marker", "explanation", "excerpt"}
        assert hit["explanation"].endswith(".") and hit["excerpt"].lower() in body.lower()
    terms = row["top_terms"]
    assert 1 <= len(terms) <= 5  # type: ignore[arg-type]
    words = set(
        _plain(f"Thuiszorg niet gekomen {body}").replace(".", " ").replace(",", " ").split()
    )
    for term in terms:  # type: ignore[union-attr]
        assert term == term.strip() and term
        if term.startswith("["):
            assert term.endswith("]")  # a rule marker, named in Dutch
        else:
            assert all(part in words for part in _plain(term).split()), term
