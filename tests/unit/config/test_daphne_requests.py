"""Daphne builds its requests with Twisted's POST form parsing off (config.daphne_requests)."""

from __future__ import annotations

from types import SimpleNamespace

from daphne import http_protocol
from twisted.internet.testing import StringTransport
from twisted.web.http import HTTPChannel

from config.daphne_requests import FormlessWebRequest, use_formless_requests


class _Server:
    """What a daphne request asks of its server when it is built."""

    def __init__(self) -> None:
        self.connected: list[object] = []

    def protocol_connected(self, protocol: object) -> None:
        self.connected.append(protocol)


def test_daphne_builds_requests_that_leave_form_bodies_to_django() -> None:
    # given
    server = _Server()
    channel = HTTPChannel()
    channel.factory = SimpleNamespace(server=server)
    channel.makeConnection(StringTransport())

    # when: daphne's factory builds each connection's requests from this name
    use_formless_requests()
    request = http_protocol.WebRequest(channel)

    # then
    assert isinstance(request, FormlessWebRequest)
    assert request._parsePOSTFormSubmission is False
    assert server.connected == [request]
