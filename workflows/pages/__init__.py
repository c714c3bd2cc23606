"""Server-rendered instance pages (list, detail with live updates, dashboard)."""
