"""`klachtenbus poll --once` sends the letters of earlier batches while the helper prepares
later ones: the waiting is used, and every complaint still gets exactly one acknowledgement."""

from __future__ import annotations

import threading
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


class SlowHelper:
    """Prepares like the helper process, but each batch is ready only a little later."""

    parallel = 1

    def __init__(self, inline: InlinePreparer, delay: float = 0.2) -> None:
        self.inline = inline
        self.delay = delay

    def submit(self, items: Items) -> Future[list[Prepared]]:
        prepared = self.inline.submit(items).result()
        future: Future[list[Prepared]] = Future()
        threading.Timer(self.delay, future.set_result, (prepared,)).start()
        return future

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
