"""Execution events reach the channel layer after commit: every event to instance-<id>,
the instance's lifecycle events to definition-<key>, in sequence order."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from engine_support import linear, publish, task, wait_finished

from workflows.services.instances import instance_start

pytestmark = pytest.mark.django_db(transaction=True)


async def _subscribe(*groups: str) -> str:
    layer = get_channel_layer()
    channel = await layer.new_channel()
    for group in groups:
        await layer.group_add(group, channel)
    return channel


async def _collect(channel: str, until: str, timeout: float = 15) -> list[dict]:
    layer = get_channel_layer()
    seen: list[dict] = []

    async def loop() -> None:
        while not any(message["events"][-1]["type"] == until for message in seen if message["events"]):
            seen.append(await layer.receive(channel))

    await asyncio.wait_for(loop(), timeout)
    return seen


def test_events_are_pushed_to_the_instance_and_definition_groups_in_order(cluster) -> None:
    # given: an instance started with no worker up yet, and listeners on both groups
    definition = publish(linear(task("one"), task("two")))
    lifecycle = async_to_sync(_subscribe)(f"definition-{definition.key}")
    instance = instance_start(definition_key=definition.key, input={}, started_by=definition.owner)
    steps = async_to_sync(_subscribe)(f"instance-{instance.id}")
    # when
    cluster.worker("w1")
    wait_finished(instance.id)
    # then: the instance group got every later event, consecutively, in order
    frames = [
        event
        for message in async_to_sync(_collect)(steps, "instance_completed")
        for event in message["events"]
    ]
    seqs = [event["seq"] for event in frames]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    assert [event["type"] for event in frames].count("step_started") == 2
    assert frames[-1]["type"] == "instance_completed"
    # and the definition group got the lifecycle of the instance
    messages = async_to_sync(_collect)(lifecycle, "instance_completed")
    kinds = [event["type"] for message in messages for event in message["events"]]
    assert kinds == ["instance_started", "instance_completed"]
    assert {message["instance"] for message in messages} == {str(instance.id)}
