"""Demo workflows: the four examples, published as version 1 and open to the demo users."""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth.models import Group, User
from django.db import transaction

from workflows.demo.users import DEMO_GROUPS
from workflows.models import DefinitionPermission, Role, WorkflowDefinition
from workflows.services.definitions import definition_create
from workflows.services.versions import version_publish

EXAMPLES = Path(__file__).resolve().parent / "examples"
DESCRIPTIONS = {
    "expense-approval": "Expense claims: manager approval, finance quorum over 1,000, director sign-off.",
    "employee-onboarding": "Parallel IT and HR preparation, a welcome pack, and a first-day timer.",
    "incident-response": "Triage, on-call approval with a 15-minute SLA, and a resolution signal.",
    "order-saga": "Reserve, charge and ship an order; compensation undoes what was done on failure.",
}


@transaction.atomic
def ensure_demo_definitions(*, owner: User) -> list[str]:
    """Create and publish each example once (idempotent); return their keys."""
    keys = []
    for path in sorted(EXAMPLES.glob("*.json")):
        key = path.stem
        keys.append(key)
        definition = WorkflowDefinition.objects.filter(key=key).first()
        if definition is None:
            graph = json.loads(path.read_text())
            name = key.replace("-", " ").capitalize()
            definition = definition_create(
                owner=owner,
                key=key,
                name=name,
                description=DESCRIPTIONS.get(key, ""),
                tags=["demo"],
                graph=graph,
            )
        if not definition.versions.exists():
            version_publish(definition=definition, actor=owner, notes="Demo version")
        _grant_demo_access(definition)
    return keys


def _grant_demo_access(definition: WorkflowDefinition) -> None:
    """Everyone in the demo may start the examples; alice (the requester) may also edit them."""
    for group in Group.objects.filter(name__in=DEMO_GROUPS):
        DefinitionPermission.objects.get_or_create(
            definition=definition, group=group, defaults={"role": Role.STARTER}
        )
    alice = User.objects.filter(username="alice").first()
    if alice is not None:
        DefinitionPermission.objects.update_or_create(
            definition=definition, user=alice, defaults={"role": Role.EDITOR}
        )
