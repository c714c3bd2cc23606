"""Demo users and groups: an admin, a requester and approvers in every example group."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, User
from django.db import transaction

DEMO_GROUPS = ("managers", "finance", "directors", "team-leads", "hr", "soc-analysts", "soc-leads")


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    groups: tuple[str, ...]
    role: str
    is_staff: bool = False

    @property
    def password(self) -> str:
        # Demo-only, printed at start-up and listed in the README.
        return f"{self.username}-demo"


DEMO_USERS = (
    DemoUser("admin", "Ada", "Admin", (), "staff and superuser: admin, every workflow", is_staff=True),
    DemoUser("alice", "Alice", "Requester", (), "starts workflows"),
    DemoUser("manny", "Manny", "Manager", ("managers", "team-leads"), "managers, team-leads"),
    DemoUser("fiona", "Fiona", "Finance", ("finance",), "finance"),
    DemoUser("frank", "Frank", "Finance", ("finance",), "finance"),
    DemoUser("fatima", "Fatima", "Finance", ("finance",), "finance"),
    DemoUser("diana", "Diana", "Director", ("directors",), "directors"),
    DemoUser("harry", "Harry", "HR", ("hr",), "hr"),
    DemoUser("sam", "Sam", "Analyst", ("soc-analysts",), "soc-analysts"),
    DemoUser("sofia", "Sofia", "SOC Lead", ("soc-leads",), "soc-leads"),
)


@transaction.atomic
def ensure_demo_users() -> list[tuple[str, str, str]]:
    """Create (or reset) the demo groups and users. Idempotent. Returns (username, password, role)."""
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in DEMO_GROUPS}
    logins = []
    for demo in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=demo.username)
        user.first_name, user.last_name = demo.first_name, demo.last_name
        user.email = f"{demo.username}@example.com"
        user.is_staff = user.is_superuser = demo.is_staff
        user.is_active = True
        user.set_password(demo.password)
        user.save()
        user.groups.set([groups[name] for name in demo.groups])
        logins.append((demo.username, demo.password, demo.role))
    return logins
