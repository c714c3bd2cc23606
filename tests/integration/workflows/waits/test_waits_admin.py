"""The admin edits schedules and triggers through the services: a new schedule knows its
next run and runs as its creator, a new webhook gets a secret, bad templates and cron
expressions are form errors, and trigger runs are read-only."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from waits_support import chain, publish

from tests.factories import UserFactory
from workflows.models import Schedule, Trigger, TriggerRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def root() -> object:
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def admin(root: object) -> Client:
    client = Client()
    client.force_login(root)
    return client


def _schedule_form(definition_id: int, **changes: str) -> dict[str, str]:
    form = {"definition": str(definition_id), "name": "Morning", "cron": "0 9 * * 1-5", "timezone": "Europe/Berlin",
            "version": "", "input": "{}", "enabled": "on", "missed": "skip",
            "runs-TOTAL_FORMS": "0", "runs-INITIAL_FORMS": "0"}  # fmt: skip
    return {**form, **changes}


def test_a_schedule_added_in_the_admin_runs_as_its_creator_and_knows_its_next_run(admin, root) -> None:
    definition = publish(chain(), owner=root)

    response = admin.post("/admin/workflows/schedule/add/", _schedule_form(definition.pk))

    assert response.status_code == 302, response.content.decode()[:2000]
    schedule = Schedule.objects.get()
    assert (schedule.run_as, schedule.cron) == (root, "0 9 * * 1-5")
    assert schedule.next_run_at is not None
    assert admin.get(f"/admin/workflows/schedule/{schedule.pk}/change/").status_code == 200
    assert admin.get("/admin/workflows/schedule/").status_code == 200


def test_a_bad_cron_expression_is_a_form_error_and_saves_nothing(admin, root) -> None:
    definition = publish(chain(), owner=root)

    response = admin.post("/admin/workflows/schedule/add/", _schedule_form(definition.pk, cron="99 * * * *"))

    assert response.status_code == 200
    assert "not a valid cron expression" in response.content.decode()
    assert not Schedule.objects.exists()


def _trigger_form(definition_id: int, **changes: str) -> dict[str, str]:
    form = {"key": "from-shop", "name": "From the shop", "kind": "webhook", "enabled": "on",
            "definition": str(definition_id), "version": "", "input": json.dumps({"order": "{{ body.id }}"}),
            "business_key": "", "source_definition": "", "source_status": "completed", "source_result": "",
            "condition": "", "runs-TOTAL_FORMS": "0", "runs-INITIAL_FORMS": "0"}  # fmt: skip
    return {**form, **changes}


def test_a_webhook_added_in_the_admin_gets_a_secret_and_shows_how_to_call_it(admin, root) -> None:
    definition = publish(chain(inputs={"order": {"type": "integer"}}), owner=root)

    response = admin.post("/admin/workflows/trigger/add/", _trigger_form(definition.pk))

    assert response.status_code == 302, response.content.decode()[:2000]
    trigger = Trigger.objects.get()
    assert len(trigger.secret) >= 40 and trigger.run_as == root
    page = admin.get(f"/admin/workflows/trigger/{trigger.pk}/change/").content.decode()
    assert "/api/hooks/from-shop/" in page and trigger.secret in page


def test_a_template_reading_names_a_webhook_does_not_have_is_a_form_error(admin, root) -> None:
    definition = publish(chain(), owner=root)

    response = admin.post(
        "/admin/workflows/trigger/add/", _trigger_form(definition.pk, input='{"x": "{{ vars.x }}"}')
    )

    assert response.status_code == 200
    assert "unknown name" in response.content.decode()
    assert not Trigger.objects.exists()


def test_trigger_runs_can_be_read_but_not_changed(admin, root) -> None:
    definition = publish(chain(), owner=root)
    trigger = Trigger.objects.create(
        key="t", name="t", kind="webhook", definition=definition, run_as=root, secret="s"
    )
    run = TriggerRun(trigger=trigger, request={"size": 1})
    run.reject(error={"code": "bad_signature"}, now=None)
    run.save()

    assert admin.get("/admin/workflows/triggerrun/").status_code == 200
    page = admin.get(f"/admin/workflows/triggerrun/{run.pk}/change/")
    assert page.status_code == 200 and "bad_signature" in page.content.decode()
    assert admin.post(f"/admin/workflows/triggerrun/{run.pk}/change/", {}).status_code == 403
