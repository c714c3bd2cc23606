"""Tasks API under /api/ (namespace "api"): task-list, task-detail, task-claim, ..."""

from django.urls import path

from approvals.api import notifications, views

urlpatterns = [
    path("tasks/", views.TaskListApi.as_view(), name="task-list"),
    path("tasks/bulk-decide/", views.TaskBulkDecideApi.as_view(), name="task-bulk-decide"),
    path("tasks/<int:task_id>/", views.TaskDetailApi.as_view(), name="task-detail"),
    path("tasks/<int:task_id>/claim/", views.TaskClaimApi.as_view(), name="task-claim"),
    path("tasks/<int:task_id>/unclaim/", views.TaskUnclaimApi.as_view(), name="task-unclaim"),
    path("tasks/<int:task_id>/delegate/", views.TaskDelegateApi.as_view(), name="task-delegate"),
    path("tasks/<int:task_id>/decide/", views.TaskDecideApi.as_view(), name="task-decide"),
    path("tasks/<int:task_id>/comments/", views.TaskCommentsApi.as_view(), name="task-comments"),
    path("notifications/", notifications.NotificationListApi.as_view(), name="notification-list"),
    path("notifications/read/", notifications.NotificationReadApi.as_view(), name="notification-read"),
]
