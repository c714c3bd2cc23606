"""Admin of the workflows app, one module per area (importing registers them)."""

from workflows.admin import definitions, events, instances, schedules, triggers, versions

__all__ = ["definitions", "events", "instances", "schedules", "triggers", "versions"]
