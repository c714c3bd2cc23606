"""Server-rendered pages: the inbox, a task, notifications, the SLA report."""
