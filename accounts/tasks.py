"""Tasks of the accounts app: password reset mail (accounts.password_reset). Thin, take ids, safe to
run twice (the row is locked and marked done)."""

from __future__ import annotations

from portal.celery import idempotent_task


@idempotent_task()
def send_password_reset_mail(mail_id: str) -> bool:
    from accounts.password_reset import password_reset_mail_send

    return password_reset_mail_send(mail_id=mail_id)


@idempotent_task()
def sweep_password_reset_mail() -> int:
    from accounts.password_reset import password_reset_mail_sweep

    return password_reset_mail_sweep()
