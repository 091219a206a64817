"""The demo personas say what docs/life-events.md#demo-personas says they show."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from participants.demo import load_demo_data
from participants.models import Participant
from tests.lifeevents.conftest import TODAY, client_for

pytestmark = pytest.mark.django_db


def test_laid_off_and_near_pension_personas(settings: Any) -> None:
    settings.DEBUG = True
    load_demo_data()
    sinta = Participant.objects.get(kpj="23010000077")
    response = client_for(sinta.user).get(reverse("lifeevents:phk"))
    overview = response.context["overview"]
    jkp = overview.jkp
    assert (jkp.eligible, jkp.counted_months, jkp.wage_basis_idr, jkp.total_idr) == (
        True,
        24,
        5_000_000,
        18_000_000,
    )
    assert (jkp.deadline, jkp.days_left) == (dt.date(2027, 3, 8), 90)  # PHK 08-09-2026
    assert (overview.jht.opens_on, overview.jht.balance_idr, overview.jht.can_start) == (
        dt.date(2026, 10, 8),
        16_963_200,
        True,
    )

    bambang = Participant.objects.get(kpj="23010000088")
    response = client_for(bambang.user).get(reverse("lifeevents:pension"))
    pension = response.context["overview"]
    assert (pension.jp.pension.date, pension.jp.pension.age) == (dt.date(2027, 8, 8), 59)
    assert pension.jp.pension.date - TODAY < dt.timedelta(days=366)
    # JP since July 2015 only: 137 months to November 2026, 145 at the pension date: a lump sum.
    assert (pension.jp.history.months, pension.at_pension.months, pension.at_pension.kind) == (
        137,
        145,
        "lump_sum",
    )
