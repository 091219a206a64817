"""Load the demonstration data for development. Idempotent: a second run changes nothing.

Each app contributes its part; the logins are listed in the README and printed by `make run`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from participants.demo import load_demo_data
from partners.demo import load_demo_partner


class Command(BaseCommand):
    help = "Create the demo accounts and data (development only; safe to run repeatedly)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="allow running with DJANGO_DEBUG=false")

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo only runs with DJANGO_DEBUG=true (or --force).")
        created = load_demo_data() + load_demo_partner()
        for line in created:
            self.stdout.write(f"  {line}")
        self.stdout.write(f"seed_demo: {len(created)} created" if created else "seed_demo: nothing to do")
