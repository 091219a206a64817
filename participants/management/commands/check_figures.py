from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from participants.rates.warnings import WARN_DAYS, figure_warnings


class Command(BaseCommand):
    help = (
        f"Warn about figures running out: rates ending within {WARN_DAYS} days with no successor, "
        "discount programmes ending, yearly figures (JP wage cap and benefit range, JHT development "
        "rate) with no row for this year. Exits non-zero when there is any, so that ops can alert on it."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        warnings = figure_warnings(today=timezone.localdate())
        for warning in warnings:
            self.stderr.write(f"{warning.kind}: {warning.message}")
        if warnings:
            raise CommandError(f"{len(warnings)} figure(s) need a proposal")
        self.stdout.write(f"figures: nothing runs out within {WARN_DAYS} days and every yearly figure is set")
