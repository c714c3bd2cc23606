"""The OpenAPI schema describes the instances API without warnings or errors."""

from __future__ import annotations

from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

OURS = ("workflows/api/instances.py", "instance_serializers", "Instance", "StepRetryApi", "StepSkipApi",
        "DefinitionSimulateApi")  # fmt: skip


def test_the_instances_api_builds_into_the_schema_without_warnings() -> None:
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    problems = [
        msg
        for msg in [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
        if any(o in msg for o in OURS)
    ]
    assert problems == []
    paths = schema["paths"]
    for path in ("/api/instances/", "/api/instances/{instance_id}/", "/api/instances/{instance_id}/events/",
                 "/api/instances/{instance_id}/cancel/", "/api/instances/{instance_id}/suspend/",
                 "/api/instances/{instance_id}/resume/", "/api/instances/{instance_id}/steps/{step_id}/retry/",
                 "/api/instances/{instance_id}/steps/{step_id}/skip/", "/api/definitions/{key}/simulate/"):  # fmt: skip
        assert path in paths, path
    assert "InstanceStatusEnum" in schema["components"]["schemas"]
