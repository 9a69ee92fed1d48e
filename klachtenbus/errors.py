"""One tree of errors. Each message tells the reader what to do next."""


class KlachtenbusError(Exception):
    """Base of every error Klachtenbus raises on purpose."""


class SettingError(KlachtenbusError):
    """A setting is missing or wrong: fix it in klachtenbus.toml or as KLACHTENBUS_<NAME>.

    `where` names the place the wrong value came from (the file and its line, or the
    environment variable) when that is known."""

    def __init__(self, name: str, problem: str, fix: str, where: str | None = None) -> None:
        self.name = name
        env = "KLACHTENBUS_" + name.upper()
        if where:
            message = f"Instelling '{name}' in {where}: {problem}. {fix}"
        else:
            message = (
                f"Instelling '{name}' ({env}): {problem}. {fix} "
                f"Zet dit in klachtenbus.toml of als omgevingsvariabele {env}."
            )
        super().__init__(message.strip())


class AdminFileError(KlachtenbusError):
    """A file an admin edits (rules, a procedure preset) is broken: fix the named line."""

    label = "Bestand"

    def __init__(self, path: object, line: int | None, problem: str) -> None:
        where = f"{path}, regel {line}" if line else str(path)
        super().__init__(f"{self.label} {where}: {problem}")


class ConfigFileError(AdminFileError):
    """The settings file is missing, unreadable or not valid TOML: fix the named line."""

    label = "Instellingenbestand"


def line_of_block(text: str, header: str, index: int) -> int | None:
    """The line number of the index-th `[[header]]` block in a TOML text, for error messages."""
    count = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() == header:
            count += 1
            if count == index:
                return number
    return None


class MailboxError(KlachtenbusError):
    """The mailbox could not be read: check host, port, security, user and password."""


class MessageUnparseable(KlachtenbusError):
    """A message could not be parsed; it is kept raw and quarantined for an officer."""


class DeliveryError(KlachtenbusError):
    """A letter could not be handed to the SMTP server; it stays queued and is retried."""


class ModelError(KlachtenbusError):
    """The classifier could not be loaded: run `klachtenbus init` to (re)train it."""


class DatabaseError(KlachtenbusError):
    """The database is unreachable or not migrated: run `klachtenbus init`."""
