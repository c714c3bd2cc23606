"""Everything `manage.py standalone` loads for a first look: users, groups and example workflows."""

from __future__ import annotations

from django.contrib.auth.models import User

from workflows.demo.definitions import ensure_demo_definitions
from workflows.demo.users import ensure_demo_users


def load_demo_data() -> list[tuple[str, str, str]]:
    """Load the demo data (idempotent) and return the logins to print."""
    logins = ensure_demo_users()
    ensure_demo_definitions(owner=User.objects.get(username="admin"))
    return logins
