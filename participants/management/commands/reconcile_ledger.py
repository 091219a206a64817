from typing import Any

from django.core.management.base import BaseCommand, CommandError

from participants.ledger.services import ledger_reconcile


class Command(BaseCommand):
    help = "Prove that every KPJ's JHT balance equals the sum of its ledger entries."

    def handle(self, *args: Any, **options: Any) -> None:
        mismatches = ledger_reconcile()
        for m in mismatches:
            self.stderr.write(f"KPJ {m.kpj}: balance {m.balance_idr} != ledger {m.ledger_sum_idr}")
        if mismatches:
            raise CommandError(f"{len(mismatches)} KPJ do not reconcile")
        self.stdout.write("ledger reconciled: every balance equals the sum of its entries")
