"""Inbound webhooks: `POST /api/hooks/<trigger key>/`, authenticated by signature.

The sender signs the raw body with the trigger's secret (HMAC-SHA256, header
`X-Flowdesk-Signature: sha256=<hex>`). `hook_receive` checks it in constant time
before reading anything else: a missing or wrong signature records a `rejected` run
(metadata only, never the unauthenticated body) and starts nothing. A good one maps
the JSON body and headers to the workflow's input with the trigger's templates and
starts the instance in the same transaction as its `started` run. An optional
`X-Flowdesk-Delivery` id makes retries safe: the same id twice gives the first run.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from workflows.expressions import ExpressionError
from workflows.models import Trigger, TriggerKind, TriggerRun
from workflows.waits.errors import NoSuchTrigger
from workflows.waits.mapping import HOOK_ROOTS, hook_headers, render_mapping
from workflows.waits.signing import SIGNATURE_HEADER, signature_valid
from workflows.waits.triggers import settle_start

DELIVERY_HEADER = "X-Flowdesk-Delivery"
MAX_DELIVERY_ID = 200


@dataclass(frozen=True)
class HookResult:
    run: TriggerRun
    duplicate: bool = False


def _header(headers: Mapping[str, str], name: str) -> str | None:
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted), None)


def hook_receive(
    *, trigger_key: str, body: bytes, headers: Mapping[str, str], remote: str = ""
) -> HookResult:
    """Check, record and act on one webhook delivery (see the module doc).

    Raises 404 for an unknown webhook key. Otherwise returns the run, committed, whose
    status says what happened: rejected (bad signature), skipped (disabled, duplicate
    business key), failed (not JSON, a template failed, the start was refused), started.
    """
    trigger = (
        Trigger.objects.select_related("definition", "run_as")
        .filter(key=trigger_key, kind=TriggerKind.WEBHOOK)
        .first()
    )
    if trigger is None:
        raise NoSuchTrigger(f"There is no webhook {trigger_key!r}.")
    now = timezone.now()
    meta = {"size": len(body), "remote": remote[:100]}
    if not signature_valid(trigger.secret, body, _header(headers, SIGNATURE_HEADER)):
        run = TriggerRun(trigger=trigger, request=meta, received_at=now)
        why = "missing" if _header(headers, SIGNATURE_HEADER) is None else "does not match"
        run.reject(error={"code": "bad_signature", "message": f"the signature {why}"}, now=now)
        run.save()
        return HookResult(run)
    delivery = (_header(headers, DELIVERY_HEADER) or "").strip()[:MAX_DELIVERY_ID]
    if delivery:
        earlier = TriggerRun.objects.filter(trigger=trigger, delivery_id=delivery).first()
        if earlier is not None:
            return HookResult(earlier, duplicate=True)
    try:
        with transaction.atomic():
            return HookResult(_accept(trigger, body, headers, meta, delivery, now))
    except IntegrityError:  # the same delivery id raced in; the first one stands
        earlier = TriggerRun.objects.filter(trigger=trigger, delivery_id=delivery).first()
        if earlier is None:
            raise
        return HookResult(earlier, duplicate=True)


def _accept(
    trigger: Trigger, body: bytes, headers: Mapping[str, str], meta: dict[str, Any], delivery: str, now: Any
) -> TriggerRun:
    visible = hook_headers(headers)
    run = TriggerRun(
        trigger=trigger, delivery_id=delivery, received_at=now, request={**meta, "headers": visible}
    )
    run.save()  # first: a concurrent delivery with the same id waits here, then fails on the unique key
    if not trigger.enabled:
        run.skip(
            error={"code": "trigger_disabled", "message": "the trigger is disabled"}, input=None, now=now
        )
        run.save()
        return run
    try:
        payload = json.loads(body.decode("utf-8")) if body else None
    except (ValueError, UnicodeDecodeError) as exc:
        run.fail(error={"code": "invalid_json", "message": f"the body is not JSON: {str(exc)[:200]}"},
                 input=None, now=now)  # fmt: skip
        run.save()
        return run
    run.request = {**run.request, "body": payload}
    context = {"body": payload, "headers": visible}
    try:
        mapped = render_mapping(trigger.input, context, roots=HOOK_ROOTS, now=now)
        key = render_mapping(trigger.business_key, context, roots=HOOK_ROOTS, now=now)
    except ExpressionError as error:
        run.fail(error={"code": "mapping_failed", "message": error.message, "details": {"path": error.path}},
                 input=None, now=now)  # fmt: skip
        run.save()
        return run
    settle_start(run, trigger, mapped, key, now=now)
    run.save()
    return run
