"""The project's own table of replies, per mail client and language: what the sender wrote now.

Each case is a body as the client writes it (plain text, or HTML where the client sends only
HTML) and the new text a careful officer would mark as the sender's own. The unit tests hold
rules/quoting.py to every case; bench/quote_splitting.py runs the same table through the
candidate libraries, so the choice between them rests on these figures.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    name: str
    client: str
    language: str
    body: str
    new: str  # the sender's new text; compared line by line, blank lines and indentation aside
    html: bool = False  # body is HTML: it reaches the splitter as intake's html2text makes it


def normalised(text: str) -> list[str]:
    """Lines without indentation, inner runs of spaces or blank lines: what a reader sees."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


COMPLAINT = (
    "Geachte heer, mevrouw,\n\n"
    "De thuiszorg is deze week drie keer niet gekomen. Niemand belde af.\n"
    "Ik ben hier zeer ontevreden over en wil dat dit wordt opgelost.\n\n"
    "Met vriendelijke groet,\nIlse Boerma"
)
EARLIER = (
    "Geachte mevrouw Boerma,\n\nDank voor uw bericht over de planning van de thuiszorg.\n"
    "Wij nemen binnen vijf werkdagen contact met u op.\n\nMet vriendelijke groet,\nKlantenservice"
)


def _quoted(text: str, mark: str = "> ") -> str:
    return "\n".join(f"{mark}{line}".rstrip() for line in text.splitlines())


def _reply(header: str, *, quote: bool = True, new: str = COMPLAINT) -> str:
    return f"{new}\n\n{header}\n\n{_quoted(EARLIER) if quote else EARLIER}\n"


_SENDER = "Zorggroep Klantenservice <klantenservice@example.nl>"

_OUTLOOK_BLOCKS = {
    "nl": f"Van: {_SENDER}\nVerzonden: maandag 12 oktober 2026 08:51\nAan: Ilse Boerma "
    "<ilse@example.com>\nOnderwerp: RE: Planning thuiszorg",
    "en": f"From: {_SENDER}\nSent: Monday, October 12, 2026 8:51 AM\nTo: Ilse Boerma "
    "<ilse@example.com>\nSubject: RE: Planning thuiszorg",
    "de": f"Von: {_SENDER}\nGesendet: Montag, 12. Oktober 2026 08:51\nAn: Ilse Boerma "
    "<ilse@example.com>\nBetreff: AW: Planning thuiszorg",
    "fr": f"De : {_SENDER}\nEnvoyé : lundi 12 octobre 2026 08:51\nÀ : Ilse Boerma "
    "<ilse@example.com>\nObjet : RE: Planning thuiszorg",
    "pl": f"Od: {_SENDER}\nWysłano: poniedziałek, 12 października 2026 08:51\nDo: Ilse Boerma "
    "<ilse@example.com>\nTemat: RE: Planning thuiszorg",
    "tr": f"Kimden: {_SENDER}\nGönderildi: 12 Ekim 2026 Pazartesi 08:51\nKime: Ilse Boerma "
    "<ilse@example.com>\nKonu: YNT: Planning thuiszorg",
    "nl-BE": f"Van: {_SENDER}\nVerzonden: maandag 12 oktober 2026 08:51\nAan: Ilse Boerma "
    "<ilse@example.com>\nCC: Sociaal Huis <onthaal@example.be>\nOnderwerp: RE: Planning",
}
_SEPARATORS = {
    "nl": "-----Oorspronkelijk bericht-----",
    "en": "-----Original Message-----",
    "de": "-----Ursprüngliche Nachricht-----",
    "fr": "-----Message d'origine-----",
    "pl": "-----Wiadomość oryginalna-----",
    "tr": "-----Özgün İleti-----",
}
_ATTRIBUTIONS = {
    # Gmail (web, Android, iOS): one line, wrapped by the plain-text part at about 76 characters
    ("gmail", "nl"): f"Op ma 12 okt 2026 om 08:51 schreef {_SENDER}:",
    ("gmail", "en"): f"On Mon, Oct 12, 2026 at 8:51 AM {_SENDER} wrote:",
    ("gmail", "de"): f"Am Mo., 12. Okt. 2026 um 08:51 Uhr schrieb {_SENDER}:",
    ("gmail", "fr"): f"Le lun. 12 oct. 2026 à 08:51, {_SENDER} a écrit :",
    ("gmail", "pl"): f"pon., 12 paź 2026 o 08:51 {_SENDER} napisał(a):",
    ("gmail", "tr"): f"{_SENDER}, 12 Eki 2026 Pzt, 08:51 tarihinde şunu yazdı:",
    # Apple Mail (macOS, iOS)
    ("apple", "nl"): f"Op 12 okt. 2026 om 08:51 heeft {_SENDER} het volgende geschreven:",
    ("apple", "en"): f"On 12 Oct 2026, at 08:51, {_SENDER} wrote:",
    ("apple", "de"): f"Am 12.10.2026 um 08:51 schrieb {_SENDER}:",
    ("apple", "fr"): f"Le 12 oct. 2026 à 08:51, {_SENDER} a écrit :",
    ("apple", "pl"): f"Wiadomość napisana przez {_SENDER} w dniu 12.10.2026, o godz. 08:51:",
    ("apple", "tr"): f"12 Eki 2026 tarihinde 08:51 saatinde, {_SENDER} şunları yazdı:",
    # Thunderbird
    ("thunderbird", "nl"): "Op 12-10-2026 om 08:51 schreef Zorggroep Klantenservice:",
    ("thunderbird", "en"): "On 12/10/2026 08:51, Zorggroep Klantenservice wrote:",
    ("thunderbird", "de"): "Am 12.10.26 um 08:51 schrieb Zorggroep Klantenservice:",
    ("thunderbird", "fr"): "Le 12/10/2026 à 08:51, Zorggroep Klantenservice a écrit :",
    ("thunderbird", "pl"): "W dniu 12.10.2026 o 08:51, Zorggroep Klantenservice pisze:",
    # Yahoo, Samsung Email
    ("yahoo", "nl"): "Op maandag 12 oktober 2026 08:51:12 CEST schreef Zorggroep "
    "<klantenservice@example.nl>:",
    ("samsung", "nl"): "-------- Oorspronkelijk bericht --------\nVan: Zorggroep "
    "<klantenservice@example.nl>\nDatum: 12-10-2026 08:51 (GMT+01:00)\nAan: "
    "ilse@example.com\nOnderwerp: Planning thuiszorg",
}
_WRAPPED = {
    "nl": "Op ma 12 okt 2026 om 08:51 schreef Zorggroep Klantenservice <\n"
    "klantenservice@example.nl>:",
    "en": "On Mon, Oct 12, 2026 at 8:51 AM Zorggroep Klantenservice <\n"
    "klantenservice@example.nl> wrote:",
    "de": "Am Mo., 12. Okt. 2026 um 08:51 Uhr schrieb Zorggroep Klantenservice <\n"
    "klantenservice@example.nl>:",
    "fr": "Le lun. 12 oct. 2026 à 08:51, Zorggroep Klantenservice <klantenservice@example.nl>\n"
    "a écrit :",
    "pl": "pon., 12 paź 2026 o 08:51 Zorggroep Klantenservice <klantenservice@example.nl>\n"
    "napisał(a):",
    "tr": "Zorggroep Klantenservice <klantenservice@example.nl>, 12 Eki 2026 Pzt, 08:51\n"
    "tarihinde şunu yazdı:",
}
_FORWARDS = {
    ("gmail", "nl"): "---------- Doorgestuurd bericht ---------",
    ("gmail", "en"): "---------- Forwarded message ---------",
    ("gmail", "de"): "---------- Weitergeleitete Nachricht ---------",
    ("gmail", "fr"): "---------- Message transféré ---------",
    ("gmail", "pl"): "---------- Wiadomość przekazana dalej ---------",
    ("gmail", "tr"): "---------- Yönlendirilmiş ileti ---------",
    ("thunderbird", "pl"): "-------- Przekazana wiadomość --------",
    ("thunderbird", "tr"): "-------- İletilen İleti --------",
    ("apple", "nl"): "Begin doorgestuurd bericht:",
    ("apple", "de"): "Anfang der weitergeleiteten Nachricht:",
    ("apple", "fr"): "Début du message réexpédié :",
}
_FORWARDED_HEADER = (
    "Van: Team Wmo <wmo@example.nl>\nDatum: vr 30 okt. 2026 om 16:20\nOnderwerp: Beëindiging\n"
    "Aan: <ilse@example.com>"
)
_MOBILE = {
    ("iphone", "nl"): "Verzonden vanaf mijn iPhone",
    ("iphone", "nl-BE"): "Verstuurd vanaf mijn iPhone",
    ("iphone", "en"): "Sent from my iPhone",
    ("iphone", "de"): "Von meinem iPhone gesendet",
    ("iphone", "fr"): "Envoyé de mon iPhone",
    ("iphone", "pl"): "Wysłane z iPhone'a",
    ("iphone", "tr"): "iPhone'umdan gönderildi",
    ("ipad", "nl"): "Verstuurd vanaf mijn iPad",
    ("samsung", "nl"): "Verzonden vanaf mijn Samsung Galaxy-smartphone.",
    ("samsung", "en"): "Sent from my Galaxy",
    ("samsung", "de"): "Von meinem Samsung Galaxy Smartphone gesendet",
    ("samsung", "fr"): "Envoyé depuis mon appareil Galaxy",
    ("samsung", "pl"): "Wysłane z mojego Galaxy",
    ("samsung", "tr"): "Samsung Galaxy akıllı telefonumdan gönderildi",
    ("outlook-android", "nl"): "Outlook voor Android downloaden",
    ("outlook-android", "en"): "Get Outlook for Android",
    ("outlook-android", "de"): "Outlook für Android herunterladen",
    ("outlook-android", "fr"): "Télécharger Outlook pour Android",
    ("outlook-android", "pl"): "Pobierz aplikację Outlook dla systemu Android",
    ("outlook-android", "tr"): "Android için Outlook'u edinin",
    ("outlook-ios", "nl"): "Outlook voor iOS downloaden",
    ("outlook-ios", "en"): "Get Outlook for iOS",
    ("mail-windows", "nl"): "Verzonden vanuit Mail voor Windows",
    ("mail-windows", "nl-BE"): "Verzonden vanuit Mail voor Windows 10",
    ("mail-windows", "en"): "Sent from Mail for Windows",
    ("mail-windows", "de"): "Gesendet von Mail für Windows",
    ("mail-windows", "fr"): "Envoyé à partir de Courrier pour Windows",
    ("mail-windows", "pl"): "Wysłane z aplikacji Poczta dla systemu Windows",
    ("mail-windows", "tr"): "Windows için Posta'dan gönderildi",
    ("yahoo-android", "nl"): "Verzonden vanuit Yahoo Mail voor Android",
    ("yahoo-iphone", "en"): "Sent from Yahoo Mail for iPhone",
    ("gmail-android", "nl"): "Verzonden vanaf mijn Android-telefoon via Gmail",
}

_OUTLOOK_HTML = (
    '<html><body><div dir="ltr"><p>De thuiszorg is deze week drie keer niet gekomen. '
    "Niemand belde af.</p><p>Ik ben hier zeer ontevreden over.</p><p>Ilse Boerma</p></div>"
    '<hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" '
    'dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt" color="#000000">'
    "<b>Van:</b> Zorggroep Klantenservice &lt;klantenservice@example.nl&gt;<br>"
    "<b>Verzonden:</b> maandag 12 oktober 2026 08:51<br><b>Aan:</b> Ilse Boerma "
    "&lt;ilse@example.com&gt;<br><b>Onderwerp:</b> RE: Planning thuiszorg</font>"
    "<div>&nbsp;</div></div><div><p>Geachte mevrouw Boerma,</p><p>Wij nemen binnen vijf "
    "werkdagen contact met u op.</p></div></body></html>"
)
_OUTLOOK_DESKTOP_HTML = (
    '<html><body lang="NL"><div class="WordSection1"><p class="MsoNormal">De thuiszorg is '
    'deze week drie keer niet gekomen.<o:p></o:p></p><p class="MsoNormal">Ik ben hier zeer '
    'ontevreden over.<o:p></o:p></p><div><div style="border:none;border-top:solid #E1E1E1 '
    '1.0pt;padding:3.0pt 0cm 0cm 0cm"><p class="MsoNormal"><b>Von:</b> Zorggroep '
    "&lt;klantenservice@example.nl&gt; <br><b>Gesendet:</b> Montag, 12. Oktober 2026 08:51<br>"
    "<b>An:</b> Ilse Boerma &lt;ilse@example.com&gt;<br><b>Betreff:</b> AW: Planning<o:p></o:p>"
    '</p></div></div><p class="MsoNormal">Sehr geehrte Frau Boerma, wir melden uns.<o:p></o:p>'
    "</p></div></body></html>"
)
_GMAIL_HTML = (
    '<div dir="ltr"><div>De thuiszorg is deze week drie keer niet gekomen.</div><div>Ik ben '
    'hier zeer ontevreden over.</div></div><br><div class="gmail_quote"><div dir="ltr" '
    'class="gmail_attr">Op ma 12 okt 2026 om 08:51 schreef Zorggroep Klantenservice &lt;<a '
    'href="mailto:klantenservice@example.nl">klantenservice@example.nl</a>&gt;:<br></div>'
    '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid '
    'rgb(204,204,204);padding-left:1ex"><div dir="ltr">Geachte mevrouw Boerma,<br>Wij nemen '
    "binnen vijf werkdagen contact met u op.</div></blockquote></div>"
)
_APPLE_HTML = (
    '<html><body dir="auto"><div>De thuiszorg is deze week drie keer niet gekomen.</div>'
    "<div>Ik ben hier zeer ontevreden over.</div><div><br></div><div>Verzonden vanaf mijn "
    'iPhone</div><div><br><blockquote type="cite">Op 12 okt. 2026 om 08:51 heeft Zorggroep '
    "Klantenservice &lt;klantenservice@example.nl&gt; het volgende geschreven:<br><br></blockquote>"
    '</div><blockquote type="cite"><div>Geachte mevrouw Boerma,<br>Wij nemen binnen vijf '
    "werkdagen contact met u op.</div></blockquote></body></html>"
)
_APPLE_HTML_BELOW = (
    '<html><body dir="auto"><blockquote type="cite">Op 12 okt. 2026 om 08:51 heeft Zorggroep '
    "&lt;klantenservice@example.nl&gt; het volgende geschreven:<br><br><div>Wij nemen binnen "
    "vijf werkdagen contact met u op.</div></blockquote><div>Dat is nu drie weken geleden en "
    "niemand heeft gebeld. Ik ben zeer ontevreden.</div></body></html>"
)


def _cases() -> list[Case]:
    out: list[Case] = []
    for language, block in _OUTLOOK_BLOCKS.items():
        out.append(
            Case(f"outlook-{language}", "outlook", language, _reply(block, quote=False), COMPLAINT)
        )
    for language, line in _SEPARATORS.items():
        block = _OUTLOOK_BLOCKS[language]
        out.append(
            Case(
                f"outlook-separator-{language}",
                "outlook",
                language,
                _reply(f"{line}\n{block}", quote=False),
                COMPLAINT,
            )
        )
    out.append(
        Case(
            "outlook-web-underscores-nl",
            "outlook-web",
            "nl",
            _reply(f"{'_' * 32}\n{_OUTLOOK_BLOCKS['nl']}", quote=False),
            COMPLAINT,
        )
    )
    bold = "\n".join(
        f"*{line.split(':', 1)[0]}:*{line.split(':', 1)[1]}"
        for line in _OUTLOOK_BLOCKS["nl"].split("\n")
    )
    out.append(Case("outlook-bold-nl", "outlook", "nl", _reply(bold, quote=False), COMPLAINT))
    date_first = {
        "nl": f"Datum: maandag 12 oktober 2026 om 08:51\nVan: {_SENDER}\nAan: Ilse Boerma "
        "<ilse@example.com>\nOnderwerp: Re: Planning thuiszorg",
        "en": f"From: {_SENDER}\nDate: Monday, 12 October 2026 at 08:51\nTo: Ilse Boerma "
        "<ilse@example.com>\nSubject: Re: Planning thuiszorg",
        "de": f"Datum: Montag, 12. Oktober 2026 um 08:51\nVon: {_SENDER}\nAn: Ilse Boerma "
        "<ilse@example.com>\nBetreff: Re: Planning thuiszorg",
    }
    for language, block in date_first.items():
        out.append(
            Case(
                f"outlook-mac-date-first-{language}",
                "outlook-mac",
                language,
                _reply(block, quote=False),
                COMPLAINT,
            )
        )
    out.append(
        Case(
            "outlook-tr-gonderilme-tarihi",
            "outlook",
            "tr",
            _reply(
                f"Kimden: {_SENDER}\nGönderilme Tarihi: 12 Ekim 2026 Pazartesi 08:51\nKime: Ilse\n"
                "Konu: YNT: Planning",
                quote=False,
            ),
            COMPLAINT,
        )
    )
    out.append(
        Case(
            "groupwise-nl-BE",
            "groupwise",
            "nl-BE",
            f"{COMPLAINT}\n\n>>> Sociale Dienst OCMW 30-9-2026 15:12 >>>\n{EARLIER}\n",
            COMPLAINT,
        )
    )
    for (client, language), line in _FORWARDS.items():
        out.append(
            Case(
                f"{client}-forward-below-letter-{language}",
                client,
                language,
                _reply(f"{line}\n{_FORWARDED_HEADER}", quote=False),
                COMPLAINT,
            )
        )
    wrapped_value = (
        "Van: Zorggroep Klantenservice namens Team Wijkverpleging Deventer-Oost\n"
        "<klantenservice@example.nl>\nVerzonden: maandag 12 oktober 2026 08:51\nAan: Ilse\n"
        "Onderwerp: RE: Planning"
    )
    out.append(
        Case(
            "outlook-wrapped-from-nl",
            "outlook",
            "nl",
            _reply(wrapped_value, quote=False),
            COMPLAINT,
        )
    )
    for (client, language), line in _ATTRIBUTIONS.items():
        out.append(Case(f"{client}-{language}", client, language, _reply(line), COMPLAINT))
    for language, line in _WRAPPED.items():
        out.append(Case(f"gmail-wrapped-{language}", "gmail", language, _reply(line), COMPLAINT))
    for language in ("nl", "en", "de", "fr", "tr"):
        line = _ATTRIBUTIONS[("apple", language)]
        out.append(
            Case(
                f"apple-unquoted-{language}",
                "apple",
                language,
                _reply(line, quote=False),
                COMPLAINT,
            )
        )
    for (client, language), line in _MOBILE.items():
        out.append(
            Case(
                f"{client}-signature-{language}",
                client,
                language,
                f"{COMPLAINT}\n\n{line}\n",
                COMPLAINT,
            )
        )
    out.append(
        Case(
            "iphone-signature-above-quote-nl",
            "iphone",
            "nl",
            _reply(f"Verzonden vanaf mijn iPhone\n\n{_ATTRIBUTIONS[('apple', 'nl')]}"),
            COMPLAINT,
        )
    )
    out.append(
        Case(
            "outlook-android-signature-above-quote-nl",
            "outlook-android",
            "nl",
            _reply(
                f"Outlook voor Android downloaden\n{'_' * 32}\n{_OUTLOOK_BLOCKS['nl']}", quote=False
            ),
            COMPLAINT,
        )
    )
    # structure: where the new text stands
    attribution = _ATTRIBUTIONS[("gmail", "nl")]
    out += [
        Case(
            "bottom-posting-nl",
            "thunderbird",
            "nl",
            f"{attribution}\n{_quoted(EARLIER)}\n\n{COMPLAINT}\n",
            COMPLAINT,
        ),
        Case(
            "text-below-quote-nl",
            "gmail",
            "nl",
            f"Dank voor uw antwoord.\n\n{attribution}\n{_quoted(EARLIER)}\n\n"
            "PS: de factuur van oktober klopt ook niet, ik betaal geen uren die niet geleverd zijn.\n",
            "Dank voor uw antwoord.\nPS: de factuur van oktober klopt ook niet, ik betaal geen uren "
            "die niet geleverd zijn.",
        ),
        Case(
            "interleaved-nl",
            "thunderbird",
            "nl",
            f"{attribution}\n> Kunt u aangeven op welke dagen de zorg niet kwam?\n\nMaandag, "
            "woensdag en vrijdag.\n\n> Heeft u de zorgverlener gesproken?\n\nNee, niemand "
            "nam op. Dit is onacceptabel.\n",
            "Maandag, woensdag en vrijdag.\nNee, niemand nam op. Dit is onacceptabel.",
        ),
        Case(
            "interleaved-en",
            "thunderbird",
            "en",
            f"{_ATTRIBUTIONS[('thunderbird', 'en')]}\n> Which days did the carer not come?\n"
            "Monday and Friday.\n> Did you call the office?\nThree times, nobody answered.\n",
            "Monday and Friday.\nThree times, nobody answered.",
        ),
        Case(
            "nested-quotes-below-nl",
            "gmail",
            "nl",
            f"Zie hieronder, al twee keer gevraagd.\n\n{attribution}\n{_quoted(EARLIER)}\n>\n> "
            f"{_ATTRIBUTIONS[('apple', 'nl')]}\n>> Wanneer komt de zorg?\n\nIk wacht nog steeds.",
            "Zie hieronder, al twee keer gevraagd.\nIk wacht nog steeds.",
        ),
        # a complainant's own sentences that look like reply headers
        Case(
            "own-sentence-schreef-ik-nl",
            "any",
            "nl",
            "Geachte heer, mevrouw,\n\nOp 12 februari schreef ik u al het volgende:\n\n"
            "De thuiszorg komt steeds te laat en belt niet af. Mijn moeder zit dan uren te wachten."
            "\n\nIk heb daar nooit antwoord op gekregen. Dit is onacceptabel.\n\nIlse Boerma",
            "Geachte heer, mevrouw,\nOp 12 februari schreef ik u al het volgende:\nDe thuiszorg komt "
            "steeds te laat en belt niet af. Mijn moeder zit dan uren te wachten.\nIk heb daar nooit "
            "antwoord op gekregen. Dit is onacceptabel.\nIlse Boerma",
        ),
        Case(
            "own-sentence-with-time-nl",
            "any",
            "nl",
            "Op 12 februari 2026 om 10:15 schreef ik aan uw collega:\nIk wil een gesprek over de "
            "begeleiding van mijn zoon.\nDaar is nooit op gereageerd.",
            "Op 12 februari 2026 om 10:15 schreef ik aan uw collega:\nIk wil een gesprek over de "
            "begeleiding van mijn zoon.\nDaar is nooit op gereageerd.",
        ),
        Case(
            "own-sentence-heb-ik-geschreven-nl",
            "any",
            "nl",
            "Op 3 maart heb ik het volgende geschreven:\n\nMijn vader krijgt zijn medicijnen niet op "
            "tijd.\n\nEr is sindsdien niets veranderd.",
            "Op 3 maart heb ik het volgende geschreven:\nMijn vader krijgt zijn medicijnen niet op "
            "tijd.\nEr is sindsdien niets veranderd.",
        ),
        Case(
            "own-sentence-wij-nl-BE",
            "any",
            "nl-BE",
            "Goeiedag,\n\nOp 4 november schreven wij u:\n\nOnze zoon krijgt geen begeleiding meer."
            "\n\nWe kregen geen antwoord. Dat vinden wij niet correct.",
            "Goeiedag,\nOp 4 november schreven wij u:\nOnze zoon krijgt geen begeleiding meer.\n"
            "We kregen geen antwoord. Dat vinden wij niet correct.",
        ),
        Case(
            "own-sentence-en",
            "any",
            "en",
            "On 12 February I wrote to you:\n\nThe carer keeps coming late.\n\nNothing changed.",
            "On 12 February I wrote to you:\nThe carer keeps coming late.\nNothing changed.",
        ),
        Case(
            "own-sentence-de",
            "any",
            "de",
            "Am 12. Februar schrieb ich Ihnen:\n\nDie Pflege kommt immer zu spät.\n\nNichts hat "
            "sich geändert.",
            "Am 12. Februar schrieb ich Ihnen:\nDie Pflege kommt immer zu spät.\nNichts hat sich "
            "geändert.",
        ),
        Case(
            "own-sentence-fr",
            "any",
            "fr",
            "Le 12 février, j'ai écrit :\n\nL'aide à domicile arrive toujours en retard.\n\nRien "
            "n'a changé.",
            "Le 12 février, j'ai écrit :\nL'aide à domicile arrive toujours en retard.\nRien n'a "
            "changé.",
        ),
        Case(
            "own-sentence-quoting-a-letter-nl",
            "any",
            "nl",
            "In uw brief schreef u: 'wij nemen binnen vijf werkdagen contact op'.\nDat is nooit "
            "gebeurd.\nVan: mijn kant is alles aangeleverd.\nDatum van de aanvraag: 1 september.",
            "In uw brief schreef u: 'wij nemen binnen vijf werkdagen contact op'.\nDat is nooit "
            "gebeurd.\nVan: mijn kant is alles aangeleverd.\nDatum van de aanvraag: 1 september.",
        ),
        Case(
            "web-form-fields-nl",
            "web-form",
            "nl",
            "Naam: Ilse Boerma\nE-mail: ilse@example.com\nOnderwerp: Klacht thuiszorg\n\nBericht:\n"
            "De thuiszorg is drie keer niet gekomen. Ik ben zeer ontevreden.",
            "Naam: Ilse Boerma\nE-mail: ilse@example.com\nOnderwerp: Klacht thuiszorg\nBericht:\n"
            "De thuiszorg is drie keer niet gekomen. Ik ben zeer ontevreden.",
        ),
        Case(
            "forward-only-nl",
            "gmail",
            "nl",
            "---------- Doorgestuurd bericht ---------\nVan: Ilse Boerma <ilse@example.com>\n"
            "Date: ma 12 okt 2026 om 08:51\nSubject: Klacht\nTo: <info@example.nl>\n\n"
            "De thuiszorg is drie keer niet gekomen. Ik ben zeer ontevreden.\n",
            "De thuiszorg is drie keer niet gekomen. Ik ben zeer ontevreden.",
        ),
        Case(
            "forward-with-cover-note-nl",
            "gmail",
            "nl",
            "Ter info, telefonisch doorgekregen klacht.\n\n---------- Doorgestuurd bericht "
            "---------\nVan: Ilse Boerma <ilse@example.com>\nDate: ma 12 okt 2026 om 08:51\n"
            "Subject: Klacht\nTo: <info@example.nl>\n\nDe thuiszorg is drie keer niet gekomen.\n",
            "Ter info, telefonisch doorgekregen klacht.\nDe thuiszorg is drie keer niet gekomen.",
        ),
        Case(
            "outlook-forward-with-cover-note-nl",
            "outlook",
            "nl",
            "Zie onderstaande klacht.\n\nVan: Ilse Boerma <ilse@example.com>\nVerzonden: maandag "
            "12 oktober 2026 08:51\nAan: Info <info@example.nl>\nOnderwerp: FW: Klacht thuiszorg"
            "\n\nDe thuiszorg is drie keer niet gekomen.\n",
            "Zie onderstaande klacht.\nDe thuiszorg is drie keer niet gekomen.",
        ),
        Case(
            "forward-below-own-letter-nl",
            "gmail",
            "nl",
            f"{COMPLAINT}\n\n---------- Doorgestuurd bericht ---------\nVan: Team Wmo "
            "<wmo@example.nl>\nDatum: vr 30 okt. 2026 om 16:20\nOnderwerp: Beëindiging\nAan: "
            "<ilse@example.com>\n\nHierbij informeren wij u dat de begeleiding stopt.\n",
            COMPLAINT,
        ),
        Case(
            "own-sentence-third-person-nl",
            "any",
            "nl",
            "Op 12 maart om 10:30 schreef uw medewerker:\n\n'Wij komen morgen langs.'\n\nNiemand "
            "is gekomen. Dit is de derde keer.",
            "Op 12 maart om 10:30 schreef uw medewerker:\n'Wij komen morgen langs.'\nNiemand is "
            "gekomen. Dit is de derde keer.",
        ),
        Case(
            "disclaimer-nl",
            "outlook",
            "nl",
            f"{COMPLAINT}\n\nDit e-mailbericht is uitsluitend bestemd voor de geadresseerde(n). "
            "Als u dit bericht onterecht ontvangt, wordt u verzocht de inhoud niet te gebruiken.\n",
            COMPLAINT,
        ),
        Case(
            "dash-signature-nl",
            "thunderbird",
            "nl",
            f"{COMPLAINT}\n\n-- \nIlse Boerma\nKerkstraat 1, 7411 AB Deventer\n06-12345678\n",
            COMPLAINT,
        ),
    ]
    html = [
        ("outlook-web-html-nl", "outlook-web", "nl", _OUTLOOK_HTML),
        ("outlook-desktop-html-de", "outlook", "de", _OUTLOOK_DESKTOP_HTML),
        ("gmail-html-nl", "gmail", "nl", _GMAIL_HTML),
        ("apple-html-nl", "apple", "nl", _APPLE_HTML),
    ]
    expected_html = {
        "outlook-web-html-nl": "De thuiszorg is deze week drie keer niet gekomen. Niemand belde "
        "af.\nIk ben hier zeer ontevreden over.\nIlse Boerma",
        "outlook-desktop-html-de": "De thuiszorg is deze week drie keer niet gekomen.\nIk ben hier "
        "zeer ontevreden over.",
        "gmail-html-nl": "De thuiszorg is deze week drie keer niet gekomen.\nIk ben hier zeer "
        "ontevreden over.",
        "apple-html-nl": "De thuiszorg is deze week drie keer niet gekomen.\nIk ben hier zeer "
        "ontevreden over.",
    }
    out += [Case(n, c, lang, body, expected_html[n], html=True) for n, c, lang, body in html]
    out.append(
        Case(
            "apple-html-below-nl",
            "apple",
            "nl",
            _APPLE_HTML_BELOW,
            "Dat is nu drie weken geleden en niemand heeft gebeld. Ik ben zeer ontevreden.",
            html=True,
        )
    )
    return out


CASES: list[Case] = _cases()
