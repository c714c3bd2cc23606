"""Models of the approvals app, one module per area."""

from approvals.models.notifications import Notification, NotificationKind
from approvals.models.records import Comment, Decision, DecisionKind, TaskEvent, TaskEventKind
from approvals.models.requests import ApprovalRequest, RequestState
from approvals.models.sla import (
    OPEN_SLA_STATES,
    BusinessCalendar,
    Holiday,
    SlaPolicy,
    SlaRecord,
    SlaState,
)
from approvals.models.tasks import LIVE_STATES, ApprovalTask, LiveCandidate, Priority, TaskState

__all__ = [
    "LIVE_STATES",
    "OPEN_SLA_STATES",
    "ApprovalRequest",
    "ApprovalTask",
    "BusinessCalendar",
    "Comment",
    "Decision",
    "DecisionKind",
    "Holiday",
    "LiveCandidate",
    "Notification",
    "NotificationKind",
    "Priority",
    "RequestState",
    "SlaPolicy",
    "SlaRecord",
    "SlaState",
    "TaskEvent",
    "TaskEventKind",
    "TaskState",
]
