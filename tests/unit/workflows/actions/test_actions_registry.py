"""The action registry and the built-in actions that need no network."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from django.core import mail
from jsonschema.exceptions import SchemaError

from workflows.actions import (
    ActionAlreadyRegistered,
    ActionContext,
    FatalError,
    RetryableError,
    action,
    all_actions,
    get_action,
)
from workflows.actions.builtins.mail import IDEMPOTENCY_HEADER
from workflows.actions.registry import unregister

BUILT_INS = {"core.echo", "core.log", "core.fail", "core.sleep", "email.send", "http.request"}


def ctx(key: str = "instance-1:step-1") -> ActionContext:
    return ActionContext(idempotency_key=key, instance_id="i1", step_id="s1", node_id="n1", attempt=1,
                         started_by="alice", logger=logging.getLogger("tests.actions"))  # fmt: skip


@pytest.fixture
def scratch_name() -> Iterator[str]:
    yield "tests.scratch"
    unregister("tests.scratch")


def test_the_built_in_actions_are_registered() -> None:
    assert {spec.name for spec in all_actions()} >= BUILT_INS
    spec = get_action("http.request")
    assert spec is not None and spec.permission == "workflows.use_http_request"
    assert get_action("nope.nothing") is None


def test_registering_an_action_makes_it_callable_with_params_and_context(scratch_name: str) -> None:
    @action(scratch_name, label="Scratch", params_schema={"type": "object", "required": ["n"]})
    def double(params: dict, context: ActionContext) -> int:
        return params["n"] * 2 + context.attempt

    spec = get_action(scratch_name)
    assert spec is not None and spec(params={"n": 4}, ctx=ctx()) == 9
    assert spec.params_errors({}) != [] and spec.params_errors({"n": 1}) == []


def test_two_actions_cannot_share_a_name(scratch_name: str) -> None:
    action(scratch_name, label="One")(lambda params, context: 1)
    with pytest.raises(ActionAlreadyRegistered):
        action(scratch_name, label="Two")(lambda params, context: 2)


@pytest.mark.parametrize("name", ["echo", "Core.Echo", "core.", "core..x", "1.x"])
def test_an_action_name_must_be_dotted_lower_case(name: str) -> None:
    with pytest.raises(ValueError, match="action name"):
        action(name, label="Bad")


def test_a_broken_params_schema_fails_at_registration(scratch_name: str) -> None:
    with pytest.raises(SchemaError):
        action(scratch_name, label="Bad", params_schema={"type": "nonsense"})(lambda params, context: None)


def test_echo_returns_its_params() -> None:
    assert get_action("core.echo")({"a": [1, 2]}, ctx()) == {"a": [1, 2]}


def test_log_writes_the_message_at_its_level(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="tests.actions"):
        result = get_action("core.log")({"message": "hello", "level": "warning"}, ctx())
    assert result == {"message": "hello", "level": "warning"}
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [("WARNING", "hello")]


def test_fail_always_raises_fatal_by_default_and_retryable_when_asked() -> None:
    with pytest.raises(FatalError, match="carrier unavailable"):
        get_action("core.fail")({"message": "carrier unavailable"}, ctx())
    with pytest.raises(RetryableError):
        get_action("core.fail")({"retryable": True}, ctx())


def test_sleep_waits_and_refuses_long_waits() -> None:
    assert get_action("core.sleep")({"seconds": 0.01}, ctx()) == {"slept": 0.01}
    with pytest.raises(FatalError):
        get_action("core.sleep")({"seconds": 3600}, ctx())
    assert get_action("core.sleep").params_errors({"seconds": 61}) != []


def test_email_send_sends_one_message_with_the_idempotency_key_in_a_header() -> None:
    # given
    params = {"to": "ada@example.com", "subject": "Welcome", "body": "Hello Ada", "cc": ["bob@example.com"]}
    # when
    result = get_action("email.send")(params, ctx("inst-7:step-3:1"))
    # then
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert (sent.to, sent.cc, sent.subject) == (["ada@example.com"], ["bob@example.com"], "Welcome")
    assert sent.extra_headers[IDEMPOTENCY_HEADER] == "inst-7:step-3:1"
    assert result["message_id"] == sent.extra_headers["Message-ID"]


def test_email_send_gives_the_same_message_id_when_a_step_is_retried() -> None:
    first = get_action("email.send")({"to": "a@example.com", "subject": "s", "body": "b"}, ctx("k1"))
    again = get_action("email.send")({"to": "a@example.com", "subject": "s", "body": "b"}, ctx("k1"))
    other = get_action("email.send")({"to": "a@example.com", "subject": "s", "body": "b"}, ctx("k2"))
    assert first["message_id"] == again["message_id"] != other["message_id"]


def test_email_send_refuses_an_address_that_is_not_one_without_retrying() -> None:
    with pytest.raises(FatalError, match="not an email address"):
        get_action("email.send")({"to": "not an address", "subject": "s", "body": "b"}, ctx())
    assert mail.outbox == []
