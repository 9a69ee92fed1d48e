"""The complaints mailbox over IMAP: list, fetch without marking seen, file away after commit."""

from __future__ import annotations

import contextlib
import logging
import ssl
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import imapclient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError

from intake.sizes import CHUNK_BYTES, grouped
from klachtenbus.errors import MailboxError
from klachtenbus.mail import FetchedMessage
from klachtenbus.network import CERTIFICATE_HINT, peer_refusal, refusal

log = logging.getLogger(__name__)

PROCESSED_KEYWORD = "KlachtenbusVerwerkt"
QUARANTINE_KEYWORD = "KlachtenbusOnverwerkbaar"
PIECE = 2_000_000  # bytes of a large message fetched at a time
SIZE_FETCH = 5000  # UIDs per FETCH of sizes: a command line under Dovecot's 64 kB limit
# What a dropped connection, a stopped server or a timeout raises (ssl.SSLError is an OSError;
# imaplib's abort, raised when the server hangs up mid-response, is an IMAPClientError).
CONNECTION_ERRORS = (IMAPClientError, OSError)


@dataclass(frozen=True)
class ImapAccount:
    host: str
    port: int
    user: str
    password: str
    security: str = "ssl"  # ssl | starttls | none (loopback tests only)
    folder: str = "INBOX"
    processed_folder: str = "Verwerkt"  # "" keeps messages in place and flags them instead
    quarantine_folder: str = "Onverwerkbaar"
    timeout: float = 60.0
    ssl_context: ssl.SSLContext | None = None

    def __repr__(self) -> str:  # never let the password reach a log line or traceback
        return f"ImapAccount({self.user}@{self.host}:{self.port}/{self.folder}, {self.security})"


class ImapMailbox:
    """One connection to one folder; use as a context manager."""

    def __init__(
        self, account: ImapAccount, *, chunk_size: int = 100, chunk_bytes: int = CHUNK_BYTES
    ) -> None:
        """A FETCH asks for at most `chunk_size` messages and `chunk_bytes` bytes (by their
        RFC822.SIZE); a larger message comes alone."""
        self.account = account
        self.chunk_size = chunk_size
        self.chunk_bytes = chunk_bytes
        self.name = f"imap://{account.user}@{account.host}:{account.port}/{account.folder}"
        self.uidvalidity = 0
        self._client: imapclient.IMAPClient | None = None
        self._can_move = False

    def __enter__(self) -> ImapMailbox:
        a = self.account
        refused = refusal("imap", a.host, a.security, a.ssl_context)
        if refused:
            raise MailboxError(refused)
        try:
            client = imapclient.IMAPClient(
                a.host,
                port=a.port,
                ssl=a.security == "ssl",
                ssl_context=a.ssl_context,
                timeout=a.timeout,
            )
            refused = peer_refusal("imap", client.socket().getpeername()[0], a.security)
            if refused:
                with contextlib.suppress(OSError):
                    client.socket().close()
                raise MailboxError(refused)
            if a.security == "starttls":
                client.starttls(a.ssl_context or ssl.create_default_context())
            client.login(a.user, a.password)
        except LoginError as exc:
            raise MailboxError(
                f"De IMAP-server {a.host}:{a.port} weigerde de login voor '{a.user}'. "
                "Controleer KLACHTENBUS_IMAP_USER en KLACHTENBUS_IMAP_PASSWORD."
            ) from exc
        except ssl.SSLCertVerificationError as exc:
            raise MailboxError(
                f"Het certificaat van de IMAP-server {a.host}:{a.port} is niet te vertrouwen "
                f"({exc.verify_message}). {CERTIFICATE_HINT} Controleer ook KLACHTENBUS_IMAP_HOST."
            ) from exc
        except (TimeoutError, OSError, IMAPClientError) as exc:
            raise MailboxError(
                f"Kan de IMAP-server {a.host}:{a.port} niet bereiken ({exc.__class__.__name__}: "
                f"{exc}). Controleer KLACHTENBUS_IMAP_HOST, _IMAP_PORT en _IMAP_SECURITY "
                f"(nu '{a.security}')."
            ) from exc
        client.normalise_times = False  # keep INTERNALDATE's own zone instead of local naive time
        self._client = client
        self._can_move = b"MOVE" in client.capabilities()
        try:
            info = client.select_folder(a.folder)
        except IMAPClientError as exc:
            self.close()
            raise MailboxError(
                f"De map '{a.folder}' bestaat niet op {a.host}. Controleer KLACHTENBUS_IMAP_FOLDER."
            ) from exc
        self.uidvalidity = int(info[b"UIDVALIDITY"])
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._client is None:
            return
        with contextlib.suppress(OSError, IMAPClientError):
            self._client.logout()
        self._client = None

    @property
    def client(self) -> imapclient.IMAPClient:
        if self._client is None:
            raise MailboxError("De IMAP-verbinding is niet open.")
        return self._client

    def key(self, uid: int) -> str:
        return f"{self.uidvalidity}:{uid}"

    def keys(self) -> list[str]:
        """Every message in the folder that still waits (in flag mode: not yet flagged)."""
        criteria: list[object] = ["ALL"]
        if not self.account.processed_folder:
            criteria = ["NOT", "KEYWORD", PROCESSED_KEYWORD, "NOT", "KEYWORD", QUARANTINE_KEYWORD]
        with self._talking("het zoeken naar nieuwe berichten"):
            found = self.client.search(criteria)
        return [self.key(uid) for uid in sorted(found)]

    def fetch(self, keys: Sequence[str]) -> Iterator[FetchedMessage]:
        """Fetch in chunks bounded by count and bytes, with BODY.PEEK[], so nothing is marked
        seen before it is stored. A message gone meanwhile (another worker moved it) is skipped."""
        uids = [self._uid(k) for k in keys]
        sizes = self._sizes(uids)
        listed = [(uid, sizes[uid]) for uid in uids if uid in sizes]
        for chunk in grouped(listed, lambda p: p[1], count=self.chunk_size, size=self.chunk_bytes):
            if len(chunk) == 1 and chunk[0][1] > PIECE:
                yield from self._fetch_in_pieces(chunk[0][0])
                continue
            wanted = [uid for uid, _ in chunk]
            with self._talking("het ophalen van berichten"):
                response = self.client.fetch(wanted, ["BODY.PEEK[]", "INTERNALDATE"])
            for uid in wanted:
                data = response.pop(uid, None)
                body = data.get(b"BODY[]") if data is not None else None
                if body is None:  # no answer, or BODY[] NIL: expunged since the listing
                    log.info("Bericht %s is intussen uit de map verdwenen; overgeslagen.", uid)
                    continue
                yield FetchedMessage(
                    key=self.key(uid),
                    raw=bytes(body),
                    received_at=_aware(data.get(b"INTERNALDATE")),
                    uid=uid,
                    uidvalidity=self.uidvalidity,
                )
                del data, body
            del response

    def _fetch_in_pieces(self, uid: int) -> Iterator[FetchedMessage]:
        """One large message, a piece at a time (`BODY.PEEK[]<offset.length>`).

        imaplib, as imapclient sets it up, writes a repr of every response it reads into a
        debug line before the logger drops it: for a 30 MB message fetched whole that is two
        more copies of it, 60 MB more memory at the main process's peak (bench/large_messages.py).
        """
        whole = bytearray()
        received_at: datetime | None = None
        while True:
            items = [f"BODY.PEEK[]<{len(whole)}.{PIECE}>"]
            if received_at is None:
                items.append("INTERNALDATE")
            with self._talking("het ophalen van een groot bericht"):
                data = self.client.fetch([uid], items).get(uid)
            piece = data.get(f"BODY[]<{len(whole)}>".encode()) if data is not None else None
            if piece is None:  # NIL: expunged since the listing
                log.info("Bericht %s is intussen uit de map verdwenen; overgeslagen.", uid)
                return
            if received_at is None:
                received_at = _aware(data.get(b"INTERNALDATE"))
            whole += piece
            if len(piece) < PIECE:
                break
            del data, piece
        raw = bytes(whole)
        del whole
        yield FetchedMessage(
            key=self.key(uid), raw=raw, received_at=received_at,
            uid=uid, uidvalidity=self.uidvalidity,
        )  # fmt: skip

    def _sizes(self, uids: list[int]) -> dict[int, int]:
        """RFC822.SIZE of each listed message still there, in as few FETCHes as a line allows."""
        sizes: dict[int, int] = {}
        for start in range(0, len(uids), SIZE_FETCH):
            with self._talking("het opvragen van de berichtgroottes"):
                response = self.client.fetch(uids[start : start + SIZE_FETCH], ["RFC822.SIZE"])
            for uid, data in response.items():
                if b"RFC822.SIZE" in data:
                    sizes[uid] = int(data[b"RFC822.SIZE"])
        for uid in uids:
            if uid not in sizes:
                log.info("Bericht %s is intussen uit de map verdwenen; overgeslagen.", uid)
        return sizes

    def file_away(self, keys: Iterable[str], *, quarantine: bool = False) -> None:
        """Move to the processed (or quarantine) folder; flag when there is no MOVE or no folder."""
        uids = [self._uid(k) for k in keys]
        if not uids:
            return
        folder = self.account.quarantine_folder if quarantine else self.account.processed_folder
        keyword = QUARANTINE_KEYWORD if quarantine else PROCESSED_KEYWORD
        with self._talking("het wegzetten van verwerkte berichten"):
            try:
                self._file(uids, folder, keyword)
            except IMAPClientError as exc:
                if isinstance(exc, IMAPClientAbortError):
                    raise  # the connection is gone: nothing more to try in this round
                # Another worker may have moved some meanwhile ([EXPUNGEISSUED]): file the rest.
                remaining = self.client.search(["UID", ",".join(map(str, uids))])
                if remaining:
                    try:
                        self._file(remaining, folder, keyword)
                    except IMAPClientError as again:
                        if isinstance(again, IMAPClientAbortError):
                            raise
                        log.warning(
                            "Kon %d bericht(en) niet wegzetten (%s); volgende ronde opnieuw.",
                            len(remaining),
                            exc,
                        )

    @contextlib.contextmanager
    def _talking(self, doing: str) -> Iterator[None]:
        """A connection that breaks while `doing` becomes a MailboxError that says what is safe."""
        try:
            yield
        except CONNECTION_ERRORS as exc:
            if isinstance(exc, MailboxError):
                raise
            a = self.account
            raise MailboxError(
                f"De verbinding met de IMAP-server {a.host}:{a.port} ging mis tijdens {doing} "
                f"({exc.__class__.__name__}: {exc}). Wat al is opgeslagen blijft bewaard; "
                "de volgende ronde probeert het opnieuw."
            ) from exc

    def _file(self, uids: list[int], folder: str, keyword: str) -> None:
        if folder and self._can_move:
            self._ensure_folder(folder)
            self.client.move(uids, folder)
        else:
            self.client.add_flags(uids, [keyword.encode()])

    def _ensure_folder(self, folder: str) -> None:
        if not self.client.folder_exists(folder):
            try:
                self.client.create_folder(folder)
            except IMAPClientError:
                if not self.client.folder_exists(folder):  # another worker may have made it
                    raise

    def _uid(self, key: str) -> int:
        validity, _, uid = key.partition(":")
        if int(validity) != self.uidvalidity:
            raise MailboxError(
                f"UIDVALIDITY van '{self.account.folder}' is veranderd; begin een nieuwe ronde."
            )
        return int(uid)


def _aware(value: object) -> datetime:
    """INTERNALDATE with its zone; a naive value is taken as this machine's local time."""
    if isinstance(value, datetime):  # imapclient's own FixedOffset does not pickle: use UTC
        return (value if value.tzinfo else value.astimezone()).astimezone(UTC)
    return datetime.now(UTC)
