"""Someone watches an instance page while the approval it waits for is decided in another tab:
the approval node turns green, and the instance completes, without a reload."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import LiveApp, login
from tests.factories import (
    PASSWORD,
    DefinitionFactory,
    DefinitionPermissionFactory,
    UserFactory,
    VersionFactory,
)
from workflows.models import Role, WorkflowInstance

GREEN = "rgb(172, 238, 187)"  # monitor.css: a succeeded node's fill


def node(node_id: str, type: str, name: str, **config: Any) -> dict[str, Any]:
    return {"id": node_id, "type": type, "name": name, "position": {"x": 0, "y": 0}, "config": config}


def graph() -> dict[str, Any]:
    nodes = [
        node("start", "start", "Start"),
        node("work", "task", "Prepare", action="core.echo", params={"ready": True}),
        node("ok", "approval", "Sign off", assignees={"users": ["bob"]}),
        node("end", "end", "Done", result="approved"),
    ]
    for index, item in enumerate(nodes):
        item["position"] = {"x": index * 220, "y": 40}
    edges = [
        {"id": f"e{i}", "source": a["id"], "target": b["id"]}
        for i, (a, b) in enumerate(itertools.pairwise(nodes))
    ]
    edges[-1]["outcome"] = "approved"
    nodes.append(node("no", "end", "Refused", result="rejected"))
    edges.append({"id": "e-no", "source": "ok", "target": "no", "outcome": "rejected"})
    return {"format": "flowdesk.graph/v1", "inputs": {}, "nodes": nodes, "edges": edges}


@pytest.fixture(autouse=True)
def real_password_hashing(settings):  # type: ignore[no-untyped-def]
    """The live server knows only the real hashers (tests/conftest.py swaps in a fast one)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]


@pytest.mark.django_db(transaction=True)
def test_a_decision_in_the_inbox_turns_the_node_green_on_an_open_instance_page(
    browser: Browser, live_app: LiveApp
) -> None:
    # given olivia's workflow waits for bob's sign-off; bob may also view its instances
    from workflows.services.instances import instance_start

    olivia = UserFactory(username="olivia")
    bob = UserFactory(username="bob", first_name="Bob")
    definition = DefinitionFactory(key="live-sign-off", name="Live sign-off", owner=olivia, graph=graph())
    VersionFactory(definition=definition)
    DefinitionPermissionFactory(definition=definition, user=bob, role=Role.VIEWER)
    instance = instance_start(definition_key="live-sign-off", input={}, started_by=olivia)

    context = browser.new_context()
    monitor = context.new_page()
    login(monitor, live_app, "bob", PASSWORD)

    # when bob opens the instance page, it goes live and shows the approval waiting
    monitor.goto(live_app(f"/instances/{instance.pk}/"))
    expect(monitor.locator("#connection")).to_have_text("live")
    approval = monitor.locator('#graph g.node[data-node-id="ok"]')
    expect(approval).to_have_attribute("data-status", "waiting", timeout=20_000)
    expect(monitor.locator('#graph g.node[data-node-id="work"]')).to_have_attribute(
        "data-status", "succeeded"
    )
    monitor.evaluate("window.__notReloaded = true")

    # and decides the approval from his inbox in a second tab
    inbox = context.new_page()
    inbox.goto(live_app("/inbox/"))
    inbox.locator("tr", has_text="Sign off").get_by_role("link", name="Sign off").click()
    inbox.get_by_role("button", name="Approved").click()
    expect(inbox.get_by_text("Recorded: approved.")).to_be_visible()

    # then, without a reload, the node turns green and the instance completes
    expect(approval).to_have_attribute("data-status", "succeeded", timeout=15_000)
    monitor.wait_for_function(  # green once the colour transition (0.3 s) is over
        "green => getComputedStyle(document.querySelector('#graph g.node[data-node-id=ok] rect')).fill === green",
        arg=GREEN,
        timeout=5_000,
    )
    expect(monitor.get_by_test_id("instance-status")).to_have_text("completed", timeout=15_000)
    expect(monitor.locator("#events li").last).to_contain_text("instance_completed")
    expect(monitor.locator('#steps tr[data-node="ok"] [data-role="status"]')).to_have_text("succeeded")
    assert monitor.evaluate("window.__notReloaded") is True
    # what the page shows is exactly the stored stream
    instance.refresh_from_db()
    assert instance.status == "completed"
    expect(monitor.get_by_test_id("last-seq")).to_have_text(str(instance.last_seq))
    assert re.fullmatch(r"\d+", monitor.get_by_test_id("last-seq").inner_text())
    assert WorkflowInstance.objects.count() == 1
    context.close()


@pytest.mark.django_db(transaction=True)
def test_a_new_task_appears_in_an_open_inbox_without_a_reload(browser: Browser, live_app: LiveApp) -> None:
    # given bob looks at his empty inbox
    from workflows.services.instances import instance_start

    olivia = UserFactory(username="olivia")
    UserFactory(username="bob")
    definition = DefinitionFactory(key="live-sign-off", name="Live sign-off", owner=olivia, graph=graph())
    VersionFactory(definition=definition)
    context = browser.new_context()
    inbox = context.new_page()
    login(inbox, live_app, "bob", PASSWORD)
    inbox.goto(live_app("/inbox/"))
    expect(inbox.get_by_text("You have no tasks waiting for a decision.")).to_be_visible()
    expect(inbox.locator('[data-live-region="approvals-inbox"]')).to_have_attribute("data-live", "live")
    inbox.evaluate("window.__notReloaded = true")

    # when olivia's workflow reaches his sign-off (the worker runs the first step)
    instance_start(definition_key="live-sign-off", input={}, started_by=olivia)

    # then the task shows up in his inbox by itself
    expect(inbox.locator("tr", has_text="Sign off")).to_be_visible(timeout=20_000)
    assert inbox.evaluate("window.__notReloaded") is True
    context.close()
