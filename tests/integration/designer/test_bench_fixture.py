"""The designer benchmark's fixture on the real database: its definition and its signed-in session."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from designer.bench.fixture import BENCH_KEY, bench_graph, ensure_bench_definition, sign_out, signed_in
from workflows.models import WorkflowDefinition

pytestmark = pytest.mark.django_db


@pytest.fixture
def bench_user() -> User:
    return User.objects.create_user("bench", is_staff=True, is_superuser=True)


def test_the_bench_definition_is_made_once_and_its_draft_put_back(bench_user: User) -> None:
    graph = bench_graph(500)
    first = ensure_bench_definition(bench_user, graph)
    moved = bench_graph(500)
    moved["nodes"][7]["position"] = {"x": 9999, "y": 9999}
    ensure_bench_definition(bench_user, moved)  # as if a run had saved a moved node

    again = ensure_bench_definition(bench_user, graph)

    assert WorkflowDefinition.objects.filter(key=BENCH_KEY).count() == 1
    assert again.pk == first.pk
    assert again.graph == graph


def test_the_bench_session_opens_the_designer_and_the_api_until_signed_out(bench_user: User) -> None:
    ensure_bench_definition(bench_user, bench_graph(500))
    credentials = signed_in(bench_user)
    client = Client()
    client.cookies[credentials.session_cookie] = credentials.session_key

    assert client.get(f"/designer/{BENCH_KEY}/").status_code == 200
    response = client.get(f"/api/definitions/{BENCH_KEY}/", HTTP_HOST=settings.ALLOWED_HOSTS[0])
    assert response.status_code == 200
    assert len(response.json()["graph"]["nodes"]) == 500

    sign_out(credentials)
    assert client.get(f"/designer/{BENCH_KEY}/").status_code == 302
