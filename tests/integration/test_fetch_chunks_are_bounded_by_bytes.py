"""A FETCH, a Maildir read and a pipeline batch hold at most N messages and B bytes; a message
larger than B comes alone, so a few large messages are never in memory together."""

from __future__ import annotations

import os
from pathlib import Path

import bootstrap
from intake.maildir import MaildirMailbox
from intake.sizes import grouped
from tests.builders import complaint, mail
from tests.conftest import MailboxAccount, settings_for


def sized(n: int, size: int) -> bytes:
    """A remark padded to about `size` bytes."""
    return mail(f"Bijlage {n}", "Zie bijlage.\n" + "x" * max(0, size - 600) + "\n")


def test_groups_are_bounded_by_count_and_bytes_and_a_large_item_goes_alone() -> None:
    """Sizes 3, 3, 3, 3 with at most 3 items and 10 bytes: 3+3+3, then 3; a 25 goes alone."""
    sizes = [3, 3, 3, 3, 25, 4, 4, 4, 1]
    groups = list(grouped(sizes, lambda s: s, count=3, size=10))
    assert groups == [[3, 3, 3], [3], [25], [4, 4], [4, 1]]


def test_grouping_takes_no_item_beyond_a_full_group() -> None:
    """Lazy: a full group is handed on before the next message is fetched."""
    taken: list[int] = []

    def items() -> object:
        for n in range(1, 7):
            taken.append(n)
            yield n

    groups = grouped(items(), lambda n: 5, count=10, size=10)  # type: ignore[arg-type]
    assert next(groups) == [1, 2] and taken == [1, 2]


def test_imap_fetches_are_grouped_by_their_rfc822_size(
    mailbox: MailboxAccount, sqlite_url: str, tmp_path: Path
) -> None:
    """Sizes read first; at most 3 messages and 100 kB a FETCH; the 300 kB message alone."""
    small = [sized(n, 30_000) for n in range(1, 5)]
    mailbox.append(small[0], small[1], sized(9, 300_000), small[2], complaint(1), small[3])
    settings = settings_for(
        mailbox, None, sqlite_url, tmp_path, fetch_chunk_size=3, fetch_chunk_bytes=100_000
    )
    requests: list[tuple[list[int], list[str]]] = []
    with bootstrap.mailbox_of(settings) as box:
        asked = box.client.fetch

        def recorded(uids: list[int], data: list[str]) -> dict[int, dict[bytes, object]]:
            requests.append((list(uids), list(data)))
            return asked(uids, data)  # type: ignore[no-any-return]

        box.client.fetch = recorded  # type: ignore[method-assign]
        fetched = list(box.fetch(box.keys()))
    assert [f.uid for f in fetched] == [1, 2, 3, 4, 5, 6]
    assert requests[0] == ([1, 2, 3, 4, 5, 6], ["RFC822.SIZE"])
    assert [uids for uids, _ in requests[1:]] == [[1, 2], [3], [4, 5, 6]]


def test_a_pipeline_batch_is_bounded_by_bytes(tmp_path: Path) -> None:
    """The pipeline's batches follow the same bounds, on a Maildir's files read one at a time."""
    from bot.pipeline import _batches

    folder = tmp_path / "Maildir"
    (folder / "new").mkdir(parents=True)
    box = MaildirMailbox(folder)
    with box:
        for n, raw in enumerate([sized(1, 30_000), sized(2, 300_000), sized(3, 30_000)]):
            (folder / "new" / f"{n}.bericht").write_bytes(raw)
            os.utime(folder / "new" / f"{n}.bericht", (n, n))
        batches = list(_batches(box.fetch(box.keys()), 100, 100_000))
    assert [[f.key for f in b] for b in batches] == [["0.bericht"], ["1.bericht"], ["2.bericht"]]
