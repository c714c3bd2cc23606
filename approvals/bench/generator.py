"""The benchmark's task rows, written with COPY: one chunk of requests, tasks, candidates,
SLA records, decisions and live-candidate rows at a time (`approvals.bench.data` decides
how many and holds the people, groups and workflows they belong to)."""

from __future__ import annotations

import json
import random
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from approvals.bench.data import (
    GROUPS,
    KEY_PREFIX,
    LIVE_SHARE,
    SLA_WORKFLOWS,
    WORKFLOW_WEIGHTS,
    WORKFLOWS,
    Directory,
)
from approvals.services.candidates import SEARCH_SEPARATOR


class _Ids:
    """Explicit ids for COPY: continue after the table's highest, move its sequence past them."""

    def __init__(self, model: type[Model]) -> None:
        self.table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{self.table}"')  # noqa: S608 (model table)
            self.last = cursor.fetchone()[0]

    def next(self) -> int:
        self.last += 1
        return self.last

    def sync(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [f'"{self.table}"', self.last]
            )


class _Chunk:
    """Rows of one COPY chunk, per model."""

    def __init__(self) -> None:
        self.rows: dict[type[Model], list[dict[str, Any]]] = {}

    def add(self, model: type[Model], **values: Any) -> None:
        self.rows.setdefault(model, []).append(values)

    def copy(self) -> None:
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg's cursor under Django's wrapper
            for model, rows in self.rows.items():
                fields = list(model._meta.concrete_fields)
                columns = ", ".join(f'"{f.column}"' for f in fields)
                with raw.copy(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN') as copy:
                    for values in rows:
                        copy.write_row([values.get(f.attname, _default(f)) for f in fields])


def _default(field: Any) -> Any:
    if field.has_default():
        value = field.get_default()
        return json.dumps(value) if isinstance(value, dict | list) else value
    return None


class TaskGenerator:
    def __init__(self, directory: Directory, workflows: list[tuple[int, int, str]], *, seed: int) -> None:
        from approvals.models import ApprovalRequest, ApprovalTask, Decision, LiveCandidate, SlaRecord

        self.d = directory
        self.workflows = workflows
        self.rng = random.Random(seed)  # noqa: S311 (test data)
        self.now = timezone.now()
        self.ids = {
            model: _Ids(model)
            for model in (
                ApprovalRequest,
                ApprovalTask,
                Decision,
                SlaRecord,
                LiveCandidate,
                ApprovalTask.candidate_groups.through,
                ApprovalTask.candidate_users.through,
            )
        }
        self.out = _Chunk()
        self.serial = seed

    def chunk(self, size: int) -> int:
        made = 0
        while made < size:
            made += self.request()
        self.out.copy()
        for ids in self.ids.values():
            ids.sync()
        return made

    def request(self) -> int:
        """One instance, its approval step, request, tasks and their records. Returns the tasks made."""
        from approvals.models import ApprovalRequest
        from workflows.models import StepExecution, WorkflowInstance

        rng = self.rng
        index = rng.choices(range(WORKFLOWS), weights=WORKFLOW_WEIGHTS)[0]  # a few busy workflows
        definition_id, version_id, name = self.workflows[index]
        live = rng.random() < LIVE_SHARE
        everyone = rng.random() < 0.2  # `all`: three people; else `any`
        ended = "decided" if live or rng.random() < 0.92 else "cancelled"
        age = rng.uniform(0, 14 * 86400) if live else rng.uniform(3 * 86400, 365 * 86400)
        opened = self.now - timedelta(seconds=age)
        closed = None if live else opened + timedelta(seconds=rng.uniform(60, 3 * 86400))
        outcome = "" if live or ended == "cancelled" else rng.choice(["approved"] * 4 + ["rejected"])
        starter = rng.choice(self.d.users)
        self.serial += 1
        instance_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        step_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        instance_status = "running" if live else ("completed" if ended == "decided" else "cancelled")
        self.out.add(
            WorkflowInstance,
            id=instance_id,
            definition_id=definition_id,
            version_id=version_id,
            status=instance_status,
            input=json.dumps({"title": f"Purchase {self.serial}"}),
            vars="{}",
            result=json.dumps(outcome) if outcome else None,
            error=None,
            business_key=f"APR-{self.serial:08d}",
            correlation_id="",
            started_by_id=starter,
            started_on_deprecated=False,
            parent_id=None,
            parent_step_id=None,
            depth=0,
            visits=json.dumps({"start": 1, "approve": 1}),
            results="{}",
            compensable="[]",
            compensation=None,
            last_seq=0,  # no events generated: verify_audit stays clean
            created_at=opened,
            updated_at=closed or opened,
            finished_at=closed,
        )
        step_status = "waiting" if live else ("succeeded" if ended == "decided" else "cancelled")
        self.out.add(
            StepExecution,
            id=step_id,
            instance_id=instance_id,
            node_id="approve",
            node_type="approval",
            status=step_status,
            output=json.dumps({"decided_by": "bench"}) if outcome else None,
            arrivals="[]",
            created_at=opened,
            started_at=opened,
            finished_at=closed,
        )
        request_id = self.ids[ApprovalRequest].next()
        people = self._people(starter, 3) if everyone else []
        sla_hours = 8 * (1 + index % 5) if index < SLA_WORKFLOWS else None
        self.out.add(
            ApprovalRequest,
            id=request_id,
            instance_id=instance_id,
            step_id=step_id,
            definition_id=definition_id,
            node_id="approve",
            name=name,
            started_by_id=starter,
            policy="all" if everyone else "any",
            quorum=len(people) if everyone else 1,
            assignee_count=len(people) if everyone else 1,
            outcomes=json.dumps(["approved", "rejected"]),
            form="[]",
            config=json.dumps({"policy": "all" if everyone else "any"}),
            allow_self_approval=False,
            sequence="[]",
            state="open" if live else ended,
            outcome=outcome,
            opened_at=opened,
            closed_at=closed,
        )
        task_base = {
            "request_id": request_id,
            "instance_id": instance_id,
            "created_at": opened,
            "sla_hours": sla_hours,
            "live": live,
            "ended": ended,
            "outcome": outcome,
            "closed": closed,
            "definition_id": definition_id,
            "starter": starter,
            "search": SEARCH_SEPARATOR.join(  # the texts services.candidates copies, in its order
                [
                    name,
                    f"Bench approvals {index:02d}",
                    f"{KEY_PREFIX}{index:02d}",
                    f"APR-{self.serial:08d}",
                    f"Purchase {self.serial}",
                ]
            ),
        }
        if everyone:
            for position, person in enumerate(people):
                self._task(task_base, position=position, holder=person, users=[], groups=[])
            return len(people)
        if rng.random() < 0.3:
            person = self._people(starter, 1)[0]
            self._task(task_base, position=0, holder=person, users=[person], groups=[])
        else:
            groups = [self.d.groups[index % GROUPS]]
            if rng.random() < 0.2:
                groups.append(rng.choice(self.d.groups))
            self._task(task_base, position=0, holder=None, users=[], groups=sorted(set(groups)))
        return 1

    def _member(self, groups: list[int]) -> int:
        """A member of one of `groups`, who claimed or decided a group's task."""
        return self.rng.choice([m for g in groups for m in self.d.members[g]])

    def _people(self, starter: int, count: int) -> list[int]:
        others = [u for u in self.d.users if u != starter]
        return self.rng.sample(others, count)

    def _task(
        self, base: dict[str, Any], *, position: int, holder: int | None, users: list[int], groups: list[int]
    ) -> None:
        from approvals.models import ApprovalTask, Decision, LiveCandidate, SlaRecord

        rng = self.rng
        task_id = self.ids[ApprovalTask].next()
        opened: datetime = base["created_at"]
        live, closed = base["live"], base["closed"]
        priority = rng.choices((0, 1, 2, 3), weights=(10, 70, 15, 5))[0]
        due = opened + timedelta(hours=base["sla_hours"]) if base["sla_hours"] else None
        warn = opened + timedelta(hours=base["sla_hours"] * 0.75) if base["sla_hours"] else None
        state, outcome, assignee, claimed_at, escalated_at = "open", "", holder, None, None
        decided_by = None
        if live:
            if holder is not None and position > 0 and rng.random() < 0.5:  # `all`: some voted already
                state, outcome, decided_by = "decided", "approved", holder
            elif due is not None and self.now >= due:
                state, escalated_at, priority = "escalated", due, 3
            elif holder is None and rng.random() < 0.2:
                state, assignee, claimed_at = "claimed", self._member(groups), opened + timedelta(minutes=30)
        elif base["ended"] == "cancelled":
            state = "cancelled"
        elif base["outcome"] == "rejected" and position > 0:  # `all`: the first refusal decided
            state = "expired"
        else:
            state, outcome = "decided", base["outcome"]
            if holder is None:
                assignee = self._member(groups)
            decided_by = assignee
        task_closed = closed if state in ("decided", "cancelled", "expired") and closed else None
        if state == "decided" and task_closed is None:
            task_closed = opened + timedelta(hours=rng.uniform(0.1, 10))
        self.out.add(
            ApprovalTask,
            id=task_id,
            request_id=base["request_id"],
            instance_id=base["instance_id"],
            assignee_id=assignee,
            position=position,
            state=state,
            priority=priority,
            outcome=outcome,
            created_at=opened,
            claimed_at=claimed_at,
            escalated_at=escalated_at,
            closed_at=task_closed,
            delegated_by_id=None,
            delegation_note="",
        )
        through_users = ApprovalTask.candidate_users.through
        through_groups = ApprovalTask.candidate_groups.through
        for person in users:
            self.out.add(
                through_users, id=self.ids[through_users].next(), approvaltask_id=task_id, user_id=person
            )
        for group in groups:
            self.out.add(
                through_groups, id=self.ids[through_groups].next(), approvaltask_id=task_id, group_id=group
            )
        if state in ("open", "claimed", "escalated"):  # the inbox's live slice, as candidates.py builds it
            keys = {
                "task_id": task_id,
                "state": state,
                "assignee_id": assignee,
                "priority": priority,
                "created_at": opened,
                "due_at": due,
                "definition_id": base["definition_id"],
                "four_eyes_user_id": base["starter"],
                "search": base["search"],
            }
            audience = [("user_id", p) for p in users] + [("group_id", g) for g in groups]
            if assignee is not None:
                audience.append(("user_id", assignee))
            for column, member in audience:
                self.out.add(LiveCandidate, id=self.ids[LiveCandidate].next(), **keys, **{column: member})
        if decided_by is not None:
            self.out.add(
                Decision,
                id=self.ids[Decision].next(),
                task_id=task_id,
                request_id=base["request_id"],
                user_id=decided_by,
                kind="user",
                outcome=outcome,
                form="{}",
                comment="",
                reason="",
                decided_at=task_closed,
            )
        if due is not None:
            self.out.add(
                SlaRecord,
                id=self.ids[SlaRecord].next(),
                **self._sla(task_id, base, state, warn, due, task_closed),
            )

    def _sla(
        self, task_id: int, base: dict[str, Any], state: str, warn: datetime, due: datetime, closed: Any
    ) -> dict[str, Any]:
        now = self.now
        record: dict[str, Any] = {
            "task_id": task_id,
            "instance_id": base["instance_id"],
            "policy_id": None,
            "started_at": base["created_at"],
            "warn_at": warn,
            "due_at": due,
            "escalation": "{}",
        }
        if state in ("open", "claimed"):
            at_risk = now >= warn
            record.update(
                state="at_risk" if at_risk else "on_track",
                next_check_at=due if at_risk else warn,
                at_risk_at=warn if at_risk else None,
            )
        elif state == "escalated":
            record.update(state="breached", at_risk_at=warn, breached_at=due, escalated_at=due)
        elif state == "cancelled":
            record.update(state="cancelled", closed_at=closed)
        else:
            late = closed is not None and closed > due
            record.update(
                state="missed" if late else "met",
                closed_at=closed,
                at_risk_at=warn if closed and closed > warn else None,
                breached_at=due if late else None,
            )
        return record
