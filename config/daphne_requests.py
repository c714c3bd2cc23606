"""Daphne's requests without Twisted's form parsing.

Twisted's `http.Request` parses every POST body sent as a form (urlencoded or multipart)
into `request.args`, and to decide whether a body is a form it runs the Content-Type
header through the standard library's e-mail header parser, for every POST with a body,
JSON included. Daphne never reads `request.args`: it hands the raw body to the ASGI
application, where Django parses it (again). Measured under the signal benchmark, that
header parse alone was about a fifth of a daphne process's CPU.

Twisted has a switch for this (`Request(parsePOSTFormSubmission=False)`); daphne does
not expose it. `use_formless_requests()` makes daphne's protocol build its requests with
the switch off. config/asgi.py calls it: daphne imports the application before it
accepts a connection, and daphne's factory looks the request class up per connection.
"""

from __future__ import annotations

from typing import Any

from daphne import http_protocol


class FormlessWebRequest(http_protocol.WebRequest):
    """Daphne's request, with Twisted's POST form parsing off (the body is untouched)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["parsePOSTFormSubmission"] = False
        super().__init__(*args, **kwargs)


def use_formless_requests() -> None:
    """Make daphne's HTTP factory build `FormlessWebRequest`s (idempotent)."""
    http_protocol.WebRequest = FormlessWebRequest  # type: ignore[misc]  (read per connection)
