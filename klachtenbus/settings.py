"""One typed settings object: klachtenbus.toml, overridden by KLACHTENBUS_* environment variables."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from klachtenbus.errors import ConfigFileError, SettingError
from klachtenbus.network import is_loopback

Security = Literal["ssl", "starttls", "none"]
DEFAULT_FILE = "klachtenbus.toml"


def config_file() -> Path:
    return Path(os.environ.get("KLACHTENBUS_CONFIG") or DEFAULT_FILE)


def read_config_file() -> tuple[dict[str, Any], str]:
    """The settings file's values and its text; {} when the default file is absent.

    A file named by KLACHTENBUS_CONFIG must exist (`/dev/null` names none on purpose): a
    mistyped name silently ignored would run on defaults that were never chosen."""
    path = config_file()
    if not path.exists():
        if os.environ.get("KLACHTENBUS_CONFIG"):
            raise ConfigFileError(
                path,
                None,
                "bestaat niet. Controleer het pad in KLACHTENBUS_CONFIG, of laat die variabele "
                f"weg om {DEFAULT_FILE} in de werkmap te lezen.",
            )
        return {}, ""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigFileError(
            path, None, "is geen UTF-8-tekst. Sla het bestand op als UTF-8."
        ) from None
    except OSError as exc:
        raise ConfigFileError(
            path, None, f"kan niet worden gelezen ({exc.strerror}). Controleer pad en rechten."
        ) from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        line, problem = _toml_problem(str(exc), text)
        raise ConfigFileError(
            path,
            line,
            f"geen geldige TOML: {problem}. Schrijf elke instelling als naam = waarde, tekst "
            'tussen aanhalingstekens, bijvoorbeeld imap_host = "imap.uw-organisatie.nl".',
        ) from None


_TOML_PROBLEMS = {
    "Invalid value": "ongeldige waarde (staat tekst wel tussen aanhalingstekens?)",
    "Cannot overwrite a value": "deze instelling of tabel staat er twee keer in",
    "Unterminated string": "een aanhalingsteken wordt niet gesloten",
    "Expected '=' after a key in a key/value pair": "na de naam hoort een =",
    "Invalid statement": "deze regel is geen naam = waarde",
}


def _toml_problem(message: str, text: str) -> tuple[int | None, str]:
    """The line and a Dutch description of what tomllib reports (`... (at line 3, column 7)`)."""
    found = re.fullmatch(r"(.*) \((?:at line (\d+), column \d+|at end of document)\)", message)
    if found is None:
        return None, message
    line = int(found[2]) if found[2] else max(len(text.splitlines()), 1)
    return line, _TOML_PROBLEMS.get(found[1], found[1])


class _FileSource(PydanticBaseSettingsSource):
    """The settings file as read by `read_config_file`: the lowest source, below the
    environment."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        return read_config_file()[0]


class Settings(BaseSettings):
    """Every setting, its default and what it is for (the README lists them)."""

    model_config = SettingsConfigDict(env_prefix="KLACHTENBUS_", extra="forbid")

    database_url: str = Field(
        "sqlite:///klachtenbus.db", description="SQLAlchemy-URL van de database."
    )
    imap_host: str | None = Field(None, description="IMAP-server van de klachtenmailbox.")
    imap_port: int | None = Field(None, description="IMAP-poort; standaard 993 (ssl) of 143.")
    imap_user: str | None = Field(None, description="Gebruikersnaam van de klachtenmailbox.")
    imap_password: SecretStr | None = Field(None, description="Wachtwoord van de klachtenmailbox.")
    imap_security: Security = Field("ssl", description="ssl, starttls of none (alleen loopback).")
    imap_folder: str = Field("INBOX", description="Map waaruit berichten worden gelezen.")
    imap_processed_folder: str = Field(
        "Verwerkt", description="Map voor verwerkte berichten; leeg = laten staan en markeren."
    )
    imap_quarantine_folder: str = Field(
        "Onverwerkbaar", description="Map voor onleesbare berichten."
    )
    maildir: Path | None = Field(None, description="Maildir-map als bron in plaats van IMAP.")
    smtp_host: str | None = Field(None, description="SMTP-server voor ontvangstbevestigingen.")
    smtp_port: int | None = Field(None, description="SMTP-poort; standaard 465 (ssl) of 587.")
    smtp_user: str | None = Field(
        None, description="Gebruikersnaam voor SMTP (leeg = zonder login)."
    )
    smtp_password: SecretStr | None = Field(None, description="Wachtwoord voor SMTP.")
    smtp_security: Security = Field(
        "starttls", description="ssl, starttls of none (alleen loopback)."
    )
    outbox_folder: Path | None = Field(
        None, description="Schrijf brieven als .eml-bestanden in deze map in plaats van SMTP."
    )
    organisation_address: str | None = Field(
        None, description="Adres van de klachtenmailbox zelf; afzender van de bevestigingen."
    )
    organisation_name: str = Field("Klachtenbus", description="Naam van de organisatie in brieven.")
    organisation_postal_address: str = Field("", description="Postadres onder brieven.")
    procedure: str = Field(
        "hss",
        description="Klachtenprocedure: een preset (awb, hss, kika, mik-piw-…, ons-welzijn, vlaanderen, wkkgz) of een pad.",
    )
    officers: dict[str, str] = Field(
        default_factory=dict,
        description="Wie welke rol uit de procedure vervult: rol = e-mailadres (dagoverzicht, escalatie).",
    )
    meldcode_address: str | None = Field(
        None,
        description="Wie direct bericht krijgt bij signalen van huiselijk geweld of kindermishandeling.",
    )
    alarm_to: list[str] = Field(
        default_factory=list,
        description="Extra adressen voor alarmmeldingen over Klachtenbus zelf (naast de beheerders met een e-mailadres).",
    )
    health_stale_minutes: int = Field(
        10,
        ge=1,
        description="Zonder geslaagde ophaalronde in zoveel minuten meldt /healthz een fout (503).",
    )
    digest_hour: int = Field(
        7, ge=0, le=23, description="Uur waarop het dagoverzicht wordt verstuurd."
    )
    auto_letter_pause_hours: int = Field(
        24, ge=1, description="Hoogstens één automatische brief per afzender in deze periode."
    )
    extra_holidays: list[date] = Field(
        default_factory=list, description="Extra vrije dagen bij besluit, bv. 2026-05-15."
    )
    poll_interval_seconds: int = Field(60, ge=5, description="Hoe vaak de mailbox wordt gelezen.")
    send_interval_seconds: int = Field(
        15, ge=1, description="Hoe vaak de uitgaande post wordt verstuurd."
    )
    retry_base_seconds: float = Field(
        30,
        gt=0,
        description="Eerste wachttijd voor een brief die de SMTP-server weigerde (niet bij een storing).",
    )
    retry_max_seconds: float = Field(
        3600, gt=0, description="Langste wachttijd tussen pogingen voor één geweigerde brief."
    )
    refile_after_seconds: float = Field(
        120,
        ge=0,
        description="Na hoeveel seconden een opgeslagen maar niet verplaatst bericht alsnog wordt weggezet.",
    )
    helper_processes: int = Field(
        1,
        ge=0,
        le=8,
        description="Hulpprocessen die berichten lezen en beoordelen; 0 = alles in één proces.",
    )
    fetch_chunk_size: int = Field(100, ge=1, le=1000, description="Berichten per IMAP FETCH.")
    fetch_chunk_bytes: int = Field(
        20_000_000,
        ge=100_000,
        description="Hoogstens zoveel bytes per IMAP FETCH en per verwerkingsronde; een groter bericht komt alleen.",
    )
    max_message_bytes: int = Field(
        50_000_000,
        ge=100_000,
        description="Een groter bericht wordt volledig bewaard, maar alleen op kopregels en tekst beoordeeld; bijlagen alleen op naam, type en grootte.",
    )
    attachment_max_bytes: int = Field(
        20_000_000,
        ge=10_000,
        description="Een grotere bijlage wordt niet gelezen (wel bewaard); de reden noemt dat.",
    )
    attachment_max_pages: int = Field(
        50, ge=1, description="Hoogstens zoveel pagina's van een PDF-bijlage worden gelezen."
    )
    attachment_max_seconds: float = Field(
        5.0,
        gt=0,
        le=120,
        description="Leestijd per bijlage (tekstherkenning inbegrepen); daarna wordt het lezen afgebroken.",
    )
    attachment_max_unpacked_bytes: int = Field(
        100_000_000,
        ge=1_000_000,
        description="Een zip, DOCX of ODT die uitgepakt groter zou zijn, wordt niet uitgepakt (zip-bom).",
    )
    attachment_ocr: bool = Field(
        True,
        description="Scans en foto's lezen met tekstherkenning als Tesseract met Nederlands is geïnstalleerd (pip install klachtenbus[ocr]).",
    )
    model_dir: Path = Field(Path("klachtenbus-model"), description="Map voor het getrainde model.")
    rules_file: Path | None = Field(
        None, description="Eigen regelbestand (TOML) in plaats van het standaard."
    )
    threshold_complaint: float = Field(0.70, ge=0, le=1, description="Vanaf deze kans: klacht.")
    threshold_without_marker: float = Field(
        0.80,
        ge=0,
        le=1,
        description="Vanaf deze kans: klacht, ook als geen HSS-kenmerk herkend is.",
    )
    threshold_remark: float = Field(0.25, ge=0, le=1, description="Onder deze kans: opmerking.")
    log_level: str = Field("INFO", description="DEBUG, INFO, WARNING of ERROR.")
    web_host: str = Field(
        "127.0.0.1",
        description="Adres waarop `klachtenbus serve` luistert; zet er een proxy met TLS voor.",
    )
    web_port: int = Field(8080, ge=1, le=65535, description="Poort van de webapp.")
    web_secure_cookies: bool = Field(
        False,
        description="Sessiecookie alleen over HTTPS; ook zonder deze instelling als de proxy HTTPS meldt.",
    )
    web_trusted_proxies: str = Field(
        "127.0.0.1",
        description="Proxy's waarvan X-Forwarded-For en X-Forwarded-Proto worden geloofd (kommagescheiden).",
    )
    web_session_idle_minutes: int = Field(
        30,
        ge=5,
        le=720,
        description="Na zoveel minuten zonder klik moet een behandelaar opnieuw inloggen.",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _FileSource(settings_cls))

    @field_validator("organisation_address")
    @classmethod
    def _address(cls, value: str | None) -> str | None:
        if value is not None and "@" not in value:
            raise ValueError("dit is geen e-mailadres")
        return value.strip().lower() if value else value

    @model_validator(mode="after")
    def _plain_text_stays_on_this_machine(self) -> Settings:
        """Without TLS a password and every complaint cross the wire readable: only to a
        server on this machine (127.0.0.0/8, ::1, localhost)."""
        for kind in ("imap", "smtp"):
            host = getattr(self, f"{kind}_host")
            if getattr(self, f"{kind}_security") == "none" and host and not is_loopback(host):
                raise ValueError(f"{kind}_security|{host}")
        return self

    def require(self, *names: str) -> None:
        """Stop with the setting's name and what to put there when one is empty."""
        for name in names:
            if getattr(self, name) in (None, ""):
                raise SettingError(name, "is niet ingevuld", _HINTS.get(name, ""))

    @property
    def imap_port_or_default(self) -> int:
        return self.imap_port or (993 if self.imap_security == "ssl" else 143)

    @property
    def smtp_port_or_default(self) -> int:
        return self.smtp_port or (465 if self.smtp_security == "ssl" else 587)


_HINTS = {
    "imap_host": "Vul de naam van de IMAP-server in, bijvoorbeeld imap.uw-organisatie.nl.",
    "imap_user": "Vul de gebruikersnaam van de klachtenmailbox in.",
    "imap_password": "Vul het wachtwoord van de klachtenmailbox in.",
    "smtp_host": "Vul de SMTP-server in, of zet outbox_folder om brieven als bestanden te bewaren.",
    "organisation_address": "Vul het e-mailadres van de klachtenmailbox in, bijvoorbeeld klachten@uw-organisatie.nl.",
}


def load_settings(**overrides: Any) -> Settings:
    """Read the settings; a wrong value stops start-up with its name, where it was set
    (the file and line, or the environment variable) and the fix."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        if error["type"] == "value_error" and not error["loc"]:  # a check across settings
            kind, host = str(error["ctx"]["error"]).split("|", 1)
            name = kind
            problem = (
                f"'none' (zonder versleuteling) mag alleen met een server op deze machine "
                f"(127.0.0.1, ::1 of localhost), niet met {host}"
            )
            hint = "Gebruik ssl of starttls; het wachtwoord en de berichten gaan anders leesbaar over het netwerk."
        else:
            name = str(error["loc"][0]) if error["loc"] else "?"
            field = Settings.model_fields.get(name)
            if error["type"] == "extra_forbidden":
                problem = "is geen bekende instelling"
                close = [n for n in Settings.model_fields if _similar(n, name)]
                hint = f"Bedoelt u {close[0]}? " if close else ""
                hint += "Controleer de spelling; de README noemt alle instellingen."
            else:
                problem = f"ongeldige waarde: {_dutch(error)}"
                hint = f"Verwacht: {field.description}" if field and field.description else ""
        raise SettingError(name, problem, hint, _where(name, overrides)) from None


@dataclass(frozen=True)
class InForce:
    """One setting as the admins' page shows it: its value (a secret only as set or not) and
    where it came from."""

    name: str
    value: str
    source: str  # FROM_ENVIRONMENT, FROM_FILE, FROM_CALLER or FROM_DEFAULT
    origin: str  # the variable's or the file's name, for the admin who wants to change it
    description: str
    secret: bool


FROM_ENVIRONMENT = "omgeving"
FROM_FILE = "bestand"
FROM_CALLER = "opgegeven bij het starten"
FROM_DEFAULT = "standaard"


def in_force(
    settings: Settings, *, environ: dict[str, str] | None = None, file: Path | None = None
) -> list[InForce]:
    """Every setting with its source: the environment wins over the file, the file over the
    default. Values a program passed itself (tests; `klachtenbus` passes none) show as such
    when neither names them. Called at start-up, so a later edit of the file does not
    misattribute a value."""
    environ = dict(os.environ) if environ is None else environ
    file = file or config_file()
    variables = {key.upper() for key in environ}
    try:
        parsed = tomllib.loads(file.read_text(encoding="utf-8")) if file.is_file() else {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        parsed = {}  # the settings loaded without it; the page then shows no file as source
    shown = []
    for name, field in Settings.model_fields.items():
        variable = f"KLACHTENBUS_{name.upper()}"
        if variable in variables:
            source, origin = FROM_ENVIRONMENT, variable
        elif name in parsed:
            source, origin = FROM_FILE, str(file)
        elif name in settings.model_fields_set:
            source, origin = FROM_CALLER, ""
        else:
            source, origin = FROM_DEFAULT, ""
        value = getattr(settings, name)
        secret = isinstance(value, SecretStr) or field.annotation == SecretStr | None
        shown.append(
            InForce(name, _shown(name, value, secret), source, origin,
                    field.description or "", secret)
        )  # fmt: skip
    return shown


def _shown(name: str, value: Any, secret: bool) -> str:
    if secret:
        return "ingesteld" if value is not None and value.get_secret_value() else "niet ingesteld"
    if value is None or value == "" or value == [] or value == {}:
        return "(leeg)"
    if name == "database_url":  # a PostgreSQL URL may carry the password
        try:
            return make_url(value).render_as_string(hide_password=True)
        except ArgumentError:
            return "(niet te lezen)"
    if isinstance(value, dict):
        return "; ".join(f"{k} = {v}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _where(name: str, overrides: dict[str, Any]) -> str | None:
    """Where the value of `name` came from, in the order the sources are read."""
    if name in overrides:
        return None
    env = f"KLACHTENBUS_{name.upper()}"
    if any(key.upper() == env for key in os.environ):
        return f"omgevingsvariabele {env}"
    values, text = read_config_file()
    if name not in values:
        return None
    pattern = re.compile(rf"^\s*(\[\s*{re.escape(name)}\s*\]|\"?{re.escape(name)}\"?\s*=)")
    line = next((n for n, row in enumerate(text.splitlines(), start=1) if pattern.match(row)), None)
    return f"{config_file()}, regel {line}" if line else str(config_file())


def _similar(known: str, typed: str) -> bool:
    """A known name one slip away: two letters swapped, one missing, extra or wrong."""
    import difflib

    return difflib.SequenceMatcher(None, known, typed.lower()).ratio() >= 0.85


def _dutch(error: Any) -> str:
    """pydantic's reason in Dutch, for the errors a hand-written setting brings."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "literal_error":
        return "kies uit " + str(ctx.get("expected", "")).replace(" or ", " of ")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "dit is geen geheel getal"
    if kind in ("float_parsing", "float_type"):
        return "dit is geen getal"
    if kind in ("bool_parsing", "bool_type"):
        return "schrijf true of false"
    if kind == "greater_than_equal":
        return f"moet minstens {ctx.get('ge')} zijn"
    if kind == "greater_than":
        return f"moet groter dan {ctx.get('gt')} zijn"
    if kind == "less_than_equal":
        return f"mag hoogstens {ctx.get('le')} zijn"
    if kind.startswith("date"):
        return "dit is geen datum; schrijf JJJJ-MM-DD"
    if kind == "string_type":
        return "dit is geen tekst; zet de waarde tussen aanhalingstekens"
    if kind == "dict_type":
        return 'dit is geen tabel; schrijf bijvoorbeeld [officers] met daaronder rol = "adres"'
    if kind == "list_type":
        return "dit is geen lijst; schrijf bijvoorbeeld [2026-05-15]"
    if kind in ("json_invalid", "json_type"):
        return "dit is geen geldige JSON"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    return str(error["msg"])
