"""Which life-event reminders are due on a day (lifeevents.tasks publishes them through the outbox).

- JKP: for every employer-reported PHK whose deadline is 0-30 days away and who is eligible, the
  30-day reminder (8-30 days left) or the 7-day one (0-7 days left). A run missed for a few days still
  sends the reminder of the current band; the key stops repeats.
- JHT: every employer-reported PHK, resignation or contract end whose JHT opened in the last 7 days
  (a first run after deployment does not message years of old exits).
- Pension: every PU worker whose pension date (birth date and the pension-age schedule) is within
  the next 3 months; one reminder per KPJ and pension date.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from claims.selectors import claim_rules_on
from lifeevents.figures import jkp_figures_on, pension_age_schedule
from lifeevents.notices import JKP_REMINDER_DAYS, jht_open_notice, jkp_deadline_notice, pension_notice
from lifeevents.rules import InvalidFacts, jht_opens_on, jkp_assess, pension_date
from lifeevents.selectors import contribution_months, person_of_participant
from participants.models import Category, Employment, Participant
from participants.rates.selectors import MissingRate
from portal.dates import add_months, add_years, month_start
from portal.notices import Notice

JHT_OPEN_GRACE_DAYS = 7
PENSION_LEAD_MONTHS = 3


def jkp_reminders(today: dt.date) -> list[Notice]:
    notices: list[Notice] = []
    # The claim window is at most 6 months today; 7 months back covers a longer one too.
    exits = Employment.objects.filter(
        exit_reason="phk", end_date__gte=add_months(today, -7), end_date__lte=today
    ).select_related("participant__user")
    for employment in exits:
        assert employment.end_date is not None
        try:
            figures = jkp_figures_on(employment.end_date)
        except MissingRate:
            continue
        person = person_of_participant(employment.participant)
        months = contribution_months(
            person=person,
            first=add_months(month_start(employment.end_date), -(figures.window_months - 1)),
            last=month_start(employment.end_date),
        )
        try:
            result = jkp_assess(
                phk_date=employment.end_date,
                exit_type="phk",
                employment_start=employment.start_date,
                months=months,
                today=today,
                figures=figures,
            )
        except InvalidFacts:
            continue
        if not result.eligible:
            continue
        band = next((d for d in sorted(JKP_REMINDER_DAYS) if result.days_left <= d), None)
        if band is None:
            continue
        notices.append(
            jkp_deadline_notice(
                participant=employment.participant,
                employment_id=employment.pk,
                deadline=result.deadline,
                days_before=band,
                total_idr=result.total_idr,
            )
        )
    return notices


def jht_reminders(today: dt.date) -> list[Notice]:
    waiting = claim_rules_on(today).waiting_months
    exits = Employment.objects.filter(
        exit_reason__in=["phk", "resign", "contract_end"],
        end_date__gte=add_months(today, -(waiting + 1)),
        end_date__lte=today,
    ).select_related("participant__user")
    notices = []
    for employment in exits:
        assert employment.end_date is not None
        opens_on = jht_opens_on(
            exit_date=employment.end_date, exit_type=employment.exit_reason, waiting_months=waiting
        )
        if opens_on <= today <= opens_on + dt.timedelta(days=JHT_OPEN_GRACE_DAYS):
            notices.append(
                jht_open_notice(
                    participant=employment.participant, employment_id=employment.pk, opens_on=opens_on
                )
            )
    return notices


def pension_reminders(today: dt.date) -> list[Notice]:
    schedule = pension_age_schedule()
    if not schedule:
        return []
    horizon = add_months(today, PENSION_LEAD_MONTHS)
    # Everyone whose birthday at one of the scheduled ages falls between today and the horizon: one
    # narrow birth-date range per age, so the rows read are a few months of birth dates per age.
    born = Q()
    for age in sorted({age for _, age in schedule}):
        born |= Q(birth_date__gt=add_years(today, -age), birth_date__lte=add_years(horizon, -age))
    candidates = Participant.objects.filter(born, category=Category.PU).select_related("user")
    notices = []
    for participant in candidates:
        pension = pension_date(birth_date=participant.birth_date, schedule=schedule)
        if today < pension.date <= horizon:
            notices.append(
                pension_notice(participant=participant, pension_date=pension.date, age=pension.age)
            )
    return notices


def due_reminders(today: dt.date) -> list[Notice]:
    return jkp_reminders(today) + jht_reminders(today) + pension_reminders(today)
