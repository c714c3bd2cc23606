"""Waiting and composing: signals, sub-workflows, scheduled starts and triggers.

Built on the engine adapter (workflows.runtime, workflows.services.instances): every
engine event still takes `instance_apply`/`apply_locked`, and the pieces here hook in
through the runtime's effect registry (see `hooks.register_wait_effects`):

* `signals`       deliver a named signal (with payload and an idempotency id) to the
                  step waiting for it; 409 `not_waiting_for_signal` otherwise.
* `subworkflows`  start a child for a subworkflow step, report its end to the parent,
                  cancel children with their parent; a depth limit stops runaway recursion.
* `schedules`     cron schedules with time zones claimed by beat (SKIP LOCKED, unique runs).
* `triggers`      signed inbound webhooks and "when A ends, start B" internal triggers.
* `sweep`         the beat reconciler that settles anything a lost message left behind.
* `timers`        disarm the durable waits of cancelled steps (timer rows are the
                  adapter's `DueWait`; firing lives in workflows.services.timers).
"""
