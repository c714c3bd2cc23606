"""The demo data `manage.py standalone` loads: users, groups and published example workflows."""

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User

from workflows.demo.loader import load_demo_data
from workflows.models import WorkflowDefinition
from workflows.selectors.definitions import can_edit, can_start

pytestmark = pytest.mark.django_db


def test_demo_data_loads_twice_without_duplicating_anything() -> None:
    first = load_demo_data()
    second = load_demo_data()

    assert first == second
    assert User.objects.filter(username__in=[login[0] for login in first]).count() == len(first)
    assert WorkflowDefinition.objects.filter(tags__contains=["demo"]).count() == 4
    for definition in WorkflowDefinition.objects.all():
        assert list(definition.versions.values_list("number", flat=True)) == [1]


def test_every_printed_login_works() -> None:
    for username, password, _role in load_demo_data():
        assert authenticate(username=username, password=password) is not None, username


def test_demo_approvers_may_start_the_examples_and_the_requester_may_edit_them() -> None:
    load_demo_data()
    expense = WorkflowDefinition.objects.get(key="expense-approval")

    assert can_start(User.objects.get(username="fiona"), expense)
    assert not can_edit(User.objects.get(username="fiona"), expense)
    assert can_edit(User.objects.get(username="alice"), expense)
