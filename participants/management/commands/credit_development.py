from typing import Any

from django.core.management.base import BaseCommand, CommandError

from participants.ledger.development import development_credit_year


class Command(BaseCommand):
    help = "Credit the JHT development return of one ended year to every KPJ (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args: Any, year: int, **options: Any) -> None:
        try:
            result = development_credit_year(year=year)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if result.rate_percent is None:
            raise CommandError(f"no development rate for {year}; add it in the admin (tabel tarif)")
        self.stdout.write(
            f"development {year} at {result.rate_percent}%: {result.accounts_credited} KPJ credited, "
            f"Rp{result.total_idr:,}".replace(",", ".")
        )
