"""The systemd units, the container recipe and the compose file are what an admin copies to
a server: each must start commands that exist, with settings that exist, hardened, and with
the web app reachable only through the reverse proxy."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from cli.main import app
from klachtenbus.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
UNITS = sorted((ROOT / "deploy" / "systemd").glob("*.service"))
INSTALLED = "/opt/klachtenbus/bin/klachtenbus"


def commands() -> set[str]:
    return {c.name or c.callback.__name__ for c in app.registered_commands if c.callback}


def setting_of(variable: str) -> str:
    return variable.removeprefix("KLACHTENBUS_").lower()


def test_there_is_a_unit_for_the_worker_and_for_the_web_app() -> None:
    assert [unit.name for unit in UNITS] == [
        "klachtenbus-web.service",
        "klachtenbus-worker.service",
    ]


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.stem)
def test_a_unit_starts_commands_that_exist_with_settings_that_exist(unit: Path) -> None:
    text = unit.read_text()
    started = re.findall(rf"^ExecStart(?:Pre)?={re.escape(INSTALLED)} (\w+)$", text, re.M)
    assert started and set(started) <= commands()
    for variable in re.findall(r"^Environment=(KLACHTENBUS_\w+)=", text, re.M):
        assert variable == "KLACHTENBUS_CONFIG" or setting_of(variable) in Settings.model_fields


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.stem)
def test_systemd_accepts_the_unit_and_rates_it_hardened(unit: Path, tmp_path: Path) -> None:
    """`systemd-analyze verify` with the command pointed at this installation, and the
    exposure rating `systemd-analyze security` gives it: 'OK' is below 2.0 of 10."""
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze ontbreekt: installeer Debian's systemd (tests/run.sh doet het)"
    here = str(Path(sys.executable).with_name("klachtenbus"))
    copy = tmp_path / unit.name
    copy.write_text(unit.read_text().replace(INSTALLED, here))
    verified = subprocess.run(
        [analyze, "verify", str(copy)], capture_output=True, text=True, timeout=60
    )
    assert verified.returncode == 0 and not verified.stderr.strip(), verified.stderr
    rated = subprocess.run(
        [analyze, "security", "--offline=yes", str(copy)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    exposure = re.search(r"Overall exposure level for \S+: ([\d.]+)", rated.stdout)
    assert exposure, rated.stdout + rated.stderr
    assert float(exposure.group(1)) < 2.0, rated.stdout


def test_the_container_runs_as_its_own_user_with_extras_that_exist() -> None:
    recipe = (ROOT / "Containerfile").read_text()
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    for named in re.findall(r"\[([\w,]+)\]'", recipe):
        assert set(named.split(",")) <= extras.keys()
    assert re.search(r"^USER klachtenbus$", recipe, re.M)
    assert re.search(r'^ENTRYPOINT \["klachtenbus"\]$', recipe, re.M)
    default = re.search(r'^CMD \["(\w+)"\]$', recipe, re.M)
    assert default and default.group(1) in commands()
    ignored = (ROOT / ".containerignore").read_text().split()
    assert ".git" in ignored and "tests" in ignored  # no history or test keys in the image


def test_compose_runs_the_worker_and_web_app_beside_postgresql() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert {"db", "init", "worker", "web"} <= services.keys()
    for name in ("init", "worker", "web"):
        service = services[name]
        assert service["command"][0] in commands()
        assert service["env_file"] == "geheimen.env"  # passwords never in this file
        for variable in service.get("environment", {}):
            assert setting_of(variable) in Settings.model_fields, variable
    # the web app is published on the host's loopback only: the reverse proxy is the way in
    assert all(port.startswith("127.0.0.1:") for port in services["web"]["ports"])
    written = [v for service in services.values() for v in service.get("environment", {})]
    assert not [v for v in written if re.search("PASSWORD|SECRET|KEY", v)]
