"""An officer reads the sender's new text first, wherever the sender wrote it (above, between
and below the quoted mail), and finds the quoted history folded beneath it, whole."""

from __future__ import annotations

from tests.builders import mail
from tests.casework import arrived
from tests.web_helpers import Web

BODY = (
    "Dank voor uw antwoord, maar het klopt niet.\n\n"
    "Op ma 12 okt 2026 om 08:51 schreef Zorggroep Klantenservice <\n"
    "klantenservice@example.nl>:\n"
    "> Wij nemen binnen vijf werkdagen contact met u op.\n\n"
    "Dat is nu drie weken geleden en niemand heeft gebeld.\n\n"
    "Verstuurd vanaf mijn iPhone\n"
)


def test_the_new_text_comes_first_and_the_history_is_folded(web: Web) -> None:
    number = arrived(web.store, mail("Re: Planning thuiszorg", BODY))

    page = web.logged_in("anna").get(f"/berichten/{number}").text

    shown = page.split('<div class="mailtext">', 1)[1].split("</div>", 1)[0]
    assert "Dank voor uw antwoord, maar het klopt niet." in shown
    assert "Dat is nu drie weken geleden en niemand heeft gebeld." in shown
    assert "vijf werkdagen" not in shown and "Verstuurd vanaf" not in shown
    folded = page.split('<details class="quoted">', 1)[1].split("</details>", 1)[0]
    assert "vijf werkdagen" in folded and "Verstuurd vanaf mijn iPhone" in folded
