from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from participants.models import Contribution, ExitReason, MembershipStatus, Participant
from portal.dates import add_months
from portal.money import percent_of
from tests.factories import (
    BranchFactory,
    EmployerFactory,
    EmploymentFactory,
    ParticipantFactory,
    UserFactory,
    post_contribution,
)

TODAY = dt.date(2026, 12, 8)
NOW = dt.datetime(2026, 12, 8, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
PHK_DATE = dt.date(2026, 9, 15)


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def client_for(user: Any, **headers: str) -> Client:
    client = Client(headers=headers)
    client.force_login(user)
    return client


def laid_off(*, wage: int = 8_000_000, months: int = 25, reason: str = ExitReason.PHK) -> Participant:
    """A PU worker whose employer reported the end of work on PHK_DATE (reason `reason`), with `months`
    paid months up to September 2026 (JHT credited), membership nonaktif."""
    branch = BranchFactory(code="BDG01")
    employer = EmployerFactory(branch=branch, name="PT Tekstil Contoh")
    participant: Any = ParticipantFactory(
        user=UserFactory(), branch=branch, registered_on=dt.date(2020, 1, 6), birth_date=dt.date(1990, 7, 22)
    )
    EmploymentFactory(
        participant=participant,
        employer=employer,
        start_date=dt.date(2020, 1, 6),
        end_date=PHK_DATE,
        exit_reason=reason,
        exit_reported_on=PHK_DATE + dt.timedelta(days=3),
    )
    for n in range(months):
        post_contribution(
            participant, period=add_months(dt.date(2026, 9, 1), -n), wage_idr=wage, employer=employer
        )
    Participant.objects.filter(pk=participant.pk).update(
        status=MembershipStatus.NONAKTIF, status_since=PHK_DATE
    )
    participant.refresh_from_db()
    return participant


def near_pension(
    *, birth_date: dt.date = dt.date(1968, 3, 10), months: int = 200, wage: int = 6_000_000
) -> Participant:
    """A PU worker still employed, `months` JP months up to November 2026 (bulk rows: JP only needs them)."""
    participant: Any = ParticipantFactory(user=UserFactory(), birth_date=birth_date)
    EmploymentFactory(participant=participant, start_date=dt.date(2010, 1, 1))
    posted = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    Contribution.objects.bulk_create(
        Contribution(
            participant=participant,
            period=add_months(dt.date(2026, 11, 1), -n),
            wage_idr=wage,
            jp_employer_idr=percent_of(wage, Decimal(2)),
            jp_worker_idr=percent_of(wage, Decimal(1)),
            posted_at=posted,
            paid_at=posted,
        )
        for n in range(months)
    )
    return participant
