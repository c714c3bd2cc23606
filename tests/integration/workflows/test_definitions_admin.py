"""The admin: definitions searchable with a picture of the graph; version transitions."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import DefinitionFactory, UserFactory, VersionFactory, minimal_graph
from workflows.admin.svg import graph_svg
from workflows.models import VersionStatus, WorkflowDefinition, WorkflowVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_() -> Client:
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_the_graph_picture_escapes_every_text_it_draws() -> None:
    graph = minimal_graph()
    graph["nodes"][0]["name"] = "<script>alert(1)</script>"
    graph["edges"][0]["label"] = '"><img src=x onerror=alert(1)>'
    svg = graph_svg(graph)
    assert "<script>" not in svg and "<img" not in svg
    assert "&lt;script&gt;" in svg and "&lt;img" in svg
    assert svg.count("<rect") == 2 and svg.count("<line") == 1


@pytest.mark.parametrize("graph", [None, {}, {"nodes": "x"}, {"nodes": [{"id": 1, "position": {"x": "a"}}]}])
def test_the_graph_picture_draws_even_malformed_drafts(graph: Any) -> None:
    assert graph_svg(graph).startswith("<svg")


def test_definition_list_is_searchable_and_the_change_page_shows_the_picture(admin_client_: Client) -> None:
    DefinitionFactory(key="expenses", name="Expense claims")
    DefinitionFactory(key="onboarding", name="Onboarding")
    listing = admin_client_.get(reverse("admin:workflows_workflowdefinition_changelist"), {"q": "expense"})
    assert listing.status_code == 200
    assert b"expenses" in listing.content and b"onboarding" not in listing.content
    definition = WorkflowDefinition.objects.get(key="expenses")
    page = admin_client_.get(reverse("admin:workflows_workflowdefinition_change", args=[definition.pk]))
    assert page.status_code == 200 and b"<svg" in page.content


def test_saving_in_the_admin_goes_through_the_service_and_bumps_the_revision(admin_client_: Client) -> None:
    definition = DefinitionFactory(key="expenses", name="Old")
    url = reverse("admin:workflows_workflowdefinition_change", args=[definition.pk])
    form = {"name": "New", "description": "", "tags": "[]", "owner": definition.owner.pk, "revision": 1,
            "grants-TOTAL_FORMS": 0, "grants-INITIAL_FORMS": 0}  # fmt: skip
    response = admin_client_.post(url, form)
    assert response.status_code == 302
    definition.refresh_from_db()
    assert (definition.name, definition.revision) == ("New", 2)
    stale = admin_client_.post(url, {**form, "name": "Stale"})
    assert stale.status_code == 200 and b"Someone changed this definition" in stale.content
    definition.refresh_from_db()
    assert definition.name == "New"


def test_version_admin_actions_deprecate_and_retire_through_the_services(admin_client_: Client) -> None:
    first, second = VersionFactory(), VersionFactory()
    changelist = reverse("admin:workflows_workflowversion_changelist")
    admin_client_.post(
        changelist, {"action": "deprecate_versions", "_selected_action": [first.pk, second.pk]}
    )
    assert set(WorkflowVersion.objects.values_list("status", flat=True)) == {VersionStatus.DEPRECATED}
    admin_client_.post(changelist, {"action": "retire_versions", "_selected_action": [first.pk]})
    first.refresh_from_db()
    assert first.status == VersionStatus.RETIRED


def test_version_page_offers_only_allowed_transitions_and_its_buttons_work(admin_client_: Client) -> None:
    version = VersionFactory()
    page = admin_client_.get(reverse("admin:workflows_workflowversion_change", args=[version.pk]))
    assert page.status_code == 200 and b"<svg" in page.content
    assert b"Deprecate this version" in page.content and b"Retire this version" in page.content
    transition = reverse("admin:workflows_workflowversion_transition", args=[version.pk, "retire"])
    assert admin_client_.post(transition).status_code == 302
    version.refresh_from_db()
    assert version.status == VersionStatus.RETIRED
    page = admin_client_.get(reverse("admin:workflows_workflowversion_change", args=[version.pk]))
    assert b"this version</button>" not in page.content
    again = admin_client_.post(transition, follow=True)
    assert b"Not retired" in again.content
