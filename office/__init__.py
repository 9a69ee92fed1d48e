"""What the bot and the officers share: who we are, the procedure in force, how a message is
judged and how a complaint is registered. Neither the worker nor the use cases import each
other; both build on this."""

from office.desk import SYSTEM, Office
from office.organisation import Organisation

__all__ = ["SYSTEM", "Office", "Organisation"]
