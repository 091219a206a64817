"""The notices of the life events (portal.notices): JKP deadline reminders (30 and 7 days before), JHT
open after the waiting period, and pension age 3 months ahead. Keys carry the date they are about, so a
corrected exit date reminds again while a daily re-run never does."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from portal.money import format_rupiah
from portal.notices import Notice, absolute_url

JKP_REMINDER_DAYS = (30, 7)  # our choice of lead times (issue 21); the deadline itself is a rate row


def jkp_deadline_notice(
    *, participant: Any, employment_id: int, deadline: dt.date, days_before: int, total_idr: int
) -> Notice:
    return Notice(
        event="jkp_deadline",
        key=f"lifeevents:jkp:{employment_id}:{deadline.isoformat()}:{days_before}",
        context={
            "name": participant.full_name,
            "kpj": participant.kpj,
            "deadline": deadline.strftime("%d-%m-%Y"),
            "days_before": days_before,
            "total": format_rupiah(total_idr),
            "url": absolute_url(reverse("lifeevents:phk")),
        },
        participant=participant,
        user=participant.user,
    )


def jht_open_notice(*, participant: Any, employment_id: int, opens_on: dt.date) -> Notice:
    return Notice(
        event="jht_open",
        key=f"lifeevents:jht-open:{employment_id}:{opens_on.isoformat()}",
        context={
            "name": participant.full_name,
            "kpj": participant.kpj,
            "opens_on": opens_on.strftime("%d-%m-%Y"),
            "url": absolute_url(reverse("lifeevents:phk")),
        },
        participant=participant,
        user=participant.user,
    )


def pension_notice(*, participant: Any, pension_date: dt.date, age: int) -> Notice:
    return Notice(
        event="pension_soon",
        key=f"lifeevents:pension:{participant.pk}:{pension_date.isoformat()}",
        context={
            "name": participant.full_name,
            "kpj": participant.kpj,
            "pension_date": pension_date.strftime("%d-%m-%Y"),
            "age": age,
            "url": absolute_url(reverse("lifeevents:pension")),
        },
        participant=participant,
        user=participant.user,
    )
