"""`klachtenbus poll --once` sends the letters of earlier batches while the helper prepares
later ones: the waiting is used, and every complaint still gets exactly one acknowledgement."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import Future
from pathlib import Path

import pytest

from bot.preparing import InlinePreparer, Items, Prepared
from bot.sending import SendSummary
from tests.builders import complaint, remark
from tests.conftest import MailboxAccount
from tests.pipeline_helpers import bot_for
from tests.servers import SmtpSink


class LateFuture(Future[list[Prepared]]):
    """A batch the helper has prepared, reported busy the first few times the poll asks."""

    def __init__(self, prepared: list[Prepared], asks: int = 5) -> None:
        super().__init__()
        self.prepared = prepared
        self.asks = asks

    def done(self) -> bool:
        self.asks -= 1
        if self.asks <= 0 and not super().done():
            self.set_result(self.prepared)
        return super().done()

    def result(self, timeout: float | None = None) -> list[Prepared]:
        if not super().done():
            self.set_result(self.prepared)
        return super().result(timeout)


class SlowHelper:
    """Prepares like the helper process, but each batch is still busy when the poll first asks."""

    parallel = 1

    def __init__(self, inline: InlinePreparer) -> None:
        self.inline = inline

    def submit(self, items: Items) -> Future[list[Prepared]]:
        return LateFuture(self.inline.submit(items).result())

    def help(self, own_seconds: float, later_messages: int) -> bool:
        return False

    def close(self) -> None:
        return None


def test_letters_go_out_while_the_helper_is_busy_and_only_once(
    request: pytest.FixtureRequest,
    mailbox: MailboxAccount,
    smtp: SmtpSink,
    sqlite_url: str,
    trained_model: tuple[Path, str],
    tmp_path: Path,
) -> None:
    """Acknowledgements of the first batches are sent during the poll, the rest after it; each once."""
    bot = bot_for(request, mailbox, smtp, sqlite_url, trained_model, tmp_path, fetch_chunk_size=5)
    inline = bot.pipeline.preparer
    assert isinstance(inline, InlinePreparer)
    bot.pipeline.preparer = SlowHelper(inline)
    mailbox.append(*[complaint(n) for n in range(1, 21)], *[remark(n) for n in range(1, 6)])
    mailer = bot.mailer()
    busy_calls: list[bool] = []

    def send(busy: object) -> SendSummary:
        busy_calls.append(True)
        return bot.pipeline.sender.send_while(mailer, busy)  # type: ignore[arg-type]

    summary = bot.pipeline.poll(bot.mailbox(), send=send)
    after = bot.pipeline.sender.send_due_all(mailer)

    assert busy_calls, "the poll never waited on the helper: nothing was tested"
    assert summary.sent.sent > 0, "no letter went out during the poll"
    assert summary.sent.sent + after.sent == 20
    per_recipient = Counter(r for m in smtp.received for r in m.recipients)
    assert per_recipient == Counter({f"klager{n}@example.nl": 1 for n in range(1, 21)})
    assert mailbox.count("INBOX") == 0
