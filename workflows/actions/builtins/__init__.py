"""Built-in actions; importing this package registers them."""

from workflows.actions.builtins import core, http, mail

__all__ = ["core", "http", "mail"]
