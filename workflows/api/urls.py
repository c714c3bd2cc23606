"""Routes of the workflows API (included under /api/ in the "api" namespace)."""

from __future__ import annotations

from django.urls import path

from workflows.api.definitions import (
    DefinitionDetailApi,
    DefinitionExportApi,
    DefinitionImportApi,
    DefinitionListApi,
    DefinitionPublishApi,
    DefinitionValidateApi,
)
from workflows.api.hooks import HookReceiveApi
from workflows.api.instances import (
    DefinitionSimulateApi,
    InstanceCancelApi,
    InstanceDetailApi,
    InstanceEventsApi,
    InstanceListApi,
    InstanceResumeApi,
    InstanceSuspendApi,
    StepRetryApi,
    StepSkipApi,
)
from workflows.api.node_types import GraphSchemaApi, NodeTypesApi
from workflows.api.schedules import ScheduleDetailApi, ScheduleListApi, ScheduleRunsApi
from workflows.api.signals import InstanceSignalsApi, SignalRouteApi
from workflows.api.versions import (
    VersionDeprecateApi,
    VersionDetailApi,
    VersionDiffApi,
    VersionListApi,
    VersionRetireApi,
)

instance_patterns = [
    path("instances/", InstanceListApi.as_view(), name="instance-list"),
    path("instances/<uuid:instance_id>/", InstanceDetailApi.as_view(), name="instance-detail"),
    path("instances/<uuid:instance_id>/events/", InstanceEventsApi.as_view(), name="instance-events"),
    path("instances/<uuid:instance_id>/cancel/", InstanceCancelApi.as_view(), name="instance-cancel"),
    path("instances/<uuid:instance_id>/suspend/", InstanceSuspendApi.as_view(), name="instance-suspend"),
    path("instances/<uuid:instance_id>/resume/", InstanceResumeApi.as_view(), name="instance-resume"),
    path(
        "instances/<uuid:instance_id>/steps/<uuid:step_id>/retry/", StepRetryApi.as_view(), name="step-retry"
    ),
    path("instances/<uuid:instance_id>/steps/<uuid:step_id>/skip/", StepSkipApi.as_view(), name="step-skip"),
    path("definitions/<slug:key>/simulate/", DefinitionSimulateApi.as_view(), name="definition-simulate"),
]

wait_patterns = [
    path("instances/<uuid:instance_id>/signals/", InstanceSignalsApi.as_view(), name="instance-signals"),
    path("signals/", SignalRouteApi.as_view(), name="signal-route"),
    path("schedules/", ScheduleListApi.as_view(), name="schedule-list"),
    path("schedules/<int:schedule_id>/", ScheduleDetailApi.as_view(), name="schedule-detail"),
    path("schedules/<int:schedule_id>/runs/", ScheduleRunsApi.as_view(), name="schedule-runs"),
    path("hooks/<slug:trigger_key>/", HookReceiveApi.as_view(), name="hook-receive"),
]

urlpatterns = [
    *instance_patterns,
    *wait_patterns,
    path("node-types/", NodeTypesApi.as_view(), name="node-types"),
    path("graph-schema/", GraphSchemaApi.as_view(), name="graph-schema"),
    path("definitions/", DefinitionListApi.as_view(), name="definition-list"),
    path("definitions/import/", DefinitionImportApi.as_view(), name="definition-import"),
    path("definitions/<slug:key>/", DefinitionDetailApi.as_view(), name="definition-detail"),
    path("definitions/<slug:key>/validate/", DefinitionValidateApi.as_view(), name="definition-validate"),
    path("definitions/<slug:key>/publish/", DefinitionPublishApi.as_view(), name="definition-publish"),
    path("definitions/<slug:key>/export/", DefinitionExportApi.as_view(), name="definition-export"),
    path("definitions/<slug:key>/versions/", VersionListApi.as_view(), name="version-list"),
    path("definitions/<slug:key>/versions/<int:number>/", VersionDetailApi.as_view(), name="version-detail"),
    path(
        "definitions/<slug:key>/versions/<int:number>/diff/<int:other>/",
        VersionDiffApi.as_view(),
        name="version-diff",
    ),
    path(
        "definitions/<slug:key>/versions/<int:number>/deprecate/",
        VersionDeprecateApi.as_view(),
        name="version-deprecate",
    ),
    path(
        "definitions/<slug:key>/versions/<int:number>/retire/",
        VersionRetireApi.as_view(),
        name="version-retire",
    ),
]
