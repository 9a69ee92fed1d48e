"""An admin's broken rule file is refused at start, naming the file, the line and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules import RuleFileError, load_rules

GOOD = """
[[rule]]
name = "woord-klacht"
marker = "complaint-word"
patterns = ['\\bklacht\\b']
explanation = "Het woord klacht."
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "regels.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_rules_load() -> None:
    rules = load_rules()
    assert len(rules.rules) >= 10


def test_a_valid_override_file_is_used(tmp_path: Path) -> None:
    assert [r.name for r in load_rules(write(tmp_path, GOOD)).rules] == ["woord-klacht"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            GOOD.replace("complaint-word", "klachtwoord"),
            "regel 2: regel woord-klacht: 'marker' is 'klachtwoord'",
        ),
        (GOOD.replace("['\\bklacht\\b']", "['(klacht']"), "geen geldige reguliere expressie"),
        (GOOD.replace('explanation = "Het woord klacht."', ""), "'explanation' ontbreekt"),
        (GOOD + GOOD, "komt twee keer voor"),
        (GOOD.replace('name = "woord-klacht"', 'name = "woord-klacht'), "geen geldige TOML"),
        ("# nothing here\n", "geen [[rule]]-blokken"),
        (
            GOOD.replace("['\\bklacht\\b']", "['\\bKlacht\\b']"),
            "schrijf het patroon in kleine letters",
        ),
    ],
)
def test_a_broken_rule_file_names_file_line_and_problem(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(RuleFileError) as caught:
        load_rules(path)
    assert str(path) in str(caught.value)
    assert message in str(caught.value)
