"""A dozen Dutch messages for `klachtenbus demo`: complaints, remarks, an out-of-office, a bounce."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

ORGANISATION = "klachten@welzijn-voorbeeld.nl"

# (sender name, sender address, subject, body, extra headers)
SAMPLES: list[tuple[str, str, str, str, dict[str, str]]] = [
    (
        "Fatima el Amrani",
        "f.elamrani@example.nl",
        "Klacht over de behandeling door uw medewerker",
        "Geachte heer, mevrouw,\n\nIk wil een klacht indienen over de manier waarop ik vorige week "
        "dinsdag aan de balie ben behandeld. De medewerker was onvriendelijk en snauwde dat ik maar "
        "terug moest komen als ik mijn papieren op orde had. Ik voelde me niet serieus genomen.\n\n"
        "Ik verwacht een reactie.\n\nMet vriendelijke groet,\nFatima el Amrani\nDorpsstraat 12, 5341 AB Oss",
        {},
    ),
    (
        "Jeroen de Vries",
        "jeroen.devries@example.com",
        "Nog steeds niet teruggebeld",
        "Beste,\n\nAl drie keer is mij beloofd dat de budgetcoach mij zou terugbellen. Nog steeds "
        "niemand gehoord, en ondertussen loopt de aanmaning van de energieleverancier op. Dit is echt "
        "onacceptabel.\n\nJeroen de Vries",
        {},
    ),
    (
        "Sanne Bakker",
        "sanne.bakker@example.org",
        "Vraag over openingstijden",
        "Hallo,\n\nKunnen jullie mij laten weten of het inloopspreekuur in de kerstvakantie ook "
        "open is? Ik wil graag hulp bij het invullen van een formulier voor de toeslag.\n\n"
        "Alvast bedankt,\nSanne",
        {},
    ),
    (
        "Kees Jansen",
        "k.jansen@example.nl",
        "Bedankt!",
        "Beste mevrouw Pieters,\n\nDank u wel voor de fijne hulp afgelopen maandag. Mijn moeder is "
        "erg blij met de nieuwe afspraken over de thuiszorg.\n\nHartelijke groet,\nKees Jansen",
        {},
    ),
    (
        "Marloes Visser",
        "marloes.visser@example.nl",
        "Groep van mijn dochter zonder overleg gesloten",
        "Goedemorgen,\n\nVanochtend bleek de groep van mijn dochter zonder enige aankondiging "
        "samengevoegd met een andere groep. Wij zijn niet ingelicht, er hing alleen een briefje op de "
        "deur. Mijn dochter kende daar niemand en was helemaal overstuur. Ik ben hier zeer ontevreden "
        "over en wil weten hoe dit kon gebeuren.\n\nMarloes Visser",
        {},
    ),
    (
        "Ahmet Yilmaz",
        "a.yilmaz@example.com",
        "Afspraak verzetten",
        "Goedendag,\n\nIk kan donderdag om 14.00 uur helaas niet komen. Is het mogelijk de afspraak "
        "te verplaatsen naar volgende week?\n\nMet vriendelijke groet,\nAhmet Yilmaz",
        {},
    ),
    (
        "Petra van Dijk",
        "petra.vandijk@example.nl",
        "Automatisch antwoord: Uw vraag over de wachtlijst",
        "Ik ben tot en met 4 januari afwezig en lees mijn e-mail niet. Voor dringende zaken kunt u "
        "bellen met het secretariaat.\n\nPetra van Dijk",
        {"Auto-Submitted": "auto-replied"},
    ),
    (
        "Hendrik Smit",
        "h.smit@example.nl",
        "Dossier gedeeld zonder toestemming",
        "Geachte klachtenfunctionaris,\n\nTot mijn grote schrik hoorde ik van de school van mijn zoon "
        "dat uw gezinscoach daar informatie uit ons dossier heeft besproken. Dit is gebeurd zonder "
        "mijn toestemming. Ik vind dit schandalig en wil dat dit wordt uitgezocht.\n\nH. Smit",
        {},
    ),
    (
        "Lotte Mulder",
        "lotte.mulder@example.org",
        "Suggestie voor de nieuwsbrief",
        "Hoi,\n\nMisschien een idee om in de volgende nieuwsbrief iets te zetten over de "
        "vrijwilligersmiddag? Er zijn vast meer mensen die willen helpen.\n\nGroetjes,\nLotte",
        {},
    ),
    (
        "Gerda Hoekstra",
        "gerda.hoekstra@example.nl",
        "Re: uw aanvraag",
        "Dit is geen klacht hoor, maar ik wilde even laten weten dat ik de brief over mijn aanvraag "
        "goed heb ontvangen. Ik stuur de loonstroken volgende week.\n\nGroet,\nGerda Hoekstra",
        {},
    ),
    (
        "Bram de Groot",
        "bram@example.com",
        "wachtlijst",
        "ik wacht nu al 5 maanden op een intake en niemand belt me terug. van het kastje naar de muur. "
        "ik ben het echt zat!!!",
        {},
    ),
]


def sample_messages(now: datetime) -> list[bytes]:
    """The samples as raw RFC 5322 bytes, plus one bounce of an earlier letter."""
    out = []
    for name, address, subject, body, headers in SAMPLES:
        message = EmailMessage()
        message["From"] = f"{name} <{address}>"
        message["To"] = ORGANISATION
        message["Subject"] = subject
        message["Date"] = format_datetime(now)
        message["Message-ID"] = make_msgid(domain=address.split("@")[1])
        for key, value in headers.items():
            message[key] = value
        message.set_content(body)
        out.append(bytes(message))
    out.append(_bounce(now))
    return out


def _bounce(now: datetime) -> bytes:
    bounce = EmailMessage()
    bounce["From"] = "Mail Delivery System <MAILER-DAEMON@mx.example.net>"
    bounce["To"] = ORGANISATION
    bounce["Subject"] = "Undelivered Mail Returned to Sender"
    bounce["Date"] = format_datetime(now)
    bounce["Message-ID"] = make_msgid(domain="mx.example.net")
    bounce["Auto-Submitted"] = "auto-replied"
    bounce.set_content(
        "This is the mail system at host mx.example.net.\n\nI'm sorry to have to inform you that "
        "your message could not be delivered to one or more recipients.\n\n"
        "<oud-adres@example.net>: host mx.example.net said: 550 5.1.1 User unknown\n"
    )
    status = EmailMessage()
    status.set_content(
        "Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; oud-adres@example.net\n"
        "Action: failed\nStatus: 5.1.1\n"
    )
    bounce.make_mixed()
    bounce.attach(status)
    bounce.replace_header(
        "Content-Type", 'multipart/report; report-type=delivery-status; boundary="b1"'
    )
    bounce.set_boundary("b1")
    return bytes(bounce)
