"""Channel-layer group names, shared by the publishers and the consumers."""

from __future__ import annotations

from typing import Any

from workflows.runtime.publisher import definition_group, instance_group


def inbox_group(user_id: Any) -> str:
    return f"inbox-{user_id}"


__all__ = ["definition_group", "inbox_group", "instance_group"]
