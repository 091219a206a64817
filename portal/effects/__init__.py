"""Durable effects: work that must happen because a change committed (ARCHITECTURE rule 14).

A service that commits a change needing background work (a receipt PDF, a claim's verification, a
payout) calls `effect_schedule(task, *args)` inside its transaction. That writes one `Effect` row in
the same transaction and hands the task to Celery once the transaction commits. The task (any task
made with `portal.celery.idempotent_task`) marks the row started and done; `sweep_effects` (beat)
sends again what is neither started nor done by its deadline, or started longer ago than the task's
hard time limit (the worker died). A broker error after commit is logged and left to the sweeper: a
committed change is never answered with a 500.

- `models`: `Effect` and its statuses.
- `services`: `effect_schedule`, `effect_send`, `effects_sweep`, `effect_requeue`.
- `runs`: what a task run writes on the row (started, done, retrying, failed).
- `task`: `EffectTask`, the task class that reads the effect id and calls `runs`.
- `tasks`: the beat sweeper.

The notification outbox (notifications.models.Outbox) is the same idea with its own rows: a message
row is the record, `send_stale_outbox` its sweeper, and its after-commit sends share `EffectTask`'s
"log, never raise" rule.
"""
