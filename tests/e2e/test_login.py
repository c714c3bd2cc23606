"""A person signs in through the browser and finds the main navigation."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveApp, login


@pytest.mark.django_db(transaction=True)
def test_a_user_signs_in_sees_the_navigation_and_signs_out(page: Page, live_app: LiveApp) -> None:
    # given
    User.objects.create_user("erin", password="erin-pass-123", first_name="Erin")

    # when
    login(page, live_app, "erin", "erin-pass-123")

    # then
    expect(page.get_by_role("heading", name="Welcome, Erin")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    for label in ("Designer", "Inbox", "Instances", "API docs"):
        expect(nav.get_by_role("link", name=label)).to_be_visible()
    expect(nav.get_by_role("link", name="Admin")).to_have_count(0)  # not staff

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to Flowdesk")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_a_wrong_password_keeps_the_visitor_on_the_login_page(page: Page, live_app: LiveApp) -> None:
    User.objects.create_user("erin", password="erin-pass-123")

    page.goto(live_app("/accounts/login/"))
    page.get_by_label("Username").fill("erin")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_contain_text("did not match")
