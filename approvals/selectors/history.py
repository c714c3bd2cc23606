"""The history scopes at scale: "decided by me" (`done`) and "everything I can see" (`all`).

A user in busy groups can see tens of thousands of tasks among millions. Sorted by their
natural time (the scope's default ordering) and not otherwise filtered, a page is read
off an index that holds that time, and the capped count from index-only scans:

- `done`, newest decision first: the user's `Decision` rows by (user, decided_at desc,
  task desc): the page's 25 task ids, the count over at most COUNT_CAP + 1 of them.
- `all`, newest task first: tasks by (created_at desc, id desc), each tested for
  visibility with index probes (holder; candidate user; candidate group among the user's
  groups) until the page is full. The count reads the user's task ids per source (each
  candidate group, the candidate-user rows, the held tasks): when one source alone has
  more than COUNT_CAP, the count is capped without a union; otherwise the sources (each
  at most COUNT_CAP) are merged without duplicates, counted up to COUNT_CAP + 1.

Other orderings and filters on these scopes go through `inbox.inbox_for_user` (a sort of
every visible task: not sized for a long history).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection

from approvals.models import ApprovalTask, Decision

HISTORY_ORDERINGS = {"done": "-decided", "all": "-created"}
"""Each history scope's default ordering: its natural time, newest first."""

_TASKS = ApprovalTask._meta.db_table
_USERS = ApprovalTask.candidate_users.through._meta.db_table
_GROUPS = ApprovalTask.candidate_groups.through._meta.db_table

# OFFSET 0 keeps each EXISTS a per-row index probe: without it PostgreSQL may hash every
# candidate row of the user's groups (tens of thousands) before returning the first task.
_VISIBLE_PAGE_SQL = f"""
SELECT t.id FROM {_TASKS} t
WHERE t.assignee_id = %(user)s
   OR EXISTS (SELECT 1 FROM {_USERS} u WHERE u.approvaltask_id = t.id AND u.user_id = %(user)s OFFSET 0)
   OR EXISTS (SELECT 1 FROM {_GROUPS} g
              WHERE g.approvaltask_id = t.id AND g.group_id = ANY(%(groups)s::integer[]) OFFSET 0)
ORDER BY t.created_at DESC, t.id DESC
LIMIT %(limit)s OFFSET %(offset)s
"""  # noqa: S608 (table names from the models, placeholders for values)


_SOURCES = {  # the user's task ids, one source per candidate group, user rows, held tasks
    "group": f"SELECT approvaltask_id FROM {_GROUPS} WHERE group_id = %s",  # noqa: S608
    "user": f"SELECT approvaltask_id FROM {_USERS} WHERE user_id = %s",  # noqa: S608
    "holder": f"SELECT id FROM {_TASKS} WHERE assignee_id = %s",  # noqa: S608
}


def history_fast(scope: str, ordering: str, *, filtered: bool) -> bool:
    """Whether `history_count`/`history_ids` answer this scope: a history scope in its
    default ordering, with no filter or search."""
    return not filtered and HISTORY_ORDERINGS.get(scope) == ordering


def history_count(scope: str, user: AbstractBaseUser, groups: list[int], cap: int) -> int:
    """The tasks of a history scope, counted up to `cap + 1`."""
    if scope == "done":
        return Decision.objects.filter(user_id=user.pk).values("task_id")[: cap + 1].count()
    return _visible_count(user, groups, cap)


def history_ids(scope: str, user: AbstractBaseUser, groups: list[int], bottom: int, top: int) -> list[int]:
    """Task ids `bottom:top` of a history scope in its default ordering."""
    if top <= bottom:
        return []
    if scope == "done":
        decisions = Decision.objects.filter(user_id=user.pk).order_by("-decided_at", "-task_id")
        return list(decisions.values_list("task_id", flat=True)[bottom:top])
    params = {"user": user.pk, "groups": list(groups), "limit": top - bottom, "offset": bottom}
    with connection.cursor() as cursor:
        cursor.execute(_VISIBLE_PAGE_SQL, params)
        return [row[0] for row in cursor.fetchall()]


def _visible_count(user: AbstractBaseUser, groups: list[int], cap: int) -> int:
    sources = [(_SOURCES["group"], group) for group in groups] + [
        (_SOURCES["user"], user.pk),
        (_SOURCES["holder"], user.pk),
    ]
    # One source over the cap caps the count (its ids are distinct); the union runs only
    # when none is (PostgreSQL evaluates the CASE's subquery on demand).
    sizes = ", ".join(f"(SELECT count(*) FROM ({sql} LIMIT %s) s{n})" for n, (sql, _) in enumerate(sources))  # noqa: S608
    union = " UNION ".join(sql for sql, _ in sources)
    statement = (
        f"SELECT CASE WHEN GREATEST({sizes}) > %s THEN %s "  # noqa: S608 (composed of _SOURCES, values are placeholders)
        f"ELSE (SELECT count(*) FROM (({union}) LIMIT %s) merged) END"
    )
    params: list[int] = []
    for _, value in sources:
        params += [value, cap + 1]
    params += [cap, cap + 1]
    params += [value for _, value in sources]
    params.append(cap + 1)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return int(cursor.fetchone()[0])
