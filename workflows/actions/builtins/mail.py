"""The email.send action: one message through Django's mail backend."""

from __future__ import annotations

import hashlib
import smtplib
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email

from workflows.actions.registry import ActionContext, FatalError, RetryableError, action

IDEMPOTENCY_HEADER = "X-Flowdesk-Idempotency-Key"
ADDRESSES = {
    "anyOf": [
        {"type": "string", "minLength": 3, "maxLength": 320},
        {"type": "array", "items": {"type": "string", "maxLength": 320}, "minItems": 1, "maxItems": 50},
    ]
}


def _addresses(value: Any, field: str) -> list[str]:
    items = [value] if isinstance(value, str) else list(value or [])
    for item in items:
        try:
            validate_email(item)
        except ValidationError:
            raise FatalError(f"{field}: {str(item)[:100]!r} is not an email address") from None
    return items


@action(
    "email.send",
    label="Send email",
    description="Sends an email through the configured mail server",
    icon="mail",
    params_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["to", "subject", "body"],
        "properties": {
            "to": ADDRESSES,
            "cc": ADDRESSES,
            "subject": {"type": "string", "maxLength": 998},
            "body": {"type": "string", "maxLength": 100_000},
        },
    },
    output_schema={
        "type": "object",
        "properties": {
            "sent": {"type": "integer"},
            "to": {"type": "array"},
            "message_id": {"type": "string"},
        },
    },
    retry={"max_attempts": 3, "backoff_seconds": 10, "max_backoff_seconds": 300},
)
def send(params: dict[str, Any], ctx: ActionContext) -> dict[str, Any]:
    """Send one message. The Message-ID derives from the idempotency key, so a mail server
    or client that sees one message twice (a retried step) can tell it is the same."""
    to = _addresses(params["to"], "to")
    cc = _addresses(params.get("cc"), "cc")
    digest = hashlib.sha256(ctx.idempotency_key.encode()).hexdigest()[:32]
    message_id = f"<{digest}@flowdesk>"
    message = EmailMessage(
        subject=str(params["subject"]).replace("\n", " ").replace("\r", " "),
        body=str(params["body"]),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        cc=cc,
        headers={IDEMPOTENCY_HEADER: ctx.idempotency_key, "Message-ID": message_id},
    )
    try:
        sent = message.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        raise FatalError(f"the mail server refused the recipients: {sorted(exc.recipients)[:5]}") from exc
    except smtplib.SMTPResponseException as exc:
        if 400 <= exc.smtp_code < 500:
            raise RetryableError(f"the mail server answered {exc.smtp_code} (temporary)") from exc
        raise FatalError(f"the mail server answered {exc.smtp_code}") from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise RetryableError(f"could not reach the mail server: {exc}") from exc
    return {"sent": sent, "to": to, "message_id": message_id}
