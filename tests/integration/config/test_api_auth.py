"""Authentication on the API and the login page."""

import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def test_unauthenticated_api_call_gets_401_or_403_in_the_error_format(api_client) -> None:
    response = api_client.get("/api/")

    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response.json()["error"]["message"]


def test_token_authentication_opens_the_api(api_client) -> None:
    user = User.objects.create_user("tina", password="tina-pass-123")
    token = Token.objects.create(user=user)

    response = api_client.get("/api/", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 200
    assert "health" in response.json()


def test_a_wrong_token_is_refused_with_a_code(api_client) -> None:
    response = api_client.get("/api/", HTTP_AUTHORIZATION="Token not-a-real-token")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_login_with_the_right_password_opens_the_home_page(client) -> None:
    User.objects.create_user("lena", password="lena-pass-123")

    response = client.post("/accounts/login/", {"username": "lena", "password": "lena-pass-123"}, follow=True)

    assert response.status_code == 200
    assert response.context["user"].username == "lena"
    assert b"Welcome" in response.content


def test_login_with_a_wrong_password_says_so_and_stays_anonymous(client) -> None:
    User.objects.create_user("lena", password="lena-pass-123")

    response = client.post("/accounts/login/", {"username": "lena", "password": "nope"})

    assert response.status_code == 200
    assert b"did not match" in response.content
    assert not response.context["user"].is_authenticated


def test_pages_redirect_anonymous_visitors_to_the_login(client) -> None:
    response = client.get("/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_unknown_api_route_is_a_404_in_the_error_format(api_client) -> None:
    user = User.objects.create_user("nora", password="nora-pass-123")
    api_client.force_authenticate(user)

    response = api_client.get("/api/no-such-collection/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_api_docs_and_schema_need_a_login(client) -> None:
    assert client.get("/api/schema/").status_code in (401, 403)
    User.objects.create_user("olga", password="olga-pass-123")
    client.login(username="olga", password="olga-pass-123")
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


def test_api_docs_load_swagger_ui_from_our_own_static_files(client) -> None:
    # The machine may have no internet: no CDN.
    User.objects.create_user("olga", password="olga-pass-123")
    client.login(username="olga", password="olga-pass-123")

    page = client.get("/api/docs/").content.decode()

    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn." not in page


def test_a_missing_object_is_a_404_whose_message_says_what_was_not_found(api_client) -> None:
    user = User.objects.create_user("nora", password="nora-pass-123")
    api_client.force_authenticate(user)

    definition = api_client.get("/api/definitions/no-such-workflow/").json()["error"]
    instance = api_client.get("/api/instances/00000000-0000-0000-0000-000000000000/").json()["error"]

    assert definition["code"] == instance["code"] == "not_found"
    assert "no-such-workflow" in definition["message"]
    assert "instance" in instance["message"].lower() and instance["message"].endswith(".")


def test_web_nodes_on_postgresql_put_the_signal_fast_path_in_front_of_django() -> None:
    import config.asgi as asgi

    assert asgi.application is not asgi.routed
    assert asgi.application.__qualname__.startswith("signal_fast_path")
