"""Import one partner's settlement CSV for one day and flag the differences (partners.settlement)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from partners.models import Partner
from partners.settlement import SettlementError, settlement_import


class Command(BaseCommand):
    help = "Import a partner's daily settlement file (CSV) and flag differences for staff."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("client_id")
        parser.add_argument("day", help="YYYY-MM-DD (WIB)")
        parser.add_argument("path")

    def handle(self, *args: Any, client_id: str, day: str, path: str, **options: Any) -> None:
        partner = Partner.objects.filter(client_id=client_id).first()
        if partner is None:
            raise CommandError(f"Unknown partner {client_id!r}.")
        try:
            on = dt.date.fromisoformat(day)
            text = Path(path).read_text(encoding="utf-8-sig")
            run = settlement_import(partner=partner, day=on, text=text, file_name=Path(path).name)
        except (ValueError, OSError, SettlementError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{run.line_count} lines, {run.matched_count} matched, {run.difference_count} differences flagged"
        )
