"""The embedded demo's outbox writes each letter as an .eml file named after its Message-ID,
with nothing in the name that could leave the folder."""

from __future__ import annotations

from pathlib import Path

from outbox import FolderMailer


def test_each_letter_is_a_file_named_after_its_message_id(tmp_path: Path) -> None:
    folder = tmp_path / "uit" / "post"
    mailer = FolderMailer(folder)
    mailer.deliver(b"een", sender="a@b.nl", recipient="c@d.nl", message_id="<k-1.x@zorg.nl>")
    with mailer.session() as deliver:
        deliver(b"twee", sender="a@b.nl", recipient="c@d.nl", message_id="<../../etc/passwd>")
    assert sorted(p.name for p in folder.iterdir()) == [".._.._etc_passwd.eml", "k-1.x_zorg.nl.eml"]
    assert (folder / "k-1.x_zorg.nl.eml").read_bytes() == b"een"
    assert (folder / ".._.._etc_passwd.eml").read_bytes() == b"twee"


def test_a_session_makes_the_folder_first(tmp_path: Path) -> None:
    folder = tmp_path / "nieuw"
    with FolderMailer(str(folder)).session() as deliver:
        assert folder.is_dir()
        deliver(b"x", sender="a", recipient="b", message_id="<a_b-c@d>")
    assert [p.name for p in folder.iterdir()] == ["a_b-c_d.eml"]


def test_every_letter_of_a_run_lands_in_the_same_folder(tmp_path: Path) -> None:
    mailer = FolderMailer(tmp_path / "uit")
    mailer.deliver(b"een", sender="a@b.nl", recipient="c@d.nl", message_id="<X-1@voorbeeld.X>")
    mailer.deliver(b"twee", sender="a@b.nl", recipient="c@d.nl", message_id="<X-2@voorbeeld.X>")
    assert sorted(p.name for p in (tmp_path / "uit").iterdir()) == [
        "X-1_voorbeeld.X.eml",
        "X-2_voorbeeld.X.eml",
    ]
