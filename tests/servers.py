"""Real servers on 127.0.0.1 for the tests: Dovecot, PostgreSQL and an aiosmtpd sink.

Each starts on a free port in a scratch directory and says, when it cannot start, what to
install and what the server itself logged.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


class ServerDidNotStart(RuntimeError):
    """A test server could not start: the message names the package or the log to read."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    text = log.read_text(errors="replace")[-3000:] if log and log.exists() else "(geen log)"
    raise ServerDidNotStart(f"nothing listens on 127.0.0.1:{port} after {timeout}s. Log:\n{text}")


def _scratch(prefix: str) -> Path:
    """A directory under /tmp that unprivileged server processes can reach (pytest's is 0700)."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    path.chmod(0o755)
    return path


# -- Dovecot -----------------------------------------------------------------------------------

ACCOUNTS = 400

DOVECOT_CONF = """\
base_dir = {dir}/run
state_dir = {dir}/state
instance_name = test-dovecot-{port}
log_path = {dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {dir}/users
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
{extra}
"""


@dataclass
class Dovecot:
    dir: Path
    port: int
    process: subprocess.Popen[bytes]
    tls_port: int = 0  # implicit TLS; STARTTLS is offered on `port` when this is set
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _count: int = 0

    def add_user(self) -> tuple[str, str]:
        """A fresh mailbox per test, from the accounts written before the server started.

        (Dovecot notices a changed users file by its mtime, which misses two changes in one second.)
        """
        with self._lock:
            self._count += 1
            if self._count > ACCOUNTS:
                raise ServerDidNotStart(f"all {ACCOUNTS} test mailboxes are in use; raise ACCOUNTS")
            return f"klachten{self._count}", "geheim"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def _mail_ids() -> tuple[int, int]:
    if os.geteuid() == 0:
        return 65534, 65534  # mail processes must not run as root
    return os.getuid(), os.getgid()


# Appended after the base config: Dovecot lets a later "ssl" and a later imaps listener
# override the earlier ones.
TLS_CONF = """\
ssl = yes
ssl_cert = <{dir}/cert.pem
ssl_key = <{dir}/key.pem
service imap-login {{
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
}}
"""


def self_signed_certificate(directory: Path) -> Path:
    """A certificate for 127.0.0.1 made with openssl; the tests trust exactly this one."""
    result = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(directory / "key.pem"), "-out", str(directory / "cert.pem")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode:
        raise ServerDidNotStart(f"openssl could not make a test certificate: {result.stderr}")
    return directory / "cert.pem"


def start_dovecot(*, tls: bool = False) -> Dovecot:
    binary = shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
    )
    if binary is None:
        raise ServerDidNotStart(
            "dovecot is not installed: apt-get install dovecot-imapd (tests/run.sh does this)"
        )
    directory = _scratch("kb-dovecot-")
    port = free_port()
    extra = ""
    tls_port = 0
    if tls:
        tls_port = free_port()
        self_signed_certificate(directory)
        extra += TLS_CONF.format(dir=directory, tls_port=tls_port)
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.getuid()).pw_name
        extra += (
            f"default_internal_user = {me}\ndefault_internal_group = {me}\ndefault_login_user = {me}\n"
            "service anvil {\n  chroot =\n}\nservice imap-login {\n  chroot =\n}\n"
        )
    (directory / "dovecot.conf").write_text(
        DOVECOT_CONF.format(dir=directory, port=port, extra=extra)
    )
    users = directory / "users"
    (directory / "home").mkdir()
    (directory / "home").chmod(0o755)
    uid, gid = _mail_ids()
    lines = []
    for n in range(1, ACCOUNTS + 1):
        home = directory / "home" / f"klachten{n}"
        home.mkdir()
        if os.geteuid() == 0:
            os.chown(home, uid, gid)
        lines.append(f"klachten{n}:{{PLAIN}}geheim:{uid}:{gid}::{home}\n")
    users.write_text("".join(lines))
    if os.geteuid() == 0:
        users.chmod(0o640)
        shutil.chown(users, group="dovecot")
    process = subprocess.Popen(
        [binary, "-F", "-c", str(directory / "dovecot.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, 15, directory / "dovecot.log")
    except ServerDidNotStart:
        process.kill()
        raise
    if tls:
        wait_for_port(tls_port, 15, directory / "dovecot.log")
    return Dovecot(directory, port, process, tls_port=tls_port)


# -- PostgreSQL --------------------------------------------------------------------------------


@dataclass
class Postgres:
    dir: Path
    port: int
    bin: Path
    _count: int = 0

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def new_database(self) -> str:
        import psycopg

        self._count += 1
        name = f"klachtenbus_{os.getpid()}_{self._count}"
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
        ) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        _as_postgres(
            [str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop"]
        )
        shutil.rmtree(self.dir, ignore_errors=True)


def _as_postgres(argv: list[str]) -> subprocess.CompletedProcess[str]:
    if os.geteuid() == 0:  # initdb refuses to run as root
        argv = ["runuser", "-u", "postgres", "--", *argv]
    return subprocess.run(argv, capture_output=True, text=True, check=False)


def start_postgres() -> Postgres:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise ServerDidNotStart(
            "PostgreSQL is not installed: apt-get install postgresql (tests/run.sh does this)"
        )
    bindir = Path(found[-1]).parent
    directory = _scratch("kb-postgres-")
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    port = free_port()
    init = _as_postgres(
        [str(bindir / "initdb"), "-D", str(directory / "data"), "-A", "trust", "-U", "postgres"]
    )
    if init.returncode:
        raise ServerDidNotStart(f"initdb failed:\n{init.stdout}\n{init.stderr}")
    options = (
        f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50"
    )
    start = _as_postgres(
        [
            str(bindir / "pg_ctl"),
            "-D",
            str(directory / "data"),
            "-l",
            str(directory / "log"),
            "-w",
            "-o",
            options,
            "start",
        ]
    )
    if start.returncode:
        log = (
            (directory / "log").read_text(errors="replace") if (directory / "log").exists() else ""
        )
        raise ServerDidNotStart(f"pg_ctl start failed:\n{start.stdout}\n{start.stderr}\n{log}")
    return Postgres(directory, port, bindir)


# -- SMTP sink ---------------------------------------------------------------------------------


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=policy.default)  # type: ignore[return-value]


class _Sink:
    def __init__(self) -> None:
        self.received: list[Received] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        self.received.append(
            Received(
                envelope.mail_from or "", list(envelope.rcpt_tos), bytes(envelope.content or b"")
            )
        )
        return "250 Message accepted for delivery"


class SmtpSink:
    """aiosmtpd on 127.0.0.1; `stop()` and `start()` play an SMTP server that goes down and back."""

    def __init__(self) -> None:
        self.port = free_port()
        self.handler = _Sink()
        self._controller: Controller | None = None

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def start(self) -> None:
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
