"""Everything `manage.py standalone` loads for a first look: users, groups and example workflows."""

from __future__ import annotations

from workflows.demo.users import ensure_demo_users


def load_demo_data() -> list[tuple[str, str, str]]:
    """Load the demo data (idempotent) and return the logins to print."""
    return ensure_demo_users()
