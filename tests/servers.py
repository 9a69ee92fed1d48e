"""Real servers on 127.0.0.1 for the tests: Dovecot, PostgreSQL, an aiosmtpd sink or mail server.

Each starts on a free port in a scratch directory and says, when it cannot start, what to
install and what the server itself logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import os
import pwd
import re
import shutil
import signal
import smtplib
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from enum import StrEnum
from pathlib import Path

import imapclient
import imapclient.exceptions
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
        self.halt()
        shutil.rmtree(self.dir, ignore_errors=True)

    def halt(self) -> None:
        """Stop the server, its open IMAP sessions included (as `systemctl stop dovecot` does:
        Dovecot's master alone leaves them running), and keep its mailboxes."""
        sessions = _descendants(self.process.pid)
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for pid in sessions:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def restart(self) -> None:
        """Start it again over the same mailboxes, on the same port."""
        if self.process.poll() is None:
            self.halt()
        self.process = _run_dovecot(self.dir)
        wait_for_port(self.port, 15, self.dir / "dovecot.log")


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
    process = _run_dovecot(directory)
    try:
        wait_for_port(port, 15, directory / "dovecot.log")
    except ServerDidNotStart:
        process.kill()
        raise
    if tls:
        wait_for_port(tls_port, 15, directory / "dovecot.log")
    return Dovecot(directory, port, process, tls_port=tls_port)


def _descendants(pid: int) -> list[int]:
    """The processes a process started, and theirs, from /proc."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            for child in map(int, task.read_text().split()):
                found += [child, *_descendants(child)]
    return found


def _run_dovecot(directory: Path) -> subprocess.Popen[bytes]:
    binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
    return subprocess.Popen(
        [binary, "-F", "-c", str(directory / "dovecot.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )


class CuttingProxy:
    """A TCP proxy on 127.0.0.1 in front of a server that drops the first connection after the
    server has sent `cut_after` bytes: a network that fails in the middle of a response. Later
    connections pass whole."""

    def __init__(self, target_port: int, cut_after: int) -> None:
        self.target_port = target_port
        self.cut_after = cut_after
        self.cuts = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._first = True
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._closed = True
        self._listener.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            limit = self.cut_after if self._first else None
            self._first = False
            threading.Thread(target=self._pump, args=(server, client, limit), daemon=True).start()
            threading.Thread(target=self._pump, args=(client, server, None), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, limit: int | None) -> None:
        sent = 0
        try:
            while data := source.recv(65536):
                if limit is not None and sent + len(data) >= limit:
                    sink.sendall(data[: limit - sent])
                    self.cuts += 1
                    break
                sink.sendall(data)
                sent += len(data)
        except OSError:
            pass
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()


class StallingProxy:
    """A TCP proxy on 127.0.0.1 in front of a server that stops passing the server's answer on
    a connection once it has carried a chosen number of bytes from it, until `release`: a
    mail server that falls silent in the middle of a FETCH, at a chosen byte.

    `stall_after` holds one threshold per stall, in order: the first connection to reach the
    first threshold stalls (`stalled[0]`, `release(0)`), then another connection to reach the
    second, and so on. A connection stalls once; the others pass whole."""

    def __init__(self, target_port: int, stall_after: int | list[int]) -> None:
        self.target_port = target_port
        self.thresholds = [stall_after] if isinstance(stall_after, int) else list(stall_after)
        self.stalled = [threading.Event() for _ in self.thresholds]
        self._released = [threading.Event() for _ in self.thresholds]
        self._lock = threading.Lock()
        self._next = 0  # the stall a connection reaching its threshold takes
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def release(self, stall: int = 0) -> None:
        self._released[stall].set()

    def close(self) -> None:
        self._closed = True
        for released in self._released:
            released.set()
        self._listener.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            threading.Thread(target=self._pump, args=(server, client, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(client, server, False), daemon=True).start()

    def _take(self, sent: int, more: int) -> tuple[int, int] | None:
        """The stall this connection takes, and after how many of its next `more` bytes, when
        it reaches the next threshold with them."""
        with self._lock:
            if self._next < len(self.thresholds) and sent + more >= self.thresholds[self._next]:
                self._next += 1
                return self._next - 1, max(self.thresholds[self._next - 1] - sent, 0)
        return None

    def _pump(self, source: socket.socket, sink: socket.socket, watched: bool) -> None:
        sent = 0
        try:
            while data := source.recv(4096):
                taken = self._take(sent, len(data)) if watched else None
                if taken is not None:
                    stall, cut = taken
                    sink.sendall(data[:cut])
                    self.stalled[stall].set()
                    self._released[stall].wait()
                    data, sent, watched = data[cut:], sent + cut, False
                sink.sendall(data)
                sent += len(data)
        except OSError:
            pass
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()


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
        self.connections = 0  # SMTP connections opened by clients since the sink started
        self._data_commands = 0
        self._hold_at = 0  # the DATA, counted from the start, that waits for `release`
        self._shut_down_at = 0  # the DATA, counted from the start, answered 421
        self.holding = threading.Event()
        self.released = threading.Event()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        self._data_commands += 1
        if self._data_commands == self._shut_down_at:
            return "421 4.3.2 Shutting down, try again later"
        self.received.append(
            Received(
                envelope.mail_from or "", list(envelope.rcpt_tos), bytes(envelope.content or b"")
            )
        )
        if self._data_commands == self._hold_at:  # taken, but the 250 is late
            self.holding.set()
            await asyncio.to_thread(self.released.wait, 60)
        return "250 Message accepted for delivery"


class _CountingSMTP(SMTP):
    """aiosmtpd's server, counting the connections its clients open."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self.event_handler.connections += 1


class _Controller(Controller):
    def factory(self) -> SMTP:
        return _CountingSMTP(self.handler, **self.SMTP_kwargs)


class _Refuser:
    """A server that is down but still listening: every connection gets a 421 and is closed."""

    def __init__(self, port: int) -> None:
        self.refused = 0
        self._listener = socket.create_server(("127.0.0.1", port))
        self._listener.settimeout(0.05)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"smtp-421-{port}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            with connection:
                self.refused += 1
                connection.sendall(b"421 4.3.2 Service not available, try again later\r\n")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._listener.close()


class SmtpSink:
    """aiosmtpd on 127.0.0.1; `stop()` and `start()` play an SMTP server that goes down and back,
    `refuse()` one that answers every connection with 421, `hold()` one slow on a letter,
    `shut_down_at()` one that goes away in the middle of a run."""

    def __init__(self) -> None:
        self.port = free_port()
        self.handler = _Sink()
        self._controller: Controller | None = None
        self._refuser: _Refuser | None = None

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    @property
    def connections(self) -> int:
        """SMTP connections clients opened since the last `start()`."""
        return self.handler.connections

    @property
    def refused(self) -> int:
        """Connections answered with 421 since the last `refuse()`."""
        return self._refuser.refused if self._refuser else 0

    def start(self) -> None:
        if self._refuser is not None:
            self._refuser.close()
            self._refuser = None
        self._controller = _Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        self.handler.connections = 0  # not the controller's own check that it is up

    def stop(self) -> None:
        self.release()  # a held letter must not keep the server from stopping
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
        if self._refuser is not None:
            self._refuser.close()
            self._refuser = None

    def refuse(self) -> None:
        """Go down, but keep the port: each connection is counted, answered 421 and closed."""
        self.stop()
        self._refuser = _Refuser(self.port)

    def hold(self, nth: int) -> None:
        """The `nth` letter from now is received, but its 250 waits until `release()`: a client
        killed meanwhile cannot know it arrived. `holding` is set while it waits."""
        self.handler._hold_at = self.handler._data_commands + nth
        self.handler.holding.clear()
        self.handler.released.clear()

    def release(self) -> None:
        self.handler.released.set()

    def shut_down_at(self, nth: int) -> None:
        """The `nth` letter from now is answered 421 (the server is going away), not received."""
        self.handler._shut_down_at = self.handler._data_commands + nth


# -- Mail that arrives -------------------------------------------------------------------------


@dataclass(frozen=True)
class ImapLogin:
    """Where a local address's mail goes: an account on the test Dovecot."""

    port: int
    user: str
    password: str

    def client(self) -> imapclient.IMAPClient:
        client = imapclient.IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=30)
        client.login(self.user, self.password)
        return client


class _Delivery(_Sink):
    """Records every message like the sink, then APPENDs it to each local recipient's INBOX."""

    def __init__(self) -> None:
        super().__init__()
        self.routes: dict[str, ImapLogin] = {}
        self.delivered: list[tuple[str, Received]] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        await super().handle_DATA(server, session, envelope)
        received = self.received[-1]
        for recipient in received.recipients:
            login = self.routes.get(recipient.lower())
            if login is None:
                continue  # not ours: recorded only, as the sink does
            try:
                await asyncio.to_thread(_append, login, _trace(received, recipient))
            except (OSError, imapclient.exceptions.IMAPClientError) as exc:
                return f"451 4.3.0 Could not deliver to {recipient}: {exc}"
            self.delivered.append((recipient.lower(), received))
        return "250 Message accepted for delivery"


def _trace(received: Received, recipient: str) -> bytes:
    """The headers a delivering MTA puts on top, then the message as it came."""
    stamp = format_datetime(datetime.now(UTC))
    top = (
        f"Return-Path: <{received.sender}>\r\n"
        f"Delivered-To: {recipient}\r\n"
        f"Received: from 127.0.0.1 by 127.0.0.1 (klachtenbus test MTA) for <{recipient}>; {stamp}\r\n"
    )
    return top.encode() + received.data


def _append(login: ImapLogin, raw: bytes) -> None:
    with login.client() as client:
        client.append("INBOX", raw)


class MailServer(SmtpSink):
    """An SMTP server whose mail really arrives: local recipients find it in their Dovecot INBOX.

    A recipient is local once `route()` names its account; other recipients are only recorded.
    A message is in the INBOX before the server answers 250, so a sender that got its 250 can
    poll right away.
    """

    def __init__(self) -> None:
        super().__init__()
        self.handler: _Delivery = _Delivery()

    def route(self, address: str, login: ImapLogin) -> None:
        self.handler.routes[address.lower()] = login

    def delivered_to(self, address: str) -> list[Received]:
        """The messages that arrived in this address's INBOX, in order."""
        return [m for a, m in self.handler.delivered if a == address.lower()]


# -- A naive auto-responder --------------------------------------------------------------------


class ReplyStyle(StrEnum):
    """How the auto-responder threads its answer; neither marks itself as automatic."""

    THREADED = "threaded"  # In-Reply-To and References point to the mail it answers
    UNTHREADED = "unthreaded"  # a new conversation: a fresh Message-ID and nothing else
    # A new conversation with a subject of its own: only the quoted letter links it to the case.
    UNLINKED = "unlinked"


class ReplyText(StrEnum):
    """What the auto-responder writes above the mail it quotes."""

    # An out-of-office in the words Dutch ones use.
    AWAY = (
        "Dank voor uw bericht. Ik ben afwezig tot en met 30 november en lees mijn e-mail niet. "
        "Uw bericht wordt niet doorgestuurd."
    )
    # The worst case: no out-of-office wording at all, and a complaint in its own words.
    COMPLAINT = (
        "Dank voor uw bericht. Over mijn klacht: ik wil een klacht indienen over mijn "
        "begeleider, die al drie keer niet is gekomen. Ik ben nooit teruggebeld en dit is "
        "onacceptabel."
    )


def auto_reply(
    original: EmailMessage, *, sender: str, style: ReplyStyle, text: ReplyText
) -> EmailMessage:
    """A reply as a badly made auto-responder writes it: "Re: <subject>", quoting the mail."""
    reply = EmailMessage()
    reply["From"] = sender
    reply["To"] = str(original.get("Reply-To") or original.get("From") or "")
    reply["Subject"] = f"Re: {str(original.get('Subject', '')).strip()}"
    if style is ReplyStyle.UNLINKED:
        reply.replace_header("Subject", "Bericht van Anna")
    reply["Date"] = format_datetime(datetime.now(UTC))
    reply["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "example.nl")
    answered = str(original.get("Message-ID", "")).strip()
    if style is ReplyStyle.THREADED and answered:
        reply["In-Reply-To"] = answered
        reply["References"] = f"{original.get('References', '')} {answered}".strip()
    body = original.get_body(("plain",))
    quoted = body.get_content() if body is not None else ""  # type: ignore[attr-defined]
    reply.set_content(
        f"{text.value}\n\nMet vriendelijke groet,\nAnna\n\n"
        f"Op {original.get('Date', '')} schreef {original.get('From', '')}:\n"
        + "".join(f"> {line}\n" for line in quoted.splitlines())
    )
    return reply


class AutoResponder:
    """A thread that watches one Dovecot INBOX and answers EVERY new message, over SMTP.

    It never looks at who wrote or whether that was itself a machine: the responder a
    complaints bot must survive without a mail loop.
    """

    def __init__(
        self,
        login: ImapLogin,
        address: str,
        smtp_port: int,
        style: ReplyStyle,
        text: ReplyText,
        *,
        interval: float = 0.05,
    ) -> None:
        self.login = login
        self.address = address
        self.smtp_port = smtp_port
        self.style = style
        self.text = text
        self.interval = interval
        self.answers: list[EmailMessage] = []  # what it sent, in order
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name=f"responder-{address}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def send(self, message: EmailMessage | bytes, to: str) -> None:
        """Send a message as this account (the first complaint, for instance)."""
        raw = message if isinstance(message, bytes) else bytes(message)
        raw = re.sub(rb"\r?\n", b"\r\n", raw)  # smtplib sends bytes as they are; SMTP wants CRLF
        with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=30) as smtp:
            smtp.sendmail(self.address, [to], raw)

    @property
    def answered(self) -> int:
        with self._lock:
            return len(self.answers)

    def wait_until_answered(self, count: int, timeout: float = 10) -> None:
        """Block until `count` messages have been answered; raise if the responder broke."""
        deadline = time.monotonic() + timeout
        while self.answered < count:
            if self._error is not None:
                raise RuntimeError(f"the auto-responder stopped: {self._error!r}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the auto-responder answered {self.answered} of {count}")
            time.sleep(0.02)

    def _run(self) -> None:
        try:
            with self.login.client() as client:
                client.select_folder("INBOX")
                last = 0
                while not self._stop.is_set():
                    client.noop()  # see what was appended by other connections
                    new = [u for u in client.search(["UID", f"{last + 1}:*"]) if u > last]
                    fetched = client.fetch(new, ["RFC822"]) if new else {}
                    for uid in sorted(fetched):
                        original = message_from_bytes(
                            fetched[uid][b"RFC822"], policy=policy.default
                        )
                        reply = auto_reply(
                            original, sender=self.address, style=self.style, text=self.text
                        )  # type: ignore[arg-type]
                        self.send(reply, parseaddr(str(reply["To"]))[1])
                        with self._lock:
                            self.answers.append(reply)
                        last = max(last, uid)
                    self._stop.wait(self.interval)
        except BaseException as exc:  # reported by wait_until_answered
            self._error = exc
