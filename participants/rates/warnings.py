"""Figures about to run out: what the staff dashboard and `manage.py check_figures` warn about.

- A rate row whose `effective_to` falls within the next 60 days (today included) and that no row of the
  same figure continues the day after: after that date the figure is missing and every bill, simulation
  or claim that needs it fails.
- A discount programme whose last contribution month ends within the next 60 days (an extension is a
  new last month; docs/contributions.md#discounts).
- A yearly figure with no row for the current year: the JP wage cap and the JP benefit range (adjusted
  every March, PP 45/2015 Pasal 28 and 29) have no row starting this year; the JHT development rate has
  no row for this year.
Four queries, whatever the size of the tables.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db.models import DateField, Exists, ExpressionWrapper, OuterRef
from django.utils.translation import gettext as _

from participants.rates.models import DevelopmentRate, DiscountProgramme, Rate

WARN_DAYS = 60
# Figures that change every year: (program, segment, component).
YEARLY_RATES = (("JP", "PU", "wage_cap"), ("JP", "PU", "benefit_min"), ("JP", "PU", "benefit_max"))


@dataclass(frozen=True)
class FigureWarning:
    """One warning. `kind` says what to propose: "rate_ending" (a successor of rate `row_id`),
    "rate_missing" (a row for `name` this year), "development_missing" (the rate of `year`),
    "discount_ending" (a new last month for programme `row_id`)."""

    kind: str
    message: str
    name: tuple[str, str, str] | None = None
    row_id: int | None = None
    ends_on: dt.date | None = None
    year: int | None = None
    unit: str | None = None


def _last_day(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def figure_warnings(*, today: dt.date) -> list[FigureWarning]:
    """The figures to act on, in a stable order: ending rates (by date), ending discount programmes,
    missing yearly rates, the missing development rate."""
    horizon = today + dt.timedelta(days=WARN_DAYS)
    warnings: list[FigureWarning] = []

    successor = Rate.objects.filter(
        program=OuterRef("program"),
        segment=OuterRef("segment"),
        component=OuterRef("component"),
        effective_from=ExpressionWrapper(
            OuterRef("effective_to") + dt.timedelta(days=1), output_field=DateField()
        ),
    )
    ending = (
        Rate.objects.filter(effective_to__gte=today, effective_to__lte=horizon)
        .exclude(Exists(successor))
        .order_by("effective_to", "program", "segment", "component")
    )
    for rate in ending:
        assert rate.effective_to is not None  # filtered above
        warnings.append(
            FigureWarning(
                kind="rate_ending",
                message=_("%(name)s berakhir %(date)s dan belum ada angka penggantinya.")
                % {
                    "name": f"{rate.program}/{rate.segment}/{rate.component}",
                    "date": _day(rate.effective_to),
                },
                name=(rate.program, rate.segment, rate.component),
                row_id=rate.pk,
                ends_on=rate.effective_to,
                unit=rate.unit,
            )
        )

    # Programmes whose last month is this month or one within the horizon; the end of that month decides.
    programmes = DiscountProgramme.objects.filter(
        last_period__gte=today.replace(day=1), last_period__lte=horizon.replace(day=1)
    ).order_by("last_period", "code")
    for programme in programmes:
        ends_on = _last_day(programme.last_period)
        if ends_on > horizon:
            continue
        warnings.append(
            FigureWarning(
                kind="discount_ending",
                message=_("Program diskon %(label)s berakhir %(date)s (bulan iuran terakhir %(month)s).")
                % {
                    "label": programme.label,
                    "date": _day(ends_on),
                    "month": programme.last_period.strftime("%m/%Y"),
                },
                row_id=programme.pk,
                ends_on=ends_on,
            )
        )

    rows_this_year = {
        (p, s, c): unit
        for p, s, c, unit in Rate.objects.filter(
            effective_from__year=today.year,
            program__in={n[0] for n in YEARLY_RATES},
            component__in={n[2] for n in YEARLY_RATES},
        ).values_list("program", "segment", "component", "unit")
    }
    for name in YEARLY_RATES:
        if name not in rows_this_year:
            warnings.append(
                FigureWarning(
                    kind="rate_missing",
                    message=_("%(name)s belum punya angka untuk tahun %(year)s.")
                    % {"name": "/".join(name), "year": today.year},
                    name=name,
                    year=today.year,
                )
            )

    if not DevelopmentRate.objects.filter(year=today.year).exists():
        warnings.append(
            FigureWarning(
                kind="development_missing",
                message=_("Tingkat pengembangan JHT tahun %(year)s belum tercatat.") % {"year": today.year},
                year=today.year,
            )
        )
    return warnings


def _day(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")
